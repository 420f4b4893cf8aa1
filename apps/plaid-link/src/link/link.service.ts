import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventPattern,
  type ExchangeResultDto,
  type ItemStatusValue,
  type LinkTokenDto,
} from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { itemUserMessage, PlaidApiError, plaidCall, plaidDomainError, plaidErrorPolicy } from '@app/plaid';
import { type AccountBase, type CountryCode, PlaidApi, Products, type LinkTokenCreateRequest } from 'plaid';
import { APP_CONFIG, LinkConfig } from '../config';
import { toItemDto } from '../items/item.mapper';
import { type Item } from '../items/item.entity';
import { ItemChangesService } from '../items/item-changes.service';
import { ItemsRepository } from '../items/items.repository';
import { ItemsService } from '../items/items.service';
import { PlaidItemsService } from '../plaid-items/plaid-items.service';
import { ExchangesRepository } from './exchanges.repository';
import { LinkRateLimiter } from './link-rate-limiter.service';

// How often a retry looks again at an exchange of the same token that another attempt is running.
const CLAIM_POLL_MS = 200;

interface ExchangedItem {
  accessToken: string;
  plaidItemId: string;
}

interface InspectedItem {
  institutionId: string | null;
  institutionName: string | null;
  fingerprint: string | null;
  status: ItemStatusValue;
  error: { code: string; message: string } | null;
}

// Accounts as a user would recognise them: linking the same bank with the same accounts gives the same string.
export function accountsFingerprint(
  accounts: Pick<AccountBase, 'type' | 'subtype' | 'mask' | 'name'>[],
): string {
  return accounts
    .map((a) => [a.type, a.subtype ?? '', a.mask ?? '', a.name].join('/'))
    .sort()
    .join('|');
}

async function withPlaidErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof PlaidApiError) throw plaidDomainError(err);
    throw err;
  }
}

@Injectable()
export class LinkService {
  private readonly logger = new Logger(LinkService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: LinkConfig,
    private readonly items: ItemsRepository,
    private readonly itemChanges: ItemChangesService,
    private readonly itemsService: ItemsService,
    private readonly exchanges: ExchangesRepository,
    private readonly plaidItems: PlaidItemsService,
    private readonly uow: UnitOfWork,
    private readonly plaid: PlaidApi,
    private readonly limiter: LinkRateLimiter,
  ) {}

  async createLinkToken(userId: string, itemId?: string, accountSelection = false): Promise<LinkTokenDto> {
    if (accountSelection && !itemId) {
      throw new DomainError(ErrorCode.BadRequest, 'accountSelection needs the itemId of the item to update');
    }
    await this.limiter.hit('link-token', userId);
    const request: LinkTokenCreateRequest = {
      client_name: this.config.PLAID_CLIENT_NAME,
      language: this.config.PLAID_LANGUAGE,
      country_codes: this.config.PLAID_COUNTRY_CODES.split(',') as CountryCode[],
      // Our user id, never an email: Plaid forbids PII here.
      user: { client_user_id: userId },
    };
    if (itemId) {
      // Update mode: the item's own token, no products; the webhook is set with /item/webhook/update instead.
      const item = await this.itemsService.owned(userId, itemId);
      request.access_token = this.plaidItems.accessToken(item);
      if (accountSelection) request.update = { account_selection_enabled: true };
    } else {
      request.products = [Products.Transactions];
      request.transactions = { days_requested: this.config.PLAID_DAYS_REQUESTED };
      if (this.config.PLAID_WEBHOOK_URL) request.webhook = this.config.PLAID_WEBHOOK_URL;
    }
    const res = await withPlaidErrors(() => plaidCall(() => this.plaid.linkTokenCreate(request)));
    return { linkToken: res.link_token, expiration: new Date(res.expiration).toISOString() };
  }

  // Exchanges a public token for an item. Retry-safe: the same public token answers with the same item. An attempt
  // first claims the token's exchange row (one short INSERT); a concurrent retry finds the claim and polls for its
  // outcome. No database connection is held while Plaid answers.
  async exchange(userId: string, publicToken: string): Promise<ExchangeResultDto> {
    await this.limiter.hit('exchange', userId);
    const hash = createHash('sha256').update(publicToken).digest();
    const claimId = randomUUID();
    const waitUntil = Date.now() + this.claimWaitMs();
    for (;;) {
      if (await this.exchanges.claim(hash, userId, claimId, this.claimStaleSeconds())) {
        return this.exchangeClaimed(userId, publicToken, hash, claimId);
      }
      const previous = await this.previousExchange(userId, hash);
      if (previous) return { item: toItemDto(previous, this.config.ITEM_STALE_AFTER_HOURS) };
      if (Date.now() >= waitUntil) {
        const retryAfterSeconds = 2;
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          'This public token is being exchanged; retry shortly',
          {
            retryAfterSeconds,
          },
        );
      }
      await sleep(CLAIM_POLL_MS);
    }
  }

  // A live attempt makes at most three Plaid calls (exchange, accounts, remove), each bounded by the Plaid timeout.
  private claimWaitMs(): number {
    return 3 * this.config.PLAID_TIMEOUT_MS;
  }

  // A claim this old belongs to an attempt that died (its process went away mid-exchange): a retry takes it over.
  private claimStaleSeconds(): number {
    return Math.max(300, Math.ceil((4 * this.config.PLAID_TIMEOUT_MS) / 1000));
  }

  private async exchangeClaimed(
    userId: string,
    publicToken: string,
    hash: Buffer,
    claimId: string,
  ): Promise<ExchangeResultDto> {
    let plaidItem: ExchangedItem;
    try {
      const exchanged = await withPlaidErrors(() =>
        plaidCall(() => this.plaid.itemPublicTokenExchange({ public_token: publicToken })),
      );
      plaidItem = { accessToken: exchanged.access_token, plaidItemId: exchanged.item_id };
    } catch (err) {
      await this.releaseClaim(hash, claimId);
      throw err;
    }
    try {
      const seen = await this.inspect(plaidItem);
      await this.refuseDuplicate(userId, plaidItem, seen);
      const item = await this.record(userId, plaidItem, seen, hash, claimId);
      this.logger.log({ itemId: item.id, userId, institutionId: seen.institutionId }, 'item linked');
      return { item: toItemDto(item, this.config.ITEM_STALE_AFTER_HOURS) };
    } catch (err) {
      if (!(err instanceof DomainError && err.code === ErrorCode.ItemAlreadyLinked)) {
        await this.removeUnrecorded(plaidItem);
      }
      await this.releaseClaim(hash, claimId);
      throw err;
    }
  }

  // The token's earlier exchange: its item when done, null while another attempt runs it (or just gave it back).
  private async previousExchange(userId: string, hash: Buffer): Promise<Item | null> {
    const previous = await this.exchanges.findByTokenHash(hash);
    if (!previous) return null;
    if (previous.userId !== userId) {
      throw new DomainError(ErrorCode.BadRequest, 'This public token cannot be used');
    }
    return previous.itemId ? this.items.findById(previous.itemId) : null;
  }

  // A claim left behind only delays a retry until it is stale; the attempt's own error is what the caller needs.
  private async releaseClaim(hash: Buffer, claimId: string): Promise<void> {
    await this.exchanges
      .release(hash, claimId)
      .catch((err: unknown) =>
        this.logger.error({ err: (err as Error).message }, 'could not release exchange claim'),
      );
  }

  // The same accounts at the same institution again: the new item is removed at Plaid and the old one named.
  private async refuseDuplicate(
    userId: string,
    plaidItem: ExchangedItem,
    seen: InspectedItem,
  ): Promise<void> {
    if (!seen.institutionId || !seen.fingerprint) return;
    const duplicate = await this.items.findDuplicate(userId, seen.institutionId, seen.fingerprint);
    if (!duplicate) return;
    await this.plaidItems.removeAtPlaid(plaidItem.accessToken, plaidItem.plaidItemId);
    this.logger.warn(
      { userId, duplicateOf: duplicate.id, institutionId: seen.institutionId },
      'duplicate link removed at Plaid',
    );
    throw new DomainError(
      ErrorCode.ItemAlreadyLinked,
      'These accounts at this institution are already linked',
      {
        details: [{ field: 'itemId', messages: [duplicate.id] }],
      },
    );
  }

  // The item, its exchange, its ItemLinked job and the owner's item.updated in one transaction: the job and the
  // event exist if and only if the item does.
  private async record(
    userId: string,
    plaidItem: ExchangedItem,
    seen: InspectedItem,
    hash: Buffer,
    claimId: string,
  ): Promise<Item> {
    const { plaidItemId } = plaidItem;
    return this.uow.run(async (tx) => {
      const saved = await this.itemChanges.create(tx, {
        userId,
        plaidItemId,
        accessTokenEnc: this.plaidItems.encryptAccessToken(plaidItem.accessToken, plaidItemId),
        institutionId: seen.institutionId,
        institutionName: seen.institutionName,
        accountsFingerprint: seen.fingerprint,
        status: seen.status,
        errorCode: seen.error?.code ?? null,
        errorMessage: seen.error?.message ?? null,
      });
      if (!(await this.exchanges.complete(tx.manager, hash, claimId, saved.id))) {
        // Taken over as stale by a retry: that attempt owns the token's outcome now.
        throw new Error('exchange claim lost before the item was recorded');
      }
      await tx.publish(EventPattern.ItemLinked, {
        itemId: saved.id,
        userId,
        plaidItemId,
        encryptedAccessToken: saved.accessTokenEnc,
      });
      return saved;
    });
  }

  // Nothing half-done: an item we could not record must not live on at Plaid.
  private async removeUnrecorded({ accessToken, plaidItemId }: ExchangedItem): Promise<void> {
    await this.plaidItems
      .removeAtPlaid(accessToken, plaidItemId)
      .catch((removeErr: unknown) =>
        this.logger.error(
          { plaidItemId, err: (removeErr as Error).message },
          'could not remove unrecorded item at Plaid',
        ),
      );
  }

  // The new item's institution and accounts, for duplicate detection. Once we hold an access token we keep the
  // item: an item-level error (login required…) is recorded on it, a transient one only skips the check.
  private async inspect({ accessToken, plaidItemId }: ExchangedItem): Promise<InspectedItem> {
    try {
      const res = await plaidCall(() => this.plaid.accountsGet({ access_token: accessToken }));
      return {
        institutionId: res.item.institution_id ?? null,
        institutionName: res.item.institution_name ?? null,
        fingerprint: accountsFingerprint(res.accounts),
        status: 'pending',
        error: null,
      };
    } catch (err) {
      if (!(err instanceof PlaidApiError)) throw err;
      const policy = plaidErrorPolicy(err.errorCode, err.errorType);
      this.logger.warn(
        { plaidItemId, errorCode: err.errorCode },
        'accounts unavailable at exchange; duplicate check skipped',
      );
      return {
        institutionId: null,
        institutionName: null,
        fingerprint: null,
        status: policy.itemStatus ?? 'pending',
        error: policy.itemStatus
          ? { code: err.errorCode, message: err.displayMessage ?? itemUserMessage(err.errorCode) }
          : null,
      };
    }
  }
}
