import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class UserEventLog1764700000000 implements MigrationInterface {
  name = 'UserEventLog1764700000000';

  async up(q: QueryRunner): Promise<void> {
    // Each user's change feed (GET /v1/events): ids 1, 2, 3… per user, without gaps, in commit order (the head row
    // below is locked by every append of that user until it commits). dedup_key: one event per change, however
    // often the message that reports it is redelivered.
    await q.query(`
      CREATE TABLE link.user_events (
        user_id uuid NOT NULL,
        seq bigint NOT NULL,
        name text NOT NULL,
        data jsonb NOT NULL,
        dedup_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, seq)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX user_events_dedup_key_idx ON link.user_events (user_id, dedup_key) WHERE dedup_key IS NOT NULL`,
    );
    // The newest id of each user's feed; survives compaction, so ids never restart.
    await q.query(`
      CREATE TABLE link.user_event_heads (
        user_id uuid PRIMARY KEY,
        seq bigint NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE link.user_event_heads`);
    await q.query(`DROP TABLE link.user_events`);
  }
}
