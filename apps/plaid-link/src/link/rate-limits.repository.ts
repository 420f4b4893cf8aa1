import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface WindowCount {
  windowStart: Date;
  hits: number;
}

// link.rate_limits: one fixed-window counter per key, shared by every plaid-link instance. Counting resets the row
// in place, so the table holds one row per key however many requests are refused.
@Injectable()
export class RateLimitsRepository {
  constructor(private readonly db: DataSource) {}

  // Counts one request in the window starting at `windowStart`; a newer window restarts at 1, an older one (a
  // slower clock elsewhere) counts in the newer.
  async hit(key: string, windowStart: Date): Promise<WindowCount> {
    const rows = await this.db.query<WindowCount[]>(
      `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN EXCLUDED.window_start > rate_limits.window_start THEN 1 ELSE rate_limits.hits + 1 END,
         window_start = GREATEST(rate_limits.window_start, EXCLUDED.window_start)
       RETURNING window_start AS "windowStart", hits`,
      [key, windowStart],
    );
    return rows[0];
  }
}
