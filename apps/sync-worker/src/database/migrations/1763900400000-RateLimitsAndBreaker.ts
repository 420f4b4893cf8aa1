import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class RateLimitsAndBreaker1763900400000 implements MigrationInterface {
  name = 'RateLimitsAndBreaker1763900400000';

  async up(q: QueryRunner): Promise<void> {
    // Per-item call windows, shared by every worker instance (Plaid's limits are per item per minute).
    await q.query(`
      CREATE TABLE sync.plaid_call_windows (
        key text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        calls integer NOT NULL
      )`);
    await q.query(`ALTER TABLE sync.items ADD COLUMN institution_id text`);
    // Circuit breaker: an institution that is down pauses the syncs of all its items until this time.
    await q.query(`ALTER TABLE sync.institutions ADD COLUMN paused_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync.institutions DROP COLUMN paused_until`);
    await q.query(`ALTER TABLE sync.items DROP COLUMN institution_id`);
    await q.query(`DROP TABLE sync.plaid_call_windows`);
  }
}
