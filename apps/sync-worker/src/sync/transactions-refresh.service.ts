import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccessTokenCipher, PlaidApiError, plaidCall } from '@app/plaid';
import { PlaidApi } from 'plaid';
import { CONFIG, SyncConfig } from '../config';
import { type SyncItem } from '../items/sync-items.repository';
import { InstitutionBreaker } from '../plaid-limits/institution-breaker.service';
import { PlaidRateLimiter } from '../plaid-limits/plaid-rate-limiter.service';

// Before a manual sync, asks Plaid to fetch fresh data from the bank (/transactions/refresh: billed by Plaid,
// hence TRANSACTIONS_REFRESH_ON_MANUAL_SYNC). Plaid answers at once and fetches in the background, then says
// SYNC_UPDATES_AVAILABLE (or the poll finds it). A refusal never stops the pull of what Plaid already has.
@Injectable()
export class TransactionsRefreshService {
  private readonly logger = new Logger(TransactionsRefreshService.name);

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly plaid: PlaidApi,
    private readonly cipher: AccessTokenCipher,
    private readonly breaker: InstitutionBreaker,
    private readonly limiter: PlaidRateLimiter,
  ) {}

  async beforeManualSync(item: SyncItem): Promise<boolean> {
    if (!this.config.TRANSACTIONS_REFRESH_ON_MANUAL_SYNC) return false;
    if ((await this.breaker.pausedFor(item.institutionId)) > 0) return false;
    const accessToken = this.cipher.decrypt(item.accessTokenEnc, item.plaidItemId);
    try {
      await this.limiter.acquire(item.itemId, '/transactions/refresh');
      await plaidCall(() => this.plaid.transactionsRefresh({ access_token: accessToken }));
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
