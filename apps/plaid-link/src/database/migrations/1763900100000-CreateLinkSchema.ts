import { OUTBOX_TABLE_SQL } from '@app/messaging';
import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateLinkSchema1763900100000 implements MigrationInterface {
  name = 'CreateLinkSchema1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE link.items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        plaid_item_id text NOT NULL,
        access_token_enc text NOT NULL,
        institution_id text,
        institution_name text,
        accounts_fingerprint text,
        status text NOT NULL CHECK (status IN ('pending', 'healthy', 'login_required', 'expiring', 'revoked', 'error')),
        error_code text,
        error_message text,
        consent_expires_at timestamptz,
        new_accounts_available boolean NOT NULL DEFAULT false,
        last_synced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT items_plaid_item_id_key UNIQUE (plaid_item_id)
      )`);
    await q.query(`CREATE INDEX items_user_id_created_at_idx ON link.items (user_id, created_at)`);
    // Retried exchanges: the same public token (hashed; it is single-use at Plaid) answers with the same item.
    await q.query(`
      CREATE TABLE link.exchanges (
        public_token_sha256 bytea PRIMARY KEY,
        user_id uuid NOT NULL,
        item_id uuid NOT NULL REFERENCES link.items(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(OUTBOX_TABLE_SQL('link'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE link.outbox`);
    await q.query(`DROP TABLE link.exchanges`);
    await q.query(`DROP TABLE link.items`);
  }
}
