import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EDITS_JOIN, TRANSACTION_JSON } from './transaction.projection';

export interface ChangesScope {
  userId: string;
  itemId: string | null;
}

// One change of a page: the transaction's id, and its current JSON unless it is gone.
export interface ChangeRow {
  kind: 'added' | 'modified' | 'removed';
  id: string;
  json: string | null;
}

export type SnapshotResult =
  | { kind: 'not-found' }
  | {
      kind: 'page';
      // key: the row's keyset position (date, internal id) for the next snapshot page.
      rows: { date: string; key: string; json: string }[];
      // The log position the snapshot started at, and whether the log holds changes after it.
      high: string;
      changesAfterHigh: boolean;
      horizon: string;
    };

export type LogResult =
  | { kind: 'not-found' }
  | { kind: 'page'; rows: ChangeRow[]; last: string | null; more: boolean; horizon: string };

interface Row {
  tag: 'row' | 'added' | 'modified' | 'removed' | 'high' | 'last' | 'more' | 'horizon' | 'missing';
  date: string | null;
  id: string | null;
  json: string | null;
  seq: string | null;
}

// The itemId filter must be the caller's (as the list checks it: item_owners, or items for an item a
// previous-release worker linked); the branch yields a row only when it is not.
const MISSING = `SELECT 'missing', NULL, NULL, NULL, NULL::bigint
        WHERE $2::uuid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM item_owners o WHERE o.item_id = $2::uuid AND o.user_id = $1)
          AND NOT EXISTS (SELECT 1 FROM items i WHERE i.item_id = $2::uuid AND i.user_id = $1)`;

const HORIZON = `SELECT 'horizon', NULL, NULL, NULL, (SELECT h.seq FROM transaction_changes_horizon h)`;

// Snapshot phase: the current transactions, newest first (the list's index), and in the same snapshot the
// log position they reflect ($3 on later pages). Changes committed after that position are in the log above it
// (the change log's per-user lock orders them), so replaying the log from `high` completes the picture.
// A user whose rows were all compacted starts at the horizon, which no cursor below it may pass.
const SNAPSHOT_SQL = `WITH high AS (
         SELECT coalesce($3::bigint, greatest(
                  (SELECT max(c.seq) FROM transaction_changes c WHERE c.user_id = $1),
                  (SELECT h.seq FROM transaction_changes_horizon h))) AS seq
       )
       (SELECT 'row' AS tag, t.date::text AS date, t.id::text AS id, ${TRANSACTION_JSON} AS json,
               NULL::bigint AS seq
          FROM transactions t
          ${EDITS_JOIN}
         WHERE t.user_id = $1
           AND ($2::uuid IS NULL OR t.item_id = $2::uuid)
           AND ($4::date IS NULL OR (t.date, t.id) < ($4::date, $5::uuid))
         ORDER BY t.date DESC, t.id DESC
         LIMIT $6)
       UNION ALL
       SELECT 'high', NULL, NULL, NULL, (SELECT seq FROM high)
       UNION ALL
       SELECT 'more', NULL, NULL, NULL, NULL
        WHERE EXISTS (SELECT 1 FROM transaction_changes c
                       WHERE c.user_id = $1 AND c.seq > (SELECT seq FROM high)
                         AND ($2::uuid IS NULL OR c.item_id = $2::uuid))
       UNION ALL
       ${HORIZON}
       UNION ALL
       ${MISSING}`;

// Log phase: the next $4 log rows after $3, one change per transaction (its latest), in log order, each with
// the transaction's current JSON, or none when it is gone. "added" when the window saw it inserted.
const LOG_SQL = `WITH c AS (
         SELECT c.seq, c.transaction_id, c.kind
           FROM transaction_changes c
          WHERE c.user_id = $1 AND c.seq > $3::bigint AND ($2::uuid IS NULL OR c.item_id = $2::uuid)
          ORDER BY c.seq
          LIMIT $4::int + 1
       ), page AS (
         SELECT * FROM c ORDER BY seq LIMIT $4
       ), g AS (
         SELECT transaction_id, max(seq) AS seq, bool_or(kind = 'a') AS added FROM page GROUP BY transaction_id
       )
       (SELECT CASE WHEN t.id IS NULL THEN 'removed' WHEN g.added THEN 'added' ELSE 'modified' END AS tag,
               NULL::text AS date, g.transaction_id AS id,
               CASE WHEN t.id IS NULL THEN NULL ELSE ${TRANSACTION_JSON} END AS json, g.seq
          FROM g
          LEFT JOIN transactions t ON t.plaid_transaction_id = g.transaction_id AND t.user_id = $1
          ${EDITS_JOIN}
         ORDER BY g.seq)
       UNION ALL
       SELECT 'last', NULL, NULL, NULL, (SELECT max(seq) FROM page)
       UNION ALL
       SELECT 'more', NULL, NULL, NULL, NULL WHERE (SELECT count(*) FROM c) > $4
       UNION ALL
       ${HORIZON}
       UNION ALL
       ${MISSING}`;

// Deletes up to $2 log rows older than $1 hours, oldest first, and raises the horizon to the highest seq
// deleted. Rows are cut by position (below the first row still within retention), never by age alone: the
// log must stay a contiguous suffix, or a cursor above the horizon could miss a deleted row.
const COMPACT_SQL = `WITH cut AS (
         SELECT coalesce(
                  (SELECT c.seq - 1 FROM transaction_changes c
                    WHERE c.changed_at >= now() - make_interval(hours => $1::int) ORDER BY c.seq LIMIT 1),
                  (SELECT max(c.seq) FROM transaction_changes c)) AS seq
       ), doomed AS (
         SELECT c.seq FROM transaction_changes c WHERE c.seq <= (SELECT seq FROM cut) ORDER BY c.seq LIMIT $2
       ), gone AS (
         DELETE FROM transaction_changes c USING doomed d WHERE c.seq = d.seq RETURNING c.seq
       ), horizon AS (
         UPDATE transaction_changes_horizon
            SET seq = greatest(seq, (SELECT max(seq) FROM gone)), compacted_at = now()
          WHERE EXISTS (SELECT 1 FROM gone)
       )
       SELECT count(*)::int AS deleted FROM gone`;

// The per-user lock the change log's trigger takes (migration TransactionChangeLog): held, a user's seqs commit in order.
const CHANGE_LOG_LOCK = 7311;

// Advisory-lock namespace of "one compaction pass at a time".
const COMPACTION_LOCK = 7312;

@Injectable()
export class TransactionChangesRepository {
  constructor(private readonly db: DataSource) {}

  // Up to `limit` current transactions after `after` (all of them from the first page on), with the log position.
  async snapshot(
    scope: ChangesScope,
    high: string | null,
    after: { date: string; id: string } | null,
    limit: number,
  ): Promise<SnapshotResult> {
    const rows = await this.db.query<Row[]>(SNAPSHOT_SQL, [
      scope.userId,
      scope.itemId,
      high,
      after?.date ?? null,
      after?.id ?? null,
      limit,
    ]);
    if (rows.some((r) => r.tag === 'missing')) return { kind: 'not-found' };
    return {
      kind: 'page',
      rows: rows
        .filter((r) => r.tag === 'row')
        .map((r) => ({ date: r.date ?? '', key: r.id ?? '', json: r.json ?? '' })),
      high: seqOf(rows, 'high'),
      changesAfterHigh: rows.some((r) => r.tag === 'more'),
      horizon: seqOf(rows, 'horizon'),
    };
  }

  // The changes of the next `limit` log rows after `seq`.
  async changesAfter(scope: ChangesScope, seq: string, limit: number): Promise<LogResult> {
    const rows = await this.db.query<Row[]>(LOG_SQL, [scope.userId, scope.itemId, seq, limit]);
    if (rows.some((r) => r.tag === 'missing')) return { kind: 'not-found' };
    const changes: ChangeRow[] = [];
    for (const r of rows) {
      if (r.tag === 'added' || r.tag === 'modified' || r.tag === 'removed') {
        changes.push({ kind: r.tag, id: r.id ?? '', json: r.json });
      }
    }
    return {
      kind: 'page',
      rows: changes,
      last: rows.find((r) => r.tag === 'last')?.seq ?? null,
      more: rows.some((r) => r.tag === 'more'),
      horizon: seqOf(rows, 'horizon'),
    };
  }

  // The user's log position as of the caller's transaction, for a delta cursor handed out when it commits. Takes
  // the user's change-log lock first (to commit), then reads in a fresh statement: every change of the user
  // committed before is at or below the answer, every one committed after is above it. Never below the horizon.
  // The user's latest change, without the lock: a version of everything the user's transactions show (edits, rules
  // and pairing all write a logged row). Read it before the data it versions, so a change in between only ever
  // makes the version older than the data, never newer.
  async latestSeq(userId: string): Promise<string> {
    const [row] = await this.db.query<{ seq: string }[]>(
      `SELECT greatest((SELECT max(c.seq) FROM transaction_changes c WHERE c.user_id = $1),
                       (SELECT h.seq FROM transaction_changes_horizon h))::text AS seq`,
      [userId],
    );
    return row.seq;
  }

  async positionForUser(em: EntityManager, userId: string): Promise<string> {
    await em.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2::uuid::text))`, [
      CHANGE_LOG_LOCK,
      userId,
    ]);
    const [row] = await em.query<{ seq: string }[]>(
      `SELECT greatest((SELECT max(c.seq) FROM transaction_changes c WHERE c.user_id = $1),
                       (SELECT h.seq FROM transaction_changes_horizon h))::text AS seq`,
      [userId],
    );
    return row.seq;
  }

  // Runs `work` while this session holds the compaction lock (one instance at a time); null when another holds it.
  async withCompactionLock<T>(work: () => Promise<T>): Promise<T | null> {
    const runner = this.db.createQueryRunner();
    try {
      // A QueryRunner's query() is untyped; the lock function answers one boolean row.
      const rows = (await runner.query('SELECT pg_try_advisory_lock($1) AS ok', [COMPACTION_LOCK])) as {
        ok: boolean;
      }[];
      if (rows[0]?.ok !== true) return null;
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [COMPACTION_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  // One batch of compaction; answers how many log rows it deleted.
  async compact(retentionHours: number, batch: number): Promise<number> {
    const [{ deleted }] = await this.db.query<{ deleted: number }[]>(COMPACT_SQL, [retentionHours, batch]);
    return deleted;
  }
}

function seqOf(rows: Row[], tag: Row['tag']): string {
  return rows.find((r) => r.tag === tag)?.seq ?? '0';
}
