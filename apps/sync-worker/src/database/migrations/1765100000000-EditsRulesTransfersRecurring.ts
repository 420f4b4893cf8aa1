import { type MigrationInterface, type QueryRunner } from 'typeorm';

// What the user makes of the synced data, kept apart from Plaid's columns: edits per transaction, rules, transfer
// pairs, Plaid's recurring streams, and the index the spending insights read.
export class EditsRulesTransfersRecurring1765100000000 implements MigrationInterface {
  name = 'EditsRulesTransfersRecurring1765100000000';

  async up(q: QueryRunner): Promise<void> {
    // A user's edits of one transaction, keyed by Plaid's id (not our row): a sync that rewrites or removes the row
    // leaves it, and a posted transaction takes over its pending one's edit (pending_transaction_id). NULL: not
    // edited. orphaned_at: when a run first found it without its transaction (reported once by a metric).
    await q.query(`
      CREATE TABLE sync.transaction_edits (
        user_id uuid NOT NULL,
        plaid_transaction_id text NOT NULL,
        item_id uuid NOT NULL REFERENCES sync.items(item_id) ON DELETE CASCADE,
        category_primary text,
        category_detailed text,
        note text,
        hidden boolean,
        exclude_from_spending boolean,
        display_name text,
        transfer_unpaired boolean NOT NULL DEFAULT false,
        orphaned_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, plaid_transaction_id)
      )`);
    await q.query(
      `CREATE INDEX transaction_edits_item_idx ON sync.transaction_edits (item_id) WHERE orphaned_at IS NULL`,
    );
    // A user's rules, applied in priority order (per field, the first matching rule that sets it wins).
    await q.query(`
      CREATE TABLE sync.rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        name text NOT NULL,
        priority integer NOT NULL DEFAULT 100,
        match_merchant_name text,
        match_name_contains text,
        match_account_id uuid,
        match_amount_min numeric,
        match_amount_max numeric,
        match_plaid_category text,
        set_category_primary text,
        set_category_detailed text,
        set_hidden boolean,
        set_exclude_from_spending boolean,
        set_display_name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rules_user_priority_idx ON sync.rules (user_id, priority, created_at)`);
    // What the user's rules set on each transaction when it was stored (never Plaid's columns), and its transfer pair.
    await q.query(`
      ALTER TABLE sync.transactions
        ADD COLUMN rule_category_primary text,
        ADD COLUMN rule_category_detailed text,
        ADD COLUMN rule_hidden boolean,
        ADD COLUMN rule_exclude_from_spending boolean,
        ADD COLUMN rule_display_name text,
        ADD COLUMN transfer_pair_id uuid`);
    await q.query(
      `CREATE INDEX transactions_transfer_pair_idx ON sync.transactions (user_id, transfer_pair_id)
        WHERE transfer_pair_id IS NOT NULL`,
    );
    // Spending insights: one user's countable transactions in a date range, read from the index alone.
    await q.query(`
      CREATE INDEX transactions_user_spending_idx ON sync.transactions (user_id, date)
        INCLUDE (amount, iso_currency_code, unofficial_currency_code, category_primary, rule_category_primary,
                 merchant_name, name, rule_display_name, item_id, account_id, plaid_transaction_id)
        WHERE transfer_pair_id IS NULL AND rule_hidden IS NOT TRUE AND rule_exclude_from_spending IS NOT TRUE`);
    // Plaid's recurring streams of an item, replaced whole at each fetch of /transactions/recurring/get.
    await q.query(`
      CREATE TABLE sync.recurring_streams (
        stream_id text PRIMARY KEY,
        user_id uuid NOT NULL,
        item_id uuid NOT NULL REFERENCES sync.items(item_id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES sync.accounts(id) ON DELETE CASCADE,
        direction text NOT NULL CHECK (direction IN ('inflow', 'outflow')),
        merchant_name text,
        description text NOT NULL,
        frequency text NOT NULL,
        average_amount numeric NOT NULL,
        last_amount numeric NOT NULL,
        iso_currency_code text,
        unofficial_currency_code text,
        first_date date NOT NULL,
        last_date date NOT NULL,
        predicted_next_date date,
        status text NOT NULL,
        is_active boolean NOT NULL,
        category_primary text,
        category_detailed text,
        transaction_ids text[] NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX recurring_streams_user_idx ON sync.recurring_streams (user_id, item_id)`);
    // Whether the item has the recurring product: NULL (not asked yet), 'ok', or Plaid's error code (asked once).
    await q.query(`
      ALTER TABLE sync.items
        ADD COLUMN recurring_status text,
        ADD COLUMN recurring_fetched_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync.items DROP COLUMN recurring_fetched_at, DROP COLUMN recurring_status`);
    await q.query(`DROP TABLE sync.recurring_streams`);
    await q.query(`DROP INDEX sync.transactions_user_spending_idx`);
    await q.query(`DROP INDEX sync.transactions_transfer_pair_idx`);
    await q.query(`
      ALTER TABLE sync.transactions
        DROP COLUMN transfer_pair_id,
        DROP COLUMN rule_display_name,
        DROP COLUMN rule_exclude_from_spending,
        DROP COLUMN rule_hidden,
        DROP COLUMN rule_category_detailed,
        DROP COLUMN rule_category_primary`);
    await q.query(`DROP TABLE sync.rules`);
    await q.query(`DROP TABLE sync.transaction_edits`);
  }
}
