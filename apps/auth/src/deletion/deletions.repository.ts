import { Injectable } from '@nestjs/common';
import { type DeletionState } from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AUTH_DELETION_REGISTRY } from './deletion-registry';

export interface DeletionRow {
  id: string;
  userId: string | null;
  statusTokenHash: Buffer;
  state: DeletionState;
  requestedAt: Date;
  completedAt: Date | null;
}

export interface StalledDeletion {
  id: string;
  userId: string;
  state: DeletionState;
}

// What pg answers to UPDATE … RETURNING through TypeORM: the rows and the affected count.
type UpdateResult<Row> = [Row[], number];

const COLUMNS = `id, user_id AS "userId", status_token_hash AS "statusTokenHash", state,
  requested_at AS "requestedAt", completed_at AS "completedAt"`;

// auth.deletions: one row per account deletion, its saga's state. Steps move with compare-and-set updates, so a
// redelivered confirmation moves nothing.
@Injectable()
export class DeletionsRepository {
  constructor(private readonly db: DataSource) {}

  async create(
    em: EntityManager,
    userId: string,
    subjectHash: Buffer,
    statusTokenHash: Buffer,
    revokedSessionIds: string[],
  ): Promise<string> {
    const rows = await em.query<{ id: string }[]>(
      `INSERT INTO deletions (user_id, subject_hash, status_token_hash, state, revoked_session_ids)
       VALUES ($1, $2, $3, 'removing_items', $4::uuid[]) RETURNING id`,
      [userId, subjectHash, statusTokenHash, revokedSessionIds],
    );
    return rows[0].id;
  }

  // Moves the deletion from one step to the next; false when it is not at `from` (already moved).
  async advance(em: EntityManager, id: string, userId: string, from: DeletionState, to: DeletionState) {
    const [, moved] = await em.query<UpdateResult<{ id: string }>>(
      `UPDATE deletions SET state = $4, updated_at = now()
        WHERE id = $1 AND user_id = $2 AND state = $3 RETURNING id`,
      [id, userId, from, to],
    );
    return moved > 0;
  }

  // The last step: the row forgets the user id.
  async complete(em: EntityManager, id: string, userId: string): Promise<boolean> {
    const [, completed] = await em.query<UpdateResult<{ id: string }>>(
      `UPDATE deletions SET state = 'completed', user_id = NULL, completed_at = now(), updated_at = now()
        WHERE id = $1 AND user_id = $2 AND state = 'deleting_data' RETURNING id`,
      [id, userId],
    );
    return completed > 0;
  }

  async findById(id: string): Promise<DeletionRow | null> {
    const rows = await this.db.query<DeletionRow[]>(`SELECT ${COLUMNS} FROM deletions WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findLatestBySubject(subjectHash: Buffer): Promise<DeletionRow | null> {
    const rows = await this.db.query<DeletionRow[]>(
      `SELECT ${COLUMNS} FROM deletions WHERE subject_hash = $1 ORDER BY requested_at DESC LIMIT 1`,
      [subjectHash],
    );
    return rows[0] ?? null;
  }

  // Pending deletions whose step has not moved for `seconds`, marked as re-driven now (so that several instances
  // do not all send them). Up to `limit`.
  async claimStalled(seconds: number, limit: number): Promise<StalledDeletion[]> {
    const [rows] = await this.db.query<UpdateResult<StalledDeletion>>(
      `UPDATE deletions SET updated_at = now()
        WHERE id IN (SELECT id FROM deletions
                      WHERE state <> 'completed' AND updated_at < now() - make_interval(secs => $1)
                      ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id, user_id AS "userId", state`,
      [seconds, limit],
    );
    return rows;
  }

  // Runs the deletion registry's statements (a handful, one per table) in the caller's transaction.
  async runRegistry(em: EntityManager, user: { userId: string; email: string | null }): Promise<void> {
    for (const entry of AUTH_DELETION_REGISTRY) {
      if (!('sql' in entry)) continue;
      const param = entry.by === 'email' ? user.email : user.userId;
      if (param !== null) await em.query(entry.sql, [param]);
    }
  }
}
