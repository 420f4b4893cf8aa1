import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateAuthSchema1763900000000 implements MigrationInterface {
  name = 'CreateAuthSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_key UNIQUE (email)
      )`);
    await q.query(`
      CREATE TABLE auth.sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason text
      )`);
    await q.query(`CREATE INDEX sessions_user_id_idx ON auth.sessions (user_id)`);
    // Serves the "revocations still in force" query a starting gateway makes.
    await q.query(
      `CREATE INDEX sessions_revoked_at_idx ON auth.sessions (revoked_at) WHERE revoked_at IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE auth.refresh_tokens (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES auth.sessions(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_tokens_session_id_idx ON auth.refresh_tokens (session_id)`);
    await q.query(`
      CREATE TABLE auth.login_attempts (
        key text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.login_attempts`);
    await q.query(`DROP TABLE auth.refresh_tokens`);
    await q.query(`DROP TABLE auth.sessions`);
    await q.query(`DROP TABLE auth.users`);
  }
}
