import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { APP_CONFIG, SyncConfig } from '../config';
import { SyncItemsRepository } from '../items/sync-items.repository';

// Advisory-lock namespace of "one sync per item".
const LOCK_CLASS = 7301;

// A run this process holds the item's lock for. `flagged`: the item's sync_requested flag was set after the
// run's last claim, so a follow-up is already due and further requests need not touch Postgres.
interface LocalRun {
  flagged: boolean;
}

export type RequestOutcome = 'ran' | 'coalesced' | 'unknown';

// Single flight per item, across every worker instance: a request sets the item's sync_requested flag, and
// whoever holds the item's advisory lock keeps running syncs until the flag stays clear. Requests that arrive
// during a run coalesce into exactly one follow-up. A worker that dies releases its lock with its connection;
// its unacked message comes back and the next run resumes from the last committed cursor.
// While this process runs an item's syncs, requests for that item are settled here: the first one after each
// claim sets the flag, the rest return at once (a burst of webhooks for one item costs one UPDATE per run, not
// an UPDATE, a lock attempt and a pool checkout each).
@Injectable()
export class SyncCoordinator implements OnApplicationShutdown {
  private readonly logger = new Logger(SyncCoordinator.name);
  // Session-level advisory locks need one connection for the whole run, apart from the query pool.
  private readonly locks: Pool;
  private readonly running = new Map<string, LocalRun>();

  constructor(
    @Inject(APP_CONFIG) config: SyncConfig,
    private readonly items: SyncItemsRepository,
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
  async request(itemId: string, run: () => Promise<void>): Promise<RequestOutcome> {
    const local = this.running.get(itemId);
    if (local) return this.coalesce(itemId, local, run);
    if (!(await this.items.flagSyncRequested(itemId))) return 'unknown';
    return this.runWhileRequested(itemId, run);
  }

  // This process runs the item already: the first request after each claim sets the flag, the rest return.
  private async coalesce(itemId: string, local: LocalRun, run: () => Promise<void>): Promise<RequestOutcome> {
    if (local.flagged) return 'coalesced';
    // Mark before the UPDATE: a concurrent request may skip it only because this one is setting the flag.
    local.flagged = true;
    try {
      await this.items.flagSyncRequested(itemId);
    } catch (err) {
      local.flagged = false;
      throw err;
    }
    // Still running: its loop claims again after this commit. If it ended meanwhile, its last look at the flag
    // may have come before this UPDATE: take the full path, which runs the sync itself if no one else does.
    if (this.running.get(itemId) === local) return 'coalesced';
    return this.request(itemId, run);
  }

  private async runWhileRequested(itemId: string, run: () => Promise<void>): Promise<RequestOutcome> {
    const client = await this.locks.connect();
    let broken = false;
    const onError = (err: Error): void => {
      broken = true;
      this.logger.warn({ itemId, err: err.message }, 'lock connection lost');
    };
    client.on('error', onError);
    try {
      return await this.lockAndRun(client, itemId, run);
    } catch (err) {
      // The run failed: put the request back so the retry (or any later request) runs it.
      await this.items.flagSyncRequested(itemId).catch(() => false);
      throw err;
    } finally {
      client.off('error', onError);
      // A broken connection is discarded, not returned to the pool.
      client.release(broken);
    }
  }

  private async lockAndRun(
    client: PoolClient,
    itemId: string,
    run: () => Promise<void>,
  ): Promise<RequestOutcome> {
    let ran = false;
    for (;;) {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
        [LOCK_CLASS, itemId],
      );
      if (!rows[0].ok) return ran ? 'ran' : 'coalesced';
      if (await this.runClaims(client, itemId, run)) ran = true;
      // A request may have landed between the last claim and the unlock: look once more.
      if (!(await this.items.isSyncRequested(itemId))) return 'ran';
    }
  }

  // Holding the lock: runs once per claimed request until none is pending, then unlocks. True if it ran.
  private async runClaims(client: PoolClient, itemId: string, run: () => Promise<void>): Promise<boolean> {
    const local: LocalRun = { flagged: false };
    this.running.set(itemId, local);
    let ran = false;
    try {
      for (;;) {
        // Cleared before the claim: a request from here on sets the flag again rather than trusting it.
        local.flagged = false;
        if (!(await this.items.takeSyncRequest(itemId))) return ran;
        ran = true;
        await run();
      }
    } finally {
      this.running.delete(itemId);
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, itemId]);
    }
  }
}
