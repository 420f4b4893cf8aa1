import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ItemOwnersAndInstitutionNames1764400000000 implements MigrationInterface {
  name = 'ItemOwnersAndInstitutionNames1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // Who owns which item, kept when a revocation deletes the item's sync state and data: the list RPCs check
    // ownership here, so a revoked item still answers its owner (empty) and no one else (404).
    await q.query(`
      CREATE TABLE sync.item_owners (
        item_id uuid PRIMARY KEY,
        user_id uuid NOT NULL
      )`);
    await q.query(`INSERT INTO sync.item_owners (item_id, user_id) SELECT item_id, user_id FROM sync.items`);
    // The breaker pauses institutions whose name was never fetched: no name is "unknown", not a placeholder.
    await q.query(`ALTER TABLE sync.institutions ALTER COLUMN name DROP NOT NULL`);
    await q.query(`ALTER TABLE sync.institutions ALTER COLUMN fetched_at DROP NOT NULL`);
    await q.query(`ALTER TABLE sync.institutions ALTER COLUMN fetched_at DROP DEFAULT`);
    // Placeholders the breaker wrote (name = id, fetched 'epoch') before this migration.
    await q.query(`UPDATE sync.institutions SET name = NULL, fetched_at = NULL WHERE fetched_at = 'epoch'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE sync.institutions
          SET name = coalesce(name, institution_id), fetched_at = coalesce(fetched_at, 'epoch')
        WHERE name IS NULL OR fetched_at IS NULL`,
    );
    await q.query(`ALTER TABLE sync.institutions ALTER COLUMN fetched_at SET DEFAULT now()`);
    await q.query(`ALTER TABLE sync.institutions ALTER COLUMN fetched_at SET NOT NULL`);
    await q.query(`ALTER TABLE sync.institutions ALTER COLUMN name SET NOT NULL`);
    await q.query(`DROP TABLE sync.item_owners`);
  }
}
