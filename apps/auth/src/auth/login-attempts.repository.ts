import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AttemptCount {
  key: string;
  hits: number;
}

// auth.login_attempts: one fixed-window counter per key, shared by every auth instance.
@Injectable()
export class LoginAttemptsRepository {
  constructor(private readonly db: DataSource) {}

  // Counts one attempt under each key in the window starting at `windowStart`; a newer window restarts at 1.
  async hit(keys: string[], windowStart: Date): Promise<AttemptCount[]> {
    if (keys.length === 0) return [];
    return this.db.query<AttemptCount[]>(
      `INSERT INTO login_attempts (key, window_start, hits)
       SELECT k, $2, 1 FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN login_attempts.window_start = EXCLUDED.window_start THEN login_attempts.hits + 1 ELSE 1 END,
         window_start = EXCLUDED.window_start
       RETURNING key, hits`,
      [keys, windowStart],
    );
  }
}
