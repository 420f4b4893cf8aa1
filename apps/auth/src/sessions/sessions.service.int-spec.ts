import { jest } from '@jest/globals';
import { BroadcastEvent, ErrorCode, topology } from '@app/contracts';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { authServiceTest, authTestConfig, resetAuthTables } from '../spec-support';
import { SessionsModule } from './sessions.module';
import { SessionsService } from './sessions.service';

const config = authTestConfig();

describe(SessionsService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<SessionsService>;
  let sut: SessionsService;
  const relay = { kick: jest.fn() };

  beforeAll(async () => {
    harness = await authServiceTest(SessionsService, [SessionsModule], { relay });
    db = harness.db;
    sut = harness.sut;
  });

  afterAll(() => harness?.close());

  beforeEach(async () => {
    jest.restoreAllMocks();
    relay.kick.mockClear();
    await resetAuthTables(db);
  });

  async function newUser(): Promise<string> {
    const rows = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id`,
      [`u${Math.random().toString(36).slice(2)}@example.test`],
    );
    return rows[0].id;
  }

  async function session(id: string): Promise<{ revokedAt: Date | null; revokeReason: string | null }> {
    const rows = await db.dataSource.query<{ revokedAt: Date | null; revokeReason: string | null }[]>(
      `SELECT revoked_at AS "revokedAt", revoke_reason AS "revokeReason" FROM sessions WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  // The revocation broadcasts waiting in the outbox for the relay.
  async function broadcasts(): Promise<{ pattern: string; queue: string; payload: unknown }[]> {
    return db.dataSource.query(`SELECT pattern, queue, payload FROM outbox ORDER BY id`);
  }

  const invalid = { code: ErrorCode.InvalidRefreshToken };

  describe('rotate', () => {
    it('answers a new refresh token for the same session and user', async () => {
      const userId = await newUser();
      const started = await sut.start(userId);

      const rotated = await sut.rotate(started.refreshToken);

      expect(rotated).toMatchObject({ userId, sessionId: started.sessionId });
      expect(rotated.refreshToken).not.toBe(started.refreshToken);
    });

    it('revokes the session and broadcasts it when a rotated token comes back', async () => {
      const started = await sut.start(await newUser());
      const rotated = await sut.rotate(started.refreshToken);

      await expect(sut.rotate(started.refreshToken)).rejects.toMatchObject(invalid);

      expect(await session(started.sessionId)).toMatchObject({ revokeReason: 'refresh_token_reuse' });
      expect(await broadcasts()).toEqual([
        expect.objectContaining({ payload: { sessionId: started.sessionId, until: expect.any(Number) } }),
      ]);
      expect(relay.kick).toHaveBeenCalled();
      await expect(sut.rotate(rotated.refreshToken)).rejects.toMatchObject(invalid);
    });

    it('refuses a token whose secret does not match', async () => {
      const started = await sut.start(await newUser());
      const [id] = started.refreshToken.split('.');

      await expect(sut.rotate(`${id}.${'A'.repeat(43)}`)).rejects.toMatchObject(invalid);
      expect(await session(started.sessionId)).toMatchObject({ revokedAt: null });
    });

    it.each(['', 'not-a-token', `${'0'.repeat(36)}.short`])(
      'refuses the malformed token %p',
      async (token) => {
        await expect(sut.rotate(token)).rejects.toMatchObject(invalid);
      },
    );

    it('refuses a token of a logged-out session', async () => {
      const userId = await newUser();
      const started = await sut.start(userId);
      await sut.logout(userId, started.sessionId);

      await expect(sut.rotate(started.refreshToken)).rejects.toMatchObject(invalid);
    });

    it('answers RateLimited with retryAfter past the per-session refresh limit', async () => {
      const windowMs = config.REFRESH_RATE_WINDOW_SECONDS * 1000;
      jest.spyOn(Date, 'now').mockReturnValue(Math.floor(Date.now() / windowMs) * windowMs + 15_000);
      const started = await sut.start(await newUser());
      let token = started.refreshToken;
      for (let i = 0; i < config.REFRESH_RATE_LIMIT_PER_SESSION; i += 1) {
        token = (await sut.rotate(token)).refreshToken;
      }

      await expect(sut.rotate(token)).rejects.toMatchObject({
        code: ErrorCode.RateLimited,
        retryAfterSeconds: config.REFRESH_RATE_WINDOW_SECONDS - 15,
      });
      // The refused call used nothing up: the token still rotates in the next window.
      jest.spyOn(Date, 'now').mockReturnValue(Math.floor(Date.now() / windowMs) * windowMs + windowMs);
      await expect(sut.rotate(token)).resolves.toMatchObject({ sessionId: started.sessionId });
    });

    it("leaves another session's refresh budget alone", async () => {
      const windowMs = config.REFRESH_RATE_WINDOW_SECONDS * 1000;
      jest.spyOn(Date, 'now').mockReturnValue(Math.floor(Date.now() / windowMs) * windowMs + 15_000);
      const busy = await sut.start(await newUser());
      let token = busy.refreshToken;
      for (let i = 0; i < config.REFRESH_RATE_LIMIT_PER_SESSION; i += 1) {
        token = (await sut.rotate(token)).refreshToken;
      }
      const other = await sut.start(await newUser());

      await expect(sut.rotate(other.refreshToken)).resolves.toMatchObject({ sessionId: other.sessionId });
    });

    it('refuses a token of an expired session', async () => {
      const started = await sut.start(await newUser());
      await db.dataSource.query(
        `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [started.sessionId],
      );

      await expect(sut.rotate(started.refreshToken)).rejects.toMatchObject(invalid);
    });
  });

  describe('logout', () => {
    it('revokes the session and broadcasts it once', async () => {
      const userId = await newUser();
      const started = await sut.start(userId);

      await sut.logout(userId, started.sessionId);
      await sut.logout(userId, started.sessionId);

      expect(await session(started.sessionId)).toMatchObject({ revokeReason: 'logout' });
      expect(await broadcasts()).toHaveLength(1);
      expect(relay.kick).toHaveBeenCalledTimes(1);
    });

    it('writes the broadcast to the outbox for the revocations exchange with the revocation', async () => {
      const userId = await newUser();
      const started = await sut.start(userId);

      await sut.logout(userId, started.sessionId);

      const [row] = await broadcasts();
      expect(row).toEqual({
        pattern: BroadcastEvent.SessionRevoked,
        queue: `exchange:${topology('spec').revocationsExchange}`,
        payload: { sessionId: started.sessionId, until: expect.any(Number) },
      });
      const [{ revokedAt }] = await db.dataSource.query<{ revokedAt: number }[]>(
        `SELECT extract(epoch FROM revoked_at)::int AS "revokedAt" FROM sessions WHERE id = $1`,
        [started.sessionId],
      );
      expect((row.payload as { until: number }).until).toBeGreaterThanOrEqual(revokedAt + 900 - 1);
    });

    it("leaves another user's session alone", async () => {
      const started = await sut.start(await newUser());

      await sut.logout(await newUser(), started.sessionId);

      expect(await session(started.sessionId)).toMatchObject({ revokedAt: null });
      expect(await broadcasts()).toEqual([]);
      expect(relay.kick).not.toHaveBeenCalled();
    });
  });

  it('lists recently revoked sessions with the time their access tokens run out', async () => {
    const userId = await newUser();
    const started = await sut.start(userId);
    await sut.logout(userId, started.sessionId);

    const { revocations: list } = await sut.activeRevocations();

    expect(list).toEqual([{ sessionId: started.sessionId, until: expect.any(Number) }]);
    expect(list[0].until).toBeGreaterThan(Date.now() / 1000);
  });
});
