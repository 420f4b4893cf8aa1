import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Single-use tickets for GET /v1/events?ticket= (an EventSource cannot send an Authorization header). Only the
// ticket's SHA-256 is stored; a ticket dies with its session (ON DELETE CASCADE) and housekeeping deletes expired
// ones by expires_at.
export class AddStreamTickets1764500000000 implements MigrationInterface {
  name = 'AddStreamTickets1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.stream_tickets (
        ticket_hash text PRIMARY KEY,
        user_id uuid NOT NULL,
        session_id uuid NOT NULL REFERENCES auth.sessions(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    // Serves the per-session cap on outstanding tickets.
    await q.query(`CREATE INDEX stream_tickets_session_id_idx ON auth.stream_tickets (session_id)`);
    await q.query(`CREATE INDEX stream_tickets_expires_at_idx ON auth.stream_tickets (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.stream_tickets`);
  }
}
