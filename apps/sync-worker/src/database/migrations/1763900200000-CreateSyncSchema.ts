import { OUTBOX_TABLE_SQL } from '@app/messaging';
import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateSyncSchema1763900200000 implements MigrationInterface {
  name = 'CreateSyncSchema1763900200000';

  async up(q: QueryRunner): Promise<void> {
    // The sync worker's own view of an item: who owns it, its encrypted token and the sync cursor.
    await q.query(`
      CREATE TABLE sync.items (
        item_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        plaid_item_id text NOT NULL,
        access_token_enc text NOT NULL,
        cursor text,
        last_synced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sync_items_plaid_item_id_key UNIQUE (plaid_item_id)
      )`);
    await q.query(`CREATE INDEX sync_items_user_id_idx ON sync.items (user_id)`);
    await q.query(`
      CREATE TABLE sync.accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES sync.items(item_id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        plaid_account_id text NOT NULL,
        name text NOT NULL,
        official_name text,
        mask text,
        type text NOT NULL,
        subtype text,
        balance_available numeric,
        balance_current numeric,
        balance_limit numeric,
        iso_currency_code text,
        unofficial_currency_code text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT accounts_plaid_account_id_key UNIQUE (plaid_account_id)
      )`);
    await q.query(`CREATE INDEX accounts_user_item_idx ON sync.accounts (user_id, item_id)`);
    await q.query(`
      CREATE TABLE sync.transactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plaid_transaction_id text NOT NULL,
        item_id uuid NOT NULL REFERENCES sync.items(item_id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        account_id uuid NOT NULL REFERENCES sync.accounts(id) ON DELETE CASCADE,
        amount numeric NOT NULL,
        iso_currency_code text,
        unofficial_currency_code text,
        date date NOT NULL,
        authorized_date date,
        datetime timestamptz,
        authorized_datetime timestamptz,
        name text NOT NULL,
        merchant_name text,
        pending boolean NOT NULL,
        pending_transaction_id text,
        payment_channel text,
        category_primary text,
        category_detailed text,
        logo_url text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT transactions_plaid_transaction_id_key UNIQUE (plaid_transaction_id)
      )`);
    // Newest-first keyset pages of one user's transactions.
    await q.query(
      `CREATE INDEX transactions_user_date_id_idx ON sync.transactions (user_id, date DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX transactions_item_idx ON sync.transactions (item_id)`);
    await q.query(
      `CREATE INDEX transactions_account_date_idx ON sync.transactions (account_id, date DESC, id DESC)`,
    );
    await q.query(`
      CREATE TABLE sync.institutions (
        institution_id text PRIMARY KEY,
        name text NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(OUTBOX_TABLE_SQL('sync'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sync.outbox`);
    await q.query(`DROP TABLE sync.institutions`);
    await q.query(`DROP TABLE sync.transactions`);
    await q.query(`DROP TABLE sync.accounts`);
    await q.query(`DROP TABLE sync.items`);
  }
}
