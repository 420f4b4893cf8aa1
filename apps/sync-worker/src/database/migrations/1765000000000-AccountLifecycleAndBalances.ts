import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class AccountLifecycleAndBalances1765000000000 implements MigrationInterface {
  name = 'AccountLifecycleAndBalances1765000000000';

  async up(q: QueryRunner): Promise<void> {
    // An account's life at the bank (active, unlinked by the user, closed, consent revoked) and the user's own
    // view of it (hidden, display name), which no sync overwrites. missing_since: the first reconciliation that
    // did not find it; a second one at least a day later closes it.
    await q.query(`
      ALTER TABLE sync.accounts
        ADD COLUMN status text NOT NULL DEFAULT 'active'
          CONSTRAINT accounts_status_check CHECK (status IN ('active', 'unlinked', 'closed', 'revoked')),
        ADD COLUMN hidden boolean NOT NULL DEFAULT false,
        ADD COLUMN display_name text,
        ADD COLUMN first_seen_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN missing_since timestamptz`);
    // Plaid's own freshness, the pending account selection (update mode), the last reconciliation with
    // /accounts/get and the balance-refresh throttle.
    await q.query(`
      ALTER TABLE sync.items
        ADD COLUMN plaid_last_updated_at timestamptz,
        ADD COLUMN account_selection_at timestamptz,
        ADD COLUMN accounts_reconciled_at timestamptz,
        ADD COLUMN balance_refresh_at timestamptz`);
    // One row per account and day; the last balance learned that day wins.
    await q.query(`
      CREATE TABLE sync.balance_snapshots (
        account_id uuid NOT NULL REFERENCES sync.accounts(id) ON DELETE CASCADE,
        date date NOT NULL,
        user_id uuid NOT NULL,
        item_id uuid NOT NULL,
        available numeric,
        current numeric,
        credit_limit numeric,
        iso_currency_code text,
        unofficial_currency_code text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, date)
      )`);
    await q.query(`CREATE INDEX balance_snapshots_user_date_idx ON sync.balance_snapshots (user_id, date)`);
    // Every account known today has a balance as of now.
    await q.query(`
      INSERT INTO sync.balance_snapshots (account_id, date, user_id, item_id, available, current, credit_limit,
                                          iso_currency_code, unofficial_currency_code)
      SELECT id, (now() AT TIME ZONE 'UTC')::date, user_id, item_id, balance_available, balance_current,
             balance_limit, iso_currency_code, unofficial_currency_code
        FROM sync.accounts`);
    await q.query(`UPDATE sync.accounts SET first_seen_at = updated_at WHERE updated_at < first_seen_at`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sync.balance_snapshots`);
    await q.query(`
      ALTER TABLE sync.items
        DROP COLUMN plaid_last_updated_at,
        DROP COLUMN account_selection_at,
        DROP COLUMN accounts_reconciled_at,
        DROP COLUMN balance_refresh_at`);
    await q.query(`
      ALTER TABLE sync.accounts
        DROP COLUMN status,
        DROP COLUMN hidden,
        DROP COLUMN display_name,
        DROP COLUMN first_seen_at,
        DROP COLUMN missing_since`);
  }
}
