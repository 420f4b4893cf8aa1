import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AccountListDto, DomainError, ErrorCode } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { PlaidApiError, plaidDomainError } from '@app/plaid';
import { APP_CONFIG, SyncConfig } from '../config';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { type ItemPlaidClient, ItemPlaidClients } from '../plaid/item-plaid.client';
import { AccountWritesService } from './account-writes.service';
import { AccountsService } from './accounts.service';
import { ItemMetadataService } from './item-metadata.service';

// The owner's on-demand account calls: real-time balances (/accounts/balance/get, throttled per item), the
// reconciliation after Link's account selection, and the note that a selection was opened. Plaid errors are
// answered through the one Plaid error map.
@Injectable()
export class AccountsRefreshService {
  private readonly logger = new Logger(AccountsRefreshService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly uow: UnitOfWork,
    private readonly plaid: ItemPlaidClients,
    private readonly items: SyncItemsRepository,
    private readonly writer: AccountWritesService,
    private readonly accounts: AccountsService,
    private readonly metadata: ItemMetadataService,
  ) {}

  // POST /v1/accounts/balance/refresh: at most once per item per BALANCE_REFRESH_MIN_INTERVAL_SECONDS (429 with
  // Retry-After otherwise); the balances and that day's snapshots are stored, the item's accounts answered.
  async refreshBalances(userId: string, itemId: string): Promise<AccountListDto> {
    const plaid = await this.open(userId, itemId);
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
    try {
      const { accounts } = await plaid.accountsBalanceGet();
      await this.uow.run((tx) => this.writer.upsert(tx, plaid.item, accounts));
    } catch (err) {
      await this.items.releaseBalanceRefresh(itemId);
      throw this.mapped(err, plaid.item);
    }
    return this.accounts.list(userId, itemId, true);
  }

  // POST /v1/items/:id/accounts/refresh, after Link's account selection: newly shared accounts appear (their
  // history follows with the sync this queues), accounts no longer shared become unlinked.
  async refreshAccounts(userId: string, itemId: string): Promise<AccountListDto> {
    const plaid = await this.open(userId, itemId);
    try {
      await this.metadata.refresh(plaid, { selectionDone: true });
    } catch (err) {
      throw this.mapped(err, plaid.item);
    }
    return this.accounts.list(userId, itemId, true);
  }

  async startAccountSelection(userId: string, itemId: string): Promise<{ accepted: true }> {
    if (!(await this.items.startAccountSelection(itemId, userId))) {
      throw new DomainError(ErrorCode.NotFound, 'Item not found');
    }
    return { accepted: true };
  }

  // The owner's item through the door to Plaid; a paused institution answers 503 with Retry-After.
  private async open(userId: string, itemId: string): Promise<ItemPlaidClient> {
    const item = await this.items.findOwned(itemId, userId);
    if (!item) throw new DomainError(ErrorCode.NotFound, 'Item not found');
    const plaid = await this.plaid.open(item);
    if (plaid.kind === 'paused') {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        'The institution is not answering; try again later',
        { retryAfterSeconds: plaid.retryAfterSeconds },
      );
    }
    return plaid;
  }

  private mapped(err: unknown, item: SyncItem): unknown {
    if (!(err instanceof PlaidApiError)) return err;
    this.logger.warn({ itemId: item.itemId, errorCode: err.errorCode }, 'Plaid refused an account refresh');
    return plaidDomainError(err);
  }
}
