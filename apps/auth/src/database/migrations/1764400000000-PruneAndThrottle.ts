import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Every throttle window now says when it may be deleted (expires_at), the per-email login delay keeps the moment
// before which a guess from an unknown address is refused (next_at), and the pruning job finds dead rows by index.
export class PruneAndThrottle1764400000000 implements MigrationInterface {
  name = 'PruneAndThrottle1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // The default covers rows an instance of the previous release writes during a rolling upgrade.
    await q.query(`
      ALTER TABLE auth.login_attempts
        ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '1 day',
        ADD COLUMN next_at timestamptz`);
    await q.query(`CREATE INDEX login_attempts_expires_at_idx ON auth.login_attempts (expires_at)`);
    await q.query(`CREATE INDEX sessions_expires_at_idx ON auth.sessions (expires_at)`);
    await q.query(`CREATE INDEX refresh_tokens_expires_at_idx ON auth.refresh_tokens (expires_at)`);
    await q.query(
      `CREATE INDEX refresh_tokens_used_at_idx ON auth.refresh_tokens (used_at) WHERE used_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX auth.refresh_tokens_used_at_idx`);
    await q.query(`DROP INDEX auth.refresh_tokens_expires_at_idx`);
    await q.query(`DROP INDEX auth.sessions_expires_at_idx`);
    await q.query(`DROP INDEX auth.login_attempts_expires_at_idx`);
    await q.query(`ALTER TABLE auth.login_attempts DROP COLUMN next_at, DROP COLUMN expires_at`);
  }
}
