import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, SyncConfig } from '../config';
import { PlaidCallWindowsRepository } from './plaid-call-windows.repository';

// Keeps each item under Plaid's per-item limit for /transactions/sync (50 calls a minute) before Plaid has to
// say so: a fixed one-minute window per item in Postgres, shared by every worker. Over the limit, the call
// waits for the next window (pacing one long sync, not a retry).
@Injectable()
export class PlaidRateLimiter {
  private readonly logger = new Logger(PlaidRateLimiter.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly windows: PlaidCallWindowsRepository,
  ) {}

  async acquire(itemId: string, endpoint: string): Promise<void> {
    const limit = this.config.PLAID_SYNC_CALLS_PER_MINUTE;
    if (limit === 0) return;
    for (;;) {
      const now = Date.now();
      const windowStart = new Date(Math.floor(now / 60_000) * 60_000);
      const calls = await this.windows.countCall(`${endpoint}:${itemId}`, windowStart);
      if (calls <= limit) return;
      const waitMs = windowStart.getTime() + 60_000 - now + 50;
      this.logger.warn({ itemId, endpoint, limit, waitMs }, 'per-item Plaid rate limit reached; pacing');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
