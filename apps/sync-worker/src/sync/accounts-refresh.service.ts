import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AccountListDto, DomainError, ErrorCode } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError, plaidCall, plaidDomainError } from '@app/plaid';
import { PlaidApi } from 'plaid';
import { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { AccountsWriter } from '../accounts/accounts.writer';
import { CONFIG, SyncConfig } from '../config';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { InstitutionBreaker } from '../plaid-limits/institution-breaker.service';
import { PlaidRateLimiter } from '../plaid-limits/plaid-rate-limiter.service';
import { ItemMetadataService } from './item-metadata.service';

// The owner's on-demand account calls: real-time balances (/accounts/balance/get, throttled per item), the
// reconciliation after Link's account selection, and the note that a selection was opened. Plaid errors are
// answered through the one Plaid error map.
@Injectable()
export class AccountsRefreshService {
  private readonly logger = new Logger(AccountsRefreshService.name);

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
    private readonly plaid: PlaidApi,
    private readonly cipher: AccessTokenCipher,
    private readonly items: SyncItemsRepository,
    private readonly writer: AccountsWriter,
    private readonly accounts: AccountsService,
    private readonly metadata: ItemMetadataService,
    private readonly breaker: InstitutionBreaker,
    private readonly limiter: PlaidRateLimiter,
    private readonly relay: OutboxRelay,
  ) {}

  // POST /v1/accounts/balance/refresh: at most once per item per BALANCE_REFRESH_MIN_INTERVAL_SECONDS (429 with
  // Retry-After otherwise); the balances and that day's snapshots are stored, the item's accounts answered.
  async refreshBalances(userId: string, itemId: string): Promise<AccountListDto> {
    const item = await this.owned(userId, itemId);
    await this.refuseIfPaused(item);
    const claim = await this.items.claimBalanceRefresh(
      itemId,
      userId,
      this.config.BALANCE_REFRESH_MIN_INTERVAL_SECONDS,
    );
    if (!claim) throw new DomainError(ErrorCode.NotFound, 'Item not found');
    if (!claim.claimed) {
      throw new DomainError(
        ErrorCode.RateLimited,
        'Balances of this item were refreshed moments ago',
        undefined,
        claim.retryAfterSeconds,
      );
    }
    const accessToken = this.cipher.decrypt(item.accessTokenEnc, item.plaidItemId);
    try {
      await this.limiter.acquire(item.itemId, '/accounts/balance/get');
      const { accounts } = await plaidCall(() =>
        this.plaid.accountsBalanceGet({ access_token: accessToken }),
      );
      await this.db.transaction((em) => this.writer.upsert(em, item, accounts));
    } catch (err) {
      await this.items.releaseBalanceRefresh(itemId);
      throw this.mapped(err, item);
    }
    this.relay.kick();
    return this.accounts.list(userId, itemId, true);
  }

  // POST /v1/items/:id/accounts/refresh, after Link's account selection: newly shared accounts appear (their
  // history follows with the sync this queues), accounts no longer shared become unlinked.
  async refreshAccounts(userId: string, itemId: string): Promise<AccountListDto> {
    const item = await this.owned(userId, itemId);
    await this.refuseIfPaused(item);
    try {
      await this.metadata.refresh(item, { selectionDone: true });
    } catch (err) {
      throw this.mapped(err, item);
    }
    return this.accounts.list(userId, itemId, true);
  }

  async startAccountSelection(userId: string, itemId: string): Promise<{ accepted: true }> {
    if (!(await this.items.startAccountSelection(itemId, userId))) {
      throw new DomainError(ErrorCode.NotFound, 'Item not found');
    }
    return { accepted: true };
  }

  private async owned(userId: string, itemId: string): Promise<SyncItem> {
    const item = await this.items.findOwned(itemId, userId);
    if (!item) throw new DomainError(ErrorCode.NotFound, 'Item not found');
    return item;
  }

  private async refuseIfPaused(item: SyncItem): Promise<void> {
    const paused = await this.breaker.pausedFor(item.institutionId);
    if (paused > 0) {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        'The institution is not answering; try again later',
        { retryAfterSeconds: paused },
      );
    }
  }

  private mapped(err: unknown, item: SyncItem): unknown {
    if (!(err instanceof PlaidApiError)) return err;
    this.logger.warn({ itemId: item.itemId, errorCode: err.errorCode }, 'Plaid refused an account refresh');
    return plaidDomainError(err);
  }
}
