import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ExchangeClaimsAndRateLimits1764500000000 implements MigrationInterface {
  name = 'ExchangeClaimsAndRateLimits1764500000000';

  async up(q: QueryRunner): Promise<void> {
    // An exchange row is claimed before the Plaid calls (no item yet, a claim id and its time) and gets its item
    // when it commits: a concurrent retry of the same token sees the claim instead of waiting on a held lock.
    await q.query(`ALTER TABLE link.exchanges ALTER COLUMN item_id DROP NOT NULL`);
    await q.query(`ALTER TABLE link.exchanges ADD COLUMN claim_id uuid`);
    await q.query(`ALTER TABLE link.exchanges ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(
      `ALTER TABLE link.exchanges ADD CONSTRAINT exchanges_item_or_claim CHECK (item_id IS NOT NULL OR claim_id IS NOT NULL)`,
    );
    // Per-user fixed windows for link-token creation and exchange: one row per key, reset in place.
    await q.query(`
      CREATE TABLE link.rate_limits (
        key text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE link.rate_limits`);
    await q.query(`DELETE FROM link.exchanges WHERE item_id IS NULL`);
    await q.query(`ALTER TABLE link.exchanges DROP CONSTRAINT exchanges_item_or_claim`);
    await q.query(`ALTER TABLE link.exchanges DROP COLUMN claimed_at`);
    await q.query(`ALTER TABLE link.exchanges DROP COLUMN claim_id`);
    await q.query(`ALTER TABLE link.exchanges ALTER COLUMN item_id SET NOT NULL`);
  }
}
