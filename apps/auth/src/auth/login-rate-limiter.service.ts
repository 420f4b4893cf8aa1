import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/contracts';
import { DataSource } from 'typeorm';
import { AUTH_CONFIG, AuthConfig } from '../config';

// Fixed-window counters in Postgres, so every auth instance shares them. Checked before any hashing.
@Injectable()
export class LoginRateLimiter {
  constructor(
    private readonly db: DataSource,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async hit(email: string, clientIp: string): Promise<void> {
    const windowMs = this.config.LOGIN_RATE_WINDOW_SECONDS * 1000;
    const now = Date.now();
    const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
    const rows: { key: string; hits: number }[] = await this.db.query(
      `INSERT INTO login_attempts (key, window_start, hits)
       SELECT k, $2, 1 FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN login_attempts.window_start = EXCLUDED.window_start THEN login_attempts.hits + 1 ELSE 1 END,
         window_start = EXCLUDED.window_start
       RETURNING key, hits`,
      [[`email:${email}`, `ip:${clientIp}`], windowStart],
    );
    const over = rows.some((r) =>
      r.key.startsWith('email:')
        ? r.hits > this.config.LOGIN_RATE_LIMIT_PER_EMAIL
        : r.hits > this.config.LOGIN_RATE_LIMIT_PER_IP,
    );
    if (over) {
      const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
      throw new DomainError(
        ErrorCode.RateLimited,
        'Too many login attempts; try again later',
        undefined,
        retryAfter,
      );
    }
  }
}
