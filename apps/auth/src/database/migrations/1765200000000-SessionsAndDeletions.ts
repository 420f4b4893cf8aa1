import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Session metadata for GET /v1/auth/sessions (last_used_at moves at login and refresh only: no write per
// request), and account deletions: the saga's state, a user being deleted (out of login, its email free again
// at once), and the hash of the status token of the 202. Once a deletion completes its row keeps no user id,
// only subject_hash (SHA-256 of the id) so the deleted user's unexpired access token can still read the outcome.
export class SessionsAndDeletions1765200000000 implements MigrationInterface {
  name = 'SessionsAndDeletions1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE auth.sessions
        ADD COLUMN user_agent text,
        ADD COLUMN ip text,
        ADD COLUMN last_used_at timestamptz`);
    await q.query(`ALTER TABLE auth.users ADD COLUMN deleting_at timestamptz`);
    await q.query(`ALTER TABLE auth.users DROP CONSTRAINT users_email_key`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON auth.users (email) WHERE deleting_at IS NULL`);
    await q.query(`
      CREATE TABLE auth.deletions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid,
        subject_hash bytea NOT NULL,
        status_token_hash bytea NOT NULL,
        -- The user's sessions it revoked: still refused by every gateway after the sessions are deleted.
        revoked_session_ids uuid[] NOT NULL DEFAULT '{}',
        state text NOT NULL CHECK (state IN ('removing_items', 'deleting_data', 'completed')),
        requested_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CHECK ((state = 'completed') = (user_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX deletions_user_id_key ON auth.deletions (user_id)`);
    await q.query(`CREATE INDEX deletions_subject_hash_idx ON auth.deletions (subject_hash)`);
    await q.query(
      `CREATE INDEX deletions_pending_idx ON auth.deletions (updated_at) WHERE state <> 'completed'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.deletions`);
    // Rows of users being deleted would break the unique constraint: they go with their deletion.
    await q.query(`DELETE FROM auth.users WHERE deleting_at IS NOT NULL`);
    await q.query(`DROP INDEX auth.users_email_key`);
    await q.query(`ALTER TABLE auth.users ADD CONSTRAINT users_email_key UNIQUE (email)`);
    await q.query(`ALTER TABLE auth.users DROP COLUMN deleting_at`);
    await q.query(`
      ALTER TABLE auth.sessions
        DROP COLUMN user_agent,
        DROP COLUMN ip,
        DROP COLUMN last_used_at`);
  }
}
