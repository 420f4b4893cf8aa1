import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

// sync.plaid_call_windows: one fixed one-minute window per key, shared by every worker instance.
@Injectable()
export class PlaidCallWindowsRepository {
  constructor(private readonly db: DataSource) {}

  // Counts one call in the key's window starting at `windowStart` (a new window resets the count); returns the
  // calls counted in that window so far, this one included.
  async countCall(key: string, windowStart: Date): Promise<number> {
    const rows = await this.db.query<{ calls: number }[]>(
      `INSERT INTO plaid_call_windows (key, window_start, calls) VALUES ($1, $2, 1)
       ON CONFLICT (key) DO UPDATE SET
         calls = CASE WHEN plaid_call_windows.window_start = EXCLUDED.window_start THEN plaid_call_windows.calls + 1 ELSE 1 END,
         window_start = EXCLUDED.window_start
       RETURNING calls`,
      [key, windowStart],
    );
    return rows[0].calls;
  }
}
