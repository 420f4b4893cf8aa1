import { Injectable } from '@nestjs/common';
import { type SessionRevocation } from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { type IssuedRefreshToken } from '../tokens/tokens.service';

export interface RefreshTokenRow {
  id: string;
  sessionId: string;
  userId: string;
  tokenHash: Buffer;
  expiresAt: Date;
  usedAt: Date | null;
  sessionRevokedAt: Date | null;
  sessionExpiresAt: Date;
}

// Who opened a session, as the gateway saw it (for the user's sessions list).
export interface SessionClient {
  userAgent?: string;
  ip?: string;
}

export interface SessionRow {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  userAgent: string | null;
  ip: string | null;
}

// What pg answers to UPDATE … RETURNING through TypeORM: the rows and the affected count.
type UpdateResult<Row> = [Row[], number];

// auth.sessions and auth.refresh_tokens: a session is one family of rotating refresh tokens, written and revoked
// together, so both tables live in this one repository.
@Injectable()
export class SessionsRepository {
  constructor(private readonly db: DataSource) {}

  async createWithToken(
    userId: string,
    expiresAt: Date,
    token: IssuedRefreshToken,
    client: SessionClient = {},
  ): Promise<string> {
    const rows = await this.db.query<{ sessionId: string }[]>(
      `WITH s AS (
         INSERT INTO sessions (user_id, expires_at, user_agent, ip, last_used_at)
         VALUES ($1, $2, $6, $7, now()) RETURNING id)
       INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at)
       SELECT $3, s.id, $4, $5 FROM s RETURNING session_id AS "sessionId"`,
      [userId, expiresAt, token.id, token.hash, token.expiresAt, client.userAgent ?? null, client.ip ?? null],
    );
    return rows[0].sessionId;
  }

  // A user's live sessions, newest use first.
  listActive(userId: string): Promise<SessionRow[]> {
    return this.db.query<SessionRow[]>(
      `SELECT id, created_at AS "createdAt", coalesce(last_used_at, created_at) AS "lastUsedAt",
              user_agent AS "userAgent", ip
         FROM sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
        ORDER BY coalesce(last_used_at, created_at) DESC, id`,
      [userId],
    );
  }

  // Revokes every live session of the user but `exceptSessionId` in the caller's transaction; answers the ids.
  async revokeAllOfUser(
    em: EntityManager,
    userId: string,
    reason: string,
    exceptSessionId: string | null,
  ): Promise<string[]> {
    const [rows] = await em.query<UpdateResult<{ id: string }>>(
      `UPDATE sessions SET revoked_at = now(), revoke_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)
        RETURNING id`,
      [userId, reason, exceptSessionId],
    );
    return rows.map((r) => r.id);
  }

  async findRefreshToken(id: string): Promise<RefreshTokenRow | null> {
    const rows = await this.db.query<RefreshTokenRow[]>(
      `SELECT t.id, t.session_id AS "sessionId", s.user_id AS "userId", t.token_hash AS "tokenHash",
              t.expires_at AS "expiresAt", t.used_at AS "usedAt",
              s.revoked_at AS "sessionRevokedAt", s.expires_at AS "sessionExpiresAt"
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
        WHERE t.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  // Marks the token used and issues its successor in one transaction; false when it was already used.
  async rotate(
    oldId: string,
    sessionId: string,
    next: IssuedRefreshToken,
    client: SessionClient = {},
  ): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const [, used] = await em.query<UpdateResult<{ id: string }>>(
        `UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
        [oldId],
      );
      if (used === 0) return false;
      await em.query(
        `INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
        [next.id, sessionId, next.hash, next.expiresAt],
      );
      // The session's last use moves here, not on every request: one write per access-token life at most.
      await em.query(
        `UPDATE sessions SET last_used_at = now(), ip = coalesce($2, ip), user_agent = coalesce($3, user_agent)
          WHERE id = $1`,
        [sessionId, client.ip ?? null, client.userAgent ?? null],
      );
      return true;
    });
  }

  // Revokes a live session in the caller's transaction; false when it does not exist, is someone else's, or was
  // already revoked.
  async revoke(
    em: EntityManager,
    sessionId: string,
    reason: string,
    userId: string | undefined,
  ): Promise<boolean> {
    const [, revoked] = await em.query<UpdateResult<{ id: string }>>(
      `UPDATE sessions SET revoked_at = now(), revoke_reason = $2
        WHERE id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR user_id = $3::uuid)
        RETURNING id`,
      [sessionId, reason, userId ?? null],
    );
    return revoked > 0;
  }

  // Sessions revoked recently enough that one of their access tokens may still be unexpired.
  // Sessions of deleted users are gone with them; their deletion keeps their ids until no token can be alive.
  async revokedSince(seconds: number): Promise<SessionRevocation[]> {
    const rows = await this.db.query<{ id: string; until: string }[]>(
      `SELECT id, floor(extract(epoch FROM revoked_at))::bigint + $1 AS until
         FROM sessions WHERE revoked_at > now() - make_interval(secs => $1)
       UNION ALL
       SELECT unnest(revoked_session_ids), floor(extract(epoch FROM requested_at))::bigint + $1
         FROM deletions WHERE requested_at > now() - make_interval(secs => $1)`,
      [seconds],
    );
    return rows.map((r) => ({ sessionId: r.id, until: Number(r.until) }));
  }

  // Sessions that can do nothing more: expired or revoked before `deadBefore` (a moment at least one access-token
  // life ago, so the revocation list a starting gateway reads still holds them). Their refresh tokens go with
  // them (ON DELETE CASCADE). Up to `limit` rows in one statement; answers how many went.
  async deleteDeadSessions(deadBefore: Date, limit: number): Promise<number> {
    const [, deleted] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM sessions WHERE id IN (
         SELECT id FROM sessions WHERE expires_at <= $1
         UNION
         SELECT id FROM sessions WHERE revoked_at <= $1
         LIMIT $2)`,
      [deadBefore, limit],
    );
    return deleted;
  }

  // Refresh tokens past their expiry, and used ones older than `usedBefore` (kept until then for reuse
  // detection). Up to `limit` rows in one statement; answers how many went.
  async deleteDeadRefreshTokens(now: Date, usedBefore: Date, limit: number): Promise<number> {
    const [, deleted] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM refresh_tokens WHERE id IN (
         SELECT id FROM refresh_tokens WHERE expires_at <= $1
         UNION
         SELECT id FROM refresh_tokens WHERE used_at <= $2
         LIMIT $3)`,
      [now, usedBefore, limit],
    );
    return deleted;
  }
}
