import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ItemPlaidFreshness1765000100000 implements MigrationInterface {
  name = 'ItemPlaidFreshness1765000100000';

  async up(q: QueryRunner): Promise<void> {
    // Plaid's own last successful update of the item from the bank, as the sync worker last read it.
    await q.query(`ALTER TABLE link.items ADD COLUMN plaid_last_updated_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE link.items DROP COLUMN plaid_last_updated_at`);
  }
}
