import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type IssueOutcome = 'issued' | 'session-ended' | 'cap-reached';

export interface NewStreamTicket {
  ticketHash: string;
  userId: string;
  sessionId: string;
  ttlSeconds: number;
}

// What pg answers to DELETE … RETURNING through TypeORM: the rows and the affected count.
type DeleteResult<Row> = [Row[], number];

// auth.stream_tickets: single-use tickets for the event stream, stored by their SHA-256 only.
@Injectable()
export class StreamTicketsRepository {
  constructor(private readonly db: DataSource) {}

  // Stores the ticket when the user's session is live and holds fewer than `cap` unexpired tickets. The session
  // row is locked first, so that concurrent issues for one session count each other (NO KEY UPDATE: refresh-token
  // rotation, which only references the row, is not blocked).
  async issue(ticket: NewStreamTicket, cap: number): Promise<IssueOutcome> {
    return this.db.transaction(async (em) => {
      const live = await em.query<{ id: string }[]>(
        `SELECT id FROM sessions
          WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()
          FOR NO KEY UPDATE`,
        [ticket.sessionId, ticket.userId],
      );
      if (live.length === 0) return 'session-ended';
      const inserted = await em.query<{ ticketHash: string }[]>(
        `INSERT INTO stream_tickets (ticket_hash, user_id, session_id, expires_at)
         SELECT $1, $2, $3, now() + make_interval(secs => $4)
          WHERE (SELECT count(*) FROM stream_tickets WHERE session_id = $3 AND expires_at > now()) < $5
         RETURNING ticket_hash AS "ticketHash"`,
        [ticket.ticketHash, ticket.userId, ticket.sessionId, ticket.ttlSeconds, cap],
      );
      return inserted.length === 1 ? 'issued' : 'cap-reached';
    });
  }

  // Consumes the ticket whatever its state (a refused ticket is not retried), and says whether it was still good:
  // unexpired, and its session neither revoked nor expired.
  async redeem(ticketHash: string): Promise<{ userId: string; sessionId: string } | null> {
    const [rows] = await this.db.query<DeleteResult<{ userId: string; sessionId: string; valid: boolean }>>(
      `DELETE FROM stream_tickets t USING sessions s
        WHERE t.ticket_hash = $1 AND s.id = t.session_id
       RETURNING t.user_id AS "userId", t.session_id AS "sessionId",
                 (t.expires_at > now() AND s.revoked_at IS NULL AND s.expires_at > now()) AS valid`,
      [ticketHash],
    );
    const row = rows[0];
    return row?.valid ? { userId: row.userId, sessionId: row.sessionId } : null;
  }

  // Tickets past their expiry, up to `limit` in one statement; answers how many went.
  async deleteExpired(now: Date, limit: number): Promise<number> {
    const [, deleted] = await this.db.query<DeleteResult<unknown>>(
      `DELETE FROM stream_tickets WHERE ticket_hash IN (
         SELECT ticket_hash FROM stream_tickets WHERE expires_at <= $1 LIMIT $2)`,
      [now, limit],
    );
    return deleted;
  }
}
