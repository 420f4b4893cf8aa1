import { Inject, Injectable, Logger } from '@nestjs/common';
import { PlaidApiError } from '@app/plaid';
import { APP_CONFIG, SyncConfig } from '../config';
import { type SyncItem } from '../items/sync-items.repository';
import { ItemPlaidClients } from '../plaid/item-plaid.client';

// Before a manual sync, asks Plaid to fetch fresh data from the bank (/transactions/refresh: billed by Plaid,
// hence TRANSACTIONS_REFRESH_ON_MANUAL_SYNC). Plaid answers at once and fetches in the background, then says
// SYNC_UPDATES_AVAILABLE (or the poll finds it). A refusal never stops the pull of what Plaid already has.
@Injectable()
export class TransactionsRefreshService {
  private readonly logger = new Logger(TransactionsRefreshService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly plaid: ItemPlaidClients,
  ) {}

  async beforeManualSync(item: SyncItem): Promise<boolean> {
    if (!this.config.TRANSACTIONS_REFRESH_ON_MANUAL_SYNC) return false;
    const plaid = await this.plaid.open(item);
    if (plaid.kind === 'paused') return false;
    try {
      await plaid.transactionsRefresh();
      return true;
    } catch (err) {
      if (!(err instanceof PlaidApiError)) throw err;
      this.logger.warn(
        { itemId: item.itemId, errorCode: err.errorCode },
        'Plaid refused /transactions/refresh',
      );
      return false;
    }
  }
}
