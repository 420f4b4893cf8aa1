import { OUTBOX_TABLE_SQL } from '@app/messaging';
import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Revocation broadcasts go through an outbox like every other event: written with the session's revoked_at,
// published by the OutboxRelay once committed, and retried while the broker refuses them.
export class AddAuthOutbox1764400600000 implements MigrationInterface {
  name = 'AddAuthOutbox1764400600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_TABLE_SQL('auth'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.outbox`);
  }
}
