import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Namespace of the per-user advisory lock the change log takes (pg_advisory_xact_lock(key, hashtext(user))).
const CHANGE_LOG_LOCK = 7311;

export class TransactionChangeLog1764600000000 implements MigrationInterface {
  name = 'TransactionChangeLog1764600000000';

  async up(q: QueryRunner): Promise<void> {
    // Every write of sync.transactions, one row per transaction and statement: the delta API
    // (GET /v1/transactions/changes) reads it after a client's cursor. kind: a(dded), m(odified), r(emoved).
    await q.query(`
      CREATE TABLE sync.transaction_changes (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL,
        item_id uuid NOT NULL,
        transaction_id text NOT NULL,
        kind "char" NOT NULL CHECK (kind IN ('a', 'm', 'r')),
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX transaction_changes_user_seq_idx ON sync.transaction_changes (user_id, seq)`);
    // The highest seq compaction deleted: a cursor below it may have missed changes (410 CURSOR_EXPIRED).
    await q.query(`
      CREATE TABLE sync.transaction_changes_horizon (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        seq bigint NOT NULL DEFAULT 0,
        compacted_at timestamptz
      )`);
    await q.query(`INSERT INTO sync.transaction_changes_horizon DEFAULT VALUES`);
    // Statement-level triggers with transition tables: one INSERT … SELECT per statement, whatever wrote the
    // rows — the sync writer's upsert (its INSERT and UPDATE halves fire separately) and delete, and the
    // ON DELETE CASCADE of an item's removal or an account's revocation — always in the writer's transaction.
    // The per-user lock, held to commit, makes a user's seqs commit in order: a reader that saw seq n has seen
    // every seq below n of that user, so "after the cursor" never skips a change committed late.
    await q.query(`
      CREATE FUNCTION sync.log_transaction_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        k "char" := CASE TG_OP WHEN 'INSERT' THEN 'a' WHEN 'UPDATE' THEN 'm' ELSE 'r' END;
      BEGIN
        PERFORM pg_advisory_xact_lock(${CHANGE_LOG_LOCK}, hashtext(u.user_id::text))
           FROM (SELECT DISTINCT user_id FROM changed ORDER BY user_id) u;
        INSERT INTO sync.transaction_changes (user_id, item_id, transaction_id, kind)
        SELECT c.user_id, c.item_id, c.plaid_transaction_id, k FROM changed c;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER transactions_log_insert AFTER INSERT ON sync.transactions
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sync.log_transaction_changes()`);
    await q.query(`
      CREATE TRIGGER transactions_log_update AFTER UPDATE ON sync.transactions
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sync.log_transaction_changes()`);
    await q.query(`
      CREATE TRIGGER transactions_log_delete AFTER DELETE ON sync.transactions
        REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sync.log_transaction_changes()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER transactions_log_delete ON sync.transactions`);
    await q.query(`DROP TRIGGER transactions_log_update ON sync.transactions`);
    await q.query(`DROP TRIGGER transactions_log_insert ON sync.transactions`);
    await q.query(`DROP FUNCTION sync.log_transaction_changes()`);
    await q.query(`DROP TABLE sync.transaction_changes_horizon`);
    await q.query(`DROP TABLE sync.transaction_changes`);
  }
}
