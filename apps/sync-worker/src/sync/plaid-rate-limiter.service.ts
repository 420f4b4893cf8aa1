import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';

// Keeps each item under Plaid's per-item limit for /transactions/sync (50 calls a minute) before Plaid has to
// say so: a fixed one-minute window per item in Postgres, shared by every worker. Over the limit, the call
// waits for the next window (pacing one long sync, not a retry).
@Injectable()
export class PlaidRateLimiter {
  private readonly logger = new Logger(PlaidRateLimiter.name);

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
  ) {}

  async acquire(itemId: string, endpoint: string): Promise<void> {
    const limit = this.config.PLAID_SYNC_CALLS_PER_MINUTE;
    if (limit === 0) return;
    for (;;) {
      const now = Date.now();
      const windowStart = new Date(Math.floor(now / 60_000) * 60_000);
      const [{ calls }] = await this.db.query<{ calls: number }[]>(
        `INSERT INTO plaid_call_windows (key, window_start, calls) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           calls = CASE WHEN plaid_call_windows.window_start = EXCLUDED.window_start THEN plaid_call_windows.calls + 1 ELSE 1 END,
           window_start = EXCLUDED.window_start
         RETURNING calls`,
        [`${endpoint}:${itemId}`, windowStart],
      );
      if (calls <= limit) return;
      const waitMs = windowStart.getTime() + 60_000 - now + 50;
      this.logger.warn({ itemId, endpoint, limit, waitMs }, 'per-item Plaid rate limit reached; pacing');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
