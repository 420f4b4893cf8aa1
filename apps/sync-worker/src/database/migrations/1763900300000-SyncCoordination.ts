import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class SyncCoordination1763900300000 implements MigrationInterface {
  name = 'SyncCoordination1763900300000';

  async up(q: QueryRunner): Promise<void> {
    // Set by every sync request; cleared by the run that takes it. Many requests during a run: one follow-up.
    await q.query(`ALTER TABLE sync.items ADD COLUMN sync_requested boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE sync.items ADD COLUMN manual_sync_at timestamptz`);
    await q.query(`ALTER TABLE sync.items ADD COLUMN last_sync_error text`);
    await q.query(`CREATE INDEX sync_items_last_synced_at_idx ON sync.items (last_synced_at NULLS FIRST)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sync.sync_items_last_synced_at_idx`);
    await q.query(`ALTER TABLE sync.items DROP COLUMN last_sync_error`);
    await q.query(`ALTER TABLE sync.items DROP COLUMN manual_sync_at`);
    await q.query(`ALTER TABLE sync.items DROP COLUMN sync_requested`);
  }
}
