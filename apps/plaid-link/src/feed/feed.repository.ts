import { Injectable } from '@nestjs/common';
import { type FeedEventDto, type FeedEventName } from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';

export interface FeedSlice {
  // The user's newest id (0: none yet), read in the same snapshot as the events.
  head: number;
  events: FeedEventDto[];
}

interface EventRow {
  head: string;
  seq: string | null;
  name: FeedEventName | null;
  data: Record<string, unknown> | null;
}

// Deletes up to $3 events that are both older than $1 hours and not among their user's last $2. Cut by position
// (below the user's oldest event still within retention), never by age alone: an append that started early may
// commit a higher id with an older created_at, and the feed must stay a gap-free suffix of ids.
const COMPACT_SQL = `WITH cut AS (
         SELECT h.user_id,
                least(h.seq - $2::int,
                      coalesce((SELECT min(x.seq) - 1 FROM user_events x
                                 WHERE x.user_id = h.user_id AND x.created_at >= now() - make_interval(hours => $1::int)),
                               h.seq)) AS seq
           FROM user_event_heads h
          WHERE h.seq > $2::int
       ), doomed AS (
         SELECT e.user_id, e.seq FROM cut JOIN user_events e ON e.user_id = cut.user_id AND e.seq <= cut.seq
          LIMIT $3
       ), gone AS (
         DELETE FROM user_events e USING doomed d WHERE e.user_id = d.user_id AND e.seq = d.seq RETURNING 1
       )
       SELECT count(*)::int AS deleted FROM gone`;

// link.user_events and link.user_event_heads: each user's change feed.
@Injectable()
export class FeedRepository {
  constructor(private readonly db: DataSource) {}

  // Takes the user's head row for the rest of the caller's transaction (creating it at 0): appends of one user
  // run one at a time, so ids follow commit order. Answers whether `dedupKey` is already in the feed; read after
  // the lock, it sees a duplicate that a concurrent append has just committed.
  async lockHead(em: EntityManager, userId: string, dedupKey: string | null): Promise<{ seen: boolean }> {
    await em.query(
      `INSERT INTO user_event_heads AS h (user_id, seq) VALUES ($1, 0)
       ON CONFLICT (user_id) DO UPDATE SET seq = h.seq`,
      [userId],
    );
    if (dedupKey === null) return { seen: false };
    const rows = await em.query<unknown[]>(
      `SELECT 1 FROM user_events WHERE user_id = $1 AND dedup_key = $2`,
      [userId, dedupKey],
    );
    return { seen: rows.length > 0 };
  }

  // The next id of the user's feed (the head row must be locked by lockHead in the same transaction).
  async insert(
    em: EntityManager,
    userId: string,
    name: FeedEventName,
    data: object,
    dedupKey: string | null,
  ): Promise<number> {
    const [row] = await em.query<{ seq: string }[]>(
      `WITH head AS (UPDATE user_event_heads SET seq = seq + 1 WHERE user_id = $1 RETURNING seq)
       INSERT INTO user_events (user_id, seq, name, data, dedup_key)
       SELECT $1, head.seq, $2, $3::jsonb, $4 FROM head
       RETURNING seq`,
      [userId, name, JSON.stringify(data), dedupKey],
    );
    return Number(row.seq);
  }

  async head(userId: string): Promise<number> {
    const rows = await this.db.query<{ seq: string }[]>(
      `SELECT seq FROM user_event_heads WHERE user_id = $1`,
      [userId],
    );
    return rows.length > 0 ? Number(rows[0].seq) : 0;
  }

  // The user's first `limit` events after `after`, oldest first, and the head, in one snapshot.
  async after(userId: string, after: number, limit: number): Promise<FeedSlice> {
    const rows = await this.db.query<EventRow[]>(
      `WITH h AS (SELECT coalesce((SELECT seq FROM user_event_heads WHERE user_id = $1), 0) AS head)
       SELECT h.head, e.seq, e.name, e.data
         FROM h LEFT JOIN LATERAL (
           SELECT seq, name, data FROM user_events WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
         ) e ON true
        ORDER BY e.seq`,
      [userId, after, limit],
    );
    return {
      head: Number(rows[0]?.head ?? 0),
      events: rows
        .filter((r) => r.seq !== null && r.name !== null)
        .map((r) => ({ id: Number(r.seq), event: r.name as FeedEventName, data: r.data ?? {} })),
    };
  }

  // One batch of compaction; answers how many events it deleted.
  async compact(retentionHours: number, minEvents: number, batch: number): Promise<number> {
    const [{ deleted }] = await this.db.query<{ deleted: number }[]>(COMPACT_SQL, [
      retentionHours,
      minEvents,
      batch,
    ]);
    return deleted;
  }
}
