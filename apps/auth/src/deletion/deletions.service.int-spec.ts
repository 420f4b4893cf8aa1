import { SEAL_PURPOSE, Sealer } from '@app/common';
import { BroadcastEvent, ErrorCode, EventPattern } from '@app/contracts';
import { type ServiceTest, type TestDatabase, tablesHolding, tablesWithUserId } from '@app/testing';
import { AuthService } from '../auth/auth.service';
import { AUTH_SCHEMA } from '../database/database';
import { SessionsService } from '../sessions/sessions.service';
import { authServiceTest, resetAuthTables } from '../spec-support';
import { AUTH_DELETION_REGISTRY } from './deletion-registry';
import { DeletionsModule } from './deletions.module';
import { DeletionsService } from './deletions.service';

const PASSWORD = 'correct horse battery';
const IP = '203.0.113.9';

describe(DeletionsService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<DeletionsService>;
  let sut: DeletionsService;
  let auth: AuthService;
  let sessions: SessionsService;
  let sealer: Sealer;

  beforeAll(async () => {
    harness = await authServiceTest(DeletionsService, [DeletionsModule], {
      config: { LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP: 100, LOGIN_RATE_LIMIT_PER_IP: 100 },
    });
    db = harness.db;
    sut = harness.sut;
    auth = harness.get(AuthService);
    sessions = harness.get(SessionsService);
    sealer = harness.get(Sealer);
  });

  afterAll(() => harness?.close());

  beforeEach(() => resetAuthTables(db));

  const sealed = (password: string): string => sealer.seal(password, SEAL_PURPOSE.password);

  // A user with two sessions; answers its id.
  async function signedUp(email = 'ada@example.test'): Promise<string> {
    const user = await auth.signup({ email, sealedPassword: sealed(PASSWORD), clientIp: IP });
    await auth.login({ email, sealedPassword: sealed(PASSWORD), clientIp: IP });
    await auth.login({ email, sealedPassword: sealed(PASSWORD), clientIp: IP });
    return user.id;
  }

  async function outbox(pattern: string): Promise<unknown[]> {
    const rows = await db.dataSource.query<{ payload: unknown }[]>(
      `SELECT payload FROM outbox WHERE pattern = $1 ORDER BY id`,
      [pattern],
    );
    return rows.map((r) => r.payload);
  }

  it('has a registry entry for every table with a user_id column', async () => {
    const registered = AUTH_DELETION_REGISTRY.map((e) => e.table);

    const missing = (await tablesWithUserId(db.dataSource, AUTH_SCHEMA)).filter(
      (t) => !registered.includes(t),
    );

    expect(missing).toEqual([]);
  });

  it('answers INVALID_CREDENTIALS for a wrong password and changes nothing', async () => {
    const userId = await signedUp();

    await expect(
      sut.request({ userId, sealedPassword: sealed('wrong password'), clientIp: IP }),
    ).rejects.toMatchObject({ code: ErrorCode.InvalidCredentials });

    expect(await db.dataSource.query(`SELECT id FROM deletions`)).toEqual([]);
    expect((await sessions.list(userId, userId)).data).toHaveLength(2);
  });

  it('on acceptance revokes and broadcasts every session, closes login, frees the email and asks plaid-link', async () => {
    const userId = await signedUp();

    const accepted = await sut.request({ userId, sealedPassword: sealed(PASSWORD), clientIp: IP });

    expect((await sessions.list(userId, userId)).data).toEqual([]);
    expect(await outbox(BroadcastEvent.SessionRevoked)).toHaveLength(2);
    expect((await sessions.activeRevocations()).revocations).toHaveLength(4);
    expect(await outbox(EventPattern.UserDeletionRequested)).toEqual([
      { deletionId: accepted.deletionId, userId },
    ]);
    await expect(
      auth.login({ email: 'ada@example.test', sealedPassword: sealed(PASSWORD), clientIp: IP }),
    ).rejects.toMatchObject({ code: ErrorCode.InvalidCredentials });
    await expect(signedUp()).resolves.not.toEqual(userId);
  });

  it('moves each step once however often a confirmation comes, and deletes the user last', async () => {
    const userId = await signedUp();
    const { deletionId, sealedStatusToken } = await sut.request({
      userId,
      sealedPassword: sealed(PASSWORD),
      clientIp: IP,
    });
    const step = { deletionId, userId };

    await sut.onLinkDeleted(step);
    await sut.onLinkDeleted(step);
    expect(await outbox(EventPattern.UserSyncDeletionRequested)).toEqual([step]);
    expect(await sut.statusForUser(userId)).toMatchObject({ status: 'pending', step: 'deleting_data' });

    await sut.onSyncDeleted(step);
    await sut.onSyncDeleted(step);

    await db.dataSource.query(`DELETE FROM outbox`);
    expect(await tablesHolding(db.dataSource, AUTH_SCHEMA, userId)).toEqual({});
    expect(await tablesHolding(db.dataSource, AUTH_SCHEMA, 'ada@example.test')).toEqual({});
    expect(await sut.statusForUser(userId)).toMatchObject({ deletionId, status: 'completed' });
    const token = sealer.open(sealedStatusToken, SEAL_PURPOSE.deletionStatusToken)!;
    await expect(
      sut.statusByToken(deletionId, sealer.seal(token, SEAL_PURPOSE.deletionStatusToken)),
    ).resolves.toMatchObject({ status: 'completed', step: 'completed' });
    await expect(
      sut.statusByToken(deletionId, sealer.seal(`${token}x`, SEAL_PURPOSE.deletionStatusToken)),
    ).rejects.toMatchObject({ code: ErrorCode.NotFound });
    // The revoked sessions are still refused although their rows are gone.
    expect((await sessions.activeRevocations()).revocations).toHaveLength(2);
  });

  it('re-drives a deletion whose step has not moved', async () => {
    const userId = await signedUp();
    const { deletionId } = await sut.request({ userId, sealedPassword: sealed(PASSWORD), clientIp: IP });
    await db.dataSource.query(`UPDATE deletions SET updated_at = now() - interval '1 hour'`);

    await expect(sut.redriveStalled()).resolves.toBe(1);
    await expect(sut.redriveStalled()).resolves.toBe(0);

    expect(await outbox(EventPattern.UserDeletionRequested)).toEqual([
      { deletionId, userId },
      { deletionId, userId },
    ]);
  });
});

describe(`${AuthService.name} password change`, () => {
  let db: TestDatabase;
  let harness: ServiceTest<AuthService>;
  let auth: AuthService;
  let sessions: SessionsService;
  let sealer: Sealer;

  beforeAll(async () => {
    harness = await authServiceTest(AuthService, [DeletionsModule]);
    db = harness.db;
    auth = harness.sut;
    sessions = harness.get(SessionsService);
    sealer = harness.get(Sealer);
  });

  afterAll(() => harness?.close());

  beforeEach(() => resetAuthTables(db));

  const sealed = (password: string): string => sealer.seal(password, SEAL_PURPOSE.password);

  it('revokes every other session and keeps the current one; the new password logs in', async () => {
    const { id: userId } = await auth.signup({
      email: 'bo@example.test',
      sealedPassword: sealed(PASSWORD),
      clientIp: IP,
    });
    let address = 0;
    const login = () =>
      auth.login({
        email: 'bo@example.test',
        sealedPassword: sealed(PASSWORD),
        clientIp: `192.0.2.${(address += 1)}`,
      });
    await login();
    await login();
    const [current] = (await sessions.list(userId, userId)).data;

    await auth.changePassword({
      userId,
      sessionId: current.id,
      sealedCurrentPassword: sealed(PASSWORD),
      sealedNewPassword: sealed('a much better passphrase'),
      clientIp: IP,
    });

    expect((await sessions.list(userId, current.id)).data.map((s) => [s.id, s.current])).toEqual([
      [current.id, true],
    ]);
    await expect(login()).rejects.toMatchObject({ code: ErrorCode.InvalidCredentials });
    await expect(
      auth.login({
        email: 'bo@example.test',
        sealedPassword: sealed('a much better passphrase'),
        clientIp: IP,
      }),
    ).resolves.toHaveProperty('sealedAccessToken');
  });

  it('counts wrong current passwords against the login throttle', async () => {
    const { id: userId } = await auth.signup({
      email: 'cy@example.test',
      sealedPassword: sealed(PASSWORD),
      clientIp: IP,
    });
    const change = () =>
      auth.changePassword({
        userId,
        sessionId: userId,
        sealedCurrentPassword: sealed('wrong password'),
        sealedNewPassword: sealed('a much better passphrase'),
        clientIp: '198.51.100.77',
      });
    // authTestConfig: 3 attempts per email and address.
    for (let i = 0; i < 3; i += 1)
      await expect(change()).rejects.toMatchObject({ code: ErrorCode.InvalidCredentials });

    await expect(change()).rejects.toMatchObject({ code: ErrorCode.RateLimited });
  });

  it('refuses a new password shorter than 8 characters', async () => {
    const { id: userId } = await auth.signup({
      email: 'di@example.test',
      sealedPassword: sealed(PASSWORD),
      clientIp: IP,
    });

    await expect(
      auth.changePassword({
        userId,
        sessionId: userId,
        sealedCurrentPassword: sealed(PASSWORD),
        sealedNewPassword: sealed('short'),
        clientIp: IP,
      }),
    ).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
  });
});
