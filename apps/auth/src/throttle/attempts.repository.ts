import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface Window {
  start: Date;
  end: Date;
}

export interface DelayedWindow {
  hits: number;
  nextAt: Date | null;
}

// auth.login_attempts: the fixed-window counters of every throttle (login, signup, refresh), shared by every
// auth instance. Each row says when it may be deleted (expires_at).
@Injectable()
export class AttemptsRepository {
  constructor(private readonly db: DataSource) {}

  // Counts one hit under each key in `window` (a newer window restarts at 1) and answers the counts. Inside a
  // transaction the rows stay locked until it ends, so a caller that rolls back leaves no trace and concurrent
  // hits on a key queue up instead of all passing the check. Keys are locked in sorted order (no deadlock).
  async hit(em: EntityManager, keys: string[], window: Window): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await em.query<{ key: string; hits: number }[]>(
      `INSERT INTO login_attempts AS a (key, window_start, hits, expires_at)
       SELECT k, $2, 1, $3 FROM unnest($1::text[]) AS k ORDER BY k
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN a.window_start = EXCLUDED.window_start THEN a.hits + 1 ELSE 1 END,
         next_at = CASE WHEN a.window_start = EXCLUDED.window_start THEN a.next_at END,
         window_start = EXCLUDED.window_start,
         expires_at = EXCLUDED.expires_at
       RETURNING key, hits`,
      [[...keys].sort(), window.start, window.end],
    );
    return new Map(rows.map((r) => [r.key, r.hits]));
  }

  // Takes back one hit under each key, only if its counter is still the one of `window` (a newer window never
  // counted it).
  async refund(keys: string[], window: Window): Promise<void> {
    if (keys.length === 0) return;
    await this.db.query(
      `UPDATE login_attempts SET hits = GREATEST(hits - 1, 0) WHERE key = ANY($1::text[]) AND window_start = $2`,
      [keys, window.start],
    );
  }

  // The key's counter in `window`, locked for the rest of the transaction; null when it has none.
  async lockWindow(em: EntityManager, key: string, window: Window): Promise<DelayedWindow | null> {
    const rows = await em.query<DelayedWindow[]>(
      `SELECT hits, next_at AS "nextAt" FROM login_attempts WHERE key = $1 AND window_start = $2 FOR UPDATE`,
      [key, window.start],
    );
    return rows[0] ?? null;
  }

  // Moves the key's "not before" moment later (never earlier).
  async delayUntil(em: EntityManager, key: string, nextAt: Date): Promise<void> {
    await em.query(
      `UPDATE login_attempts SET next_at = GREATEST(next_at, $2), expires_at = GREATEST(expires_at, $2)
        WHERE key = $1`,
      [key, nextAt],
    );
  }

  // A marker row that lives until `expiresAt` (renewed on every call).
  async mark(key: string, now: Date, expiresAt: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO login_attempts (key, window_start, hits, expires_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (key) DO UPDATE SET window_start = $2, expires_at = $3`,
      [key, now, expiresAt],
    );
  }

  async isMarked(em: EntityManager, key: string, now: Date): Promise<boolean> {
    const rows = await em.query<unknown[]>(
      `SELECT 1 FROM login_attempts WHERE key = $1 AND expires_at > $2`,
      [key, now],
    );
    return rows.length > 0;
  }

  // Deletes up to `limit` rows whose time has passed, in one statement; answers how many went.
  async deleteExpired(now: Date, limit: number): Promise<number> {
    const [, deleted] = await this.db.query<[unknown[], number]>(
      `DELETE FROM login_attempts WHERE key IN (
         SELECT key FROM login_attempts WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [now, limit],
    );
    return deleted;
  }
}
