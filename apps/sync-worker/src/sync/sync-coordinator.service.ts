import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';

// Advisory-lock namespace of "one sync per item".
const LOCK_CLASS = 7301;

// Single flight per item, across every worker instance: a request sets the item's sync_requested flag, and
// whoever holds the item's advisory lock keeps running syncs until the flag stays clear. Requests that arrive
// during a run coalesce into exactly one follow-up. A worker that dies releases its lock with its connection;
// its unacked message comes back and the next run resumes from the last committed cursor.
@Injectable()
export class SyncCoordinator implements OnApplicationShutdown {
  private readonly logger = new Logger(SyncCoordinator.name);
  // Session-level advisory locks need one connection for the whole run, apart from the query pool.
  private readonly locks: Pool;

  constructor(
    @Inject(CONFIG) config: SyncConfig,
    private readonly db: DataSource,
  ) {
    this.locks = new Pool({
      connectionString: config.DATABASE_URL,
      max: config.EVENTS_PREFETCH + 2,
      connectionTimeoutMillis: 5000,
      application_name: 'plaid-backend:sync-locks',
    });
    // A terminated connection must not take the process down: log it; the lock dies with it (by design).
    this.locks.on('error', (err) => this.logger.warn({ err: err.message }, 'idle lock connection lost'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.locks.end();
  }

  // Returns when this caller ran the item's syncs, or when another run holds the lock (and will see the flag).
  async request(itemId: string, run: () => Promise<void>): Promise<'ran' | 'coalesced' | 'unknown'> {
    const flagged: unknown[] = await this.db.query(
      `UPDATE items SET sync_requested = true WHERE item_id = $1 RETURNING 1`,
      [itemId],
    );
    if (rowsOf(flagged).length === 0) return 'unknown';
    const client = await this.locks.connect();
    let broken = false;
    const onError = (err: Error): void => {
      broken = true;
      this.logger.warn({ itemId, err: err.message }, 'lock connection lost');
    };
    client.on('error', onError);
    let ran = false;
    try {
      for (;;) {
        const { rows } = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
          [LOCK_CLASS, itemId],
        );
        if (!rows[0].ok) return ran ? 'ran' : 'coalesced';
        try {
          while (await this.claim(itemId)) {
            ran = true;
            await run();
          }
        } finally {
          await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, itemId]);
        }
        // A request may have landed between the last claim and the unlock: look once more.
        const again: { sync_requested: boolean }[] = await this.db.query(
          `SELECT sync_requested FROM items WHERE item_id = $1`,
          [itemId],
        );
        if (!again[0]?.sync_requested) return 'ran';
      }
    } catch (err) {
      // The run failed: put the request back so the retry (or any later request) runs it.
      await this.db
        .query(`UPDATE items SET sync_requested = true WHERE item_id = $1`, [itemId])
        .catch(() => undefined);
      throw err;
    } finally {
      client.off('error', onError);
      // A broken connection is discarded, not returned to the pool.
      client.release(broken);
    }
  }

  private async claim(itemId: string): Promise<boolean> {
    const result: unknown[] = await this.db.query(
      `UPDATE items SET sync_requested = false WHERE item_id = $1 AND sync_requested RETURNING 1`,
      [itemId],
    );
    return rowsOf(result).length > 0;
  }
}

// TypeORM answers UPDATE … RETURNING with [rows, count] on Postgres.
function rowsOf(result: unknown[]): unknown[] {
  return Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
}
