import { type ServiceTest, type TestDatabase } from '@app/testing';
import { authServiceTest, resetAuthTables } from '../spec-support';
import { HousekeepingModule } from './housekeeping.module';
import { HousekeepingScheduler } from './housekeeping.scheduler';
import { HousekeepingService } from './housekeeping.service';

describe(HousekeepingService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<HousekeepingService>;
  let sut: HousekeepingService;
  let userId: string;

  beforeAll(async () => {
    // No schedule here: a run of the scheduler would race the explicit prune() calls.
    harness = await authServiceTest(HousekeepingService, [HousekeepingModule], {
      config: { PRUNE_INTERVAL_SECONDS: 0 },
    });
    ({ db, sut } = harness);
  });

  afterAll(() => harness?.close());

  beforeEach(async () => {
    await resetAuthTables(db);
    const rows = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO users (email, password_hash) VALUES ('keeper@example.test', 'x') RETURNING id`,
    );
    userId = rows[0].id;
  });

  // A session whose columns are set relative to the database's now(), e.g. { expires: '-1 day' }.
  async function session(label: string, at: { expires: string; revoked?: string }): Promise<string> {
    const rows = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO sessions (user_id, expires_at, revoked_at, revoke_reason)
       VALUES ($1, now() + $2::interval, now() + $3::interval, $4) RETURNING id`,
      [userId, at.expires, at.revoked ?? null, label],
    );
    return rows[0].id;
  }

  async function token(
    sessionId: string,
    label: string,
    at: { expires: string; used?: string },
  ): Promise<void> {
    await db.dataSource.query(
      `INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at, used_at)
       VALUES (gen_random_uuid(), $1, convert_to($2, 'UTF8'), now() + $3::interval, now() + $4::interval)`,
      [sessionId, label, at.expires, at.used ?? null],
    );
  }

  async function attempt(key: string, expires: string): Promise<void> {
    await db.dataSource.query(
      `INSERT INTO login_attempts (key, window_start, hits, expires_at) VALUES ($1, now(), 1, now() + $2::interval)`,
      [key, expires],
    );
  }

  async function left(): Promise<{ sessions: string[]; tokens: string[]; attempts: string[] }> {
    const q = (sql: string): Promise<string[]> =>
      db.dataSource.query<{ v: string }[]>(sql).then((rows) => rows.map((r) => r.v).sort());
    return {
      sessions: await q(`SELECT revoke_reason AS v FROM sessions`),
      tokens: await q(`SELECT convert_from(token_hash, 'UTF8') AS v FROM refresh_tokens`),
      attempts: await q(`SELECT key AS v FROM login_attempts`),
    };
  }

  it('deletes dead sessions, dead refresh tokens and expired windows, and keeps the rest', async () => {
    const live = await session('live', { expires: '30 days' });
    await session('expired-long-ago', { expires: '-1 day' });
    await session('expired-just-now', { expires: '-1 minute' });
    await session('revoked-long-ago', { expires: '30 days', revoked: '-1 hour' });
    await session('revoked-just-now', { expires: '30 days', revoked: '-1 minute' });
    await token(live, 'current', { expires: '30 days' });
    await token(live, 'expired', { expires: '-1 second' });
    await token(live, 'used-last-week', { expires: '20 days', used: '-8 days' });
    await token(live, 'used-an-hour-ago', { expires: '30 days', used: '-1 hour' });
    await attempt('login-ip:old', '-1 second');
    await attempt('login-ip:current', '10 minutes');

    const counts = await sut.prune();

    expect(counts).toEqual({ sessions: 2, refreshTokens: 2, attempts: 1, streamTickets: 0 });
    // Sessions dead for less than an access token's life stay: a starting gateway still reads their revocation.
    expect(await left()).toEqual({
      sessions: ['expired-just-now', 'live', 'revoked-just-now'],
      tokens: ['current', 'used-an-hour-ago'],
      attempts: ['login-ip:current'],
    });
  });

  it('takes the refresh tokens of a deleted session with it', async () => {
    const dead = await session('expired-long-ago', { expires: '-1 day' });
    await token(dead, 'orphan', { expires: '29 days' });

    await sut.prune();

    expect((await left()).tokens).toEqual([]);
  });

  it('deletes expired stream tickets and keeps unexpired ones', async () => {
    const live = await session('live', { expires: '30 days' });
    await db.dataSource.query(
      `INSERT INTO stream_tickets (ticket_hash, user_id, session_id, expires_at)
       VALUES ('expired', $1, $2, now() - interval '1 second'), ('current', $1, $2, now() + interval '30 seconds')`,
      [userId, live],
    );

    const counts = await sut.prune();

    expect(counts.streamTickets).toBe(1);
    const rows = await db.dataSource.query<{ ticketHash: string }[]>(
      `SELECT ticket_hash AS "ticketHash" FROM stream_tickets`,
    );
    expect(rows).toEqual([{ ticketHash: 'current' }]);
  });

  it('runs by itself on the configured interval', async () => {
    await attempt('signup-ip:old', '-1 second');
    const scheduled = await authServiceTest(HousekeepingScheduler, [HousekeepingModule], {
      config: { PRUNE_INTERVAL_SECONDS: 1 },
      db,
    });
    try {
      const deadline = Date.now() + 5000;
      while ((await left()).attempts.length > 0) {
        if (Date.now() > deadline) throw new Error('the scheduler did not prune within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      // Stops the timer only: closing the module would destroy the DataSource this file shares.
      scheduled.sut.onApplicationShutdown();
    }
  });
});
