import { jest } from '@jest/globals';
import argon2 from 'argon2';
import { SEAL_PURPOSE, Sealer } from '@app/common';
import { ErrorCode, type SealedLoginRequest } from '@app/contracts';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { authServiceTest, authTestConfig, resetAuthTables } from '../spec-support';
import { AuthModule } from './auth.module';
import { AuthService } from './auth.service';
import { PasswordsService } from './passwords.service';

const PASSWORD = 'correct horse battery';
const config = authTestConfig();
const WINDOW_MS = config.LOGIN_RATE_WINDOW_SECONDS * 1000;
// A moment 15 s into a rate-limit window, so the expected retryAfter is exact.
const IN_WINDOW = Math.floor(Date.UTC(2026, 10, 29, 12) / WINDOW_MS) * WINDOW_MS + 15_000;
const OWNER_IP = '203.0.113.50';
const STRANGER_IP = '203.0.113.66';

describe(AuthService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<AuthService>;
  let sut: AuthService;
  let sealer: Sealer;
  let passwords: PasswordsService;

  beforeAll(async () => {
    harness = await authServiceTest(AuthService, [AuthModule]);
    db = harness.db;
    sut = harness.sut;
    sealer = harness.get(Sealer);
    passwords = harness.get(PasswordsService);
  });

  afterAll(() => harness?.close());

  beforeEach(async () => {
    jest.restoreAllMocks();
    await resetAuthTables(db);
  });

  function loginRequest(email: string, password: string, clientIp = '203.0.113.7'): SealedLoginRequest {
    return { email, clientIp, sealedPassword: sealer.seal(password, SEAL_PURPOSE.password) };
  }

  async function signup(email: string, clientIp?: string): Promise<void> {
    await sut.signup({ email, clientIp, sealedPassword: sealer.seal(PASSWORD, SEAL_PURPOSE.password) });
  }

  async function attemptRows(): Promise<unknown[]> {
    return db.dataSource.query(`SELECT key, window_start, hits, next_at FROM login_attempts ORDER BY key`);
  }

  // Runs `n` logins that fail on the password; they are under the limit, so each one is checked.
  async function failLogins(n: number, email: string, clientIp?: string): Promise<void> {
    for (let i = 0; i < n; i += 1) {
      await expect(sut.login(loginRequest(email, 'wrong password', clientIp))).rejects.toMatchObject({
        code: ErrorCode.InvalidCredentials,
      });
    }
  }

  describe('login', () => {
    it('answers a sealed token pair that opens when the password is right', async () => {
      await signup('ada@example.test');

      const pair = await sut.login(loginRequest('ada@example.test', PASSWORD));

      expect(sealer.open(pair.sealedAccessToken, SEAL_PURPOSE.accessToken)).toMatch(/^ey/);
      expect(sealer.open(pair.sealedRefreshToken, SEAL_PURPOSE.refreshToken)).toMatch(/^[0-9a-f-]{36}\./);
      expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: config.ACCESS_TOKEN_TTL_SECONDS });
    });

    it('answers RateLimited with retryAfter, before any hashing, past the per-email-and-address limit', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      await signup('bob@example.test');
      await failLogins(config.LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP, 'bob@example.test');
      const verify = jest.spyOn(passwords, 'verify');
      const hash = jest.spyOn(passwords, 'hash');

      await expect(sut.login(loginRequest('bob@example.test', PASSWORD))).rejects.toMatchObject({
        code: ErrorCode.RateLimited,
        retryAfterSeconds: 45,
      });
      expect(verify).not.toHaveBeenCalled();
      expect(hash).not.toHaveBeenCalled();
    });

    it('answers RateLimited past the per-address limit, whatever the email', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      for (let i = 0; i < config.LOGIN_RATE_LIMIT_PER_IP; i += 1) {
        await failLogins(1, `user${i}@example.test`, '198.51.100.1');
      }
      const verify = jest.spyOn(passwords, 'verify');

      await expect(
        sut.login(loginRequest('fresh@example.test', PASSWORD, '198.51.100.1')),
      ).rejects.toMatchObject({
        code: ErrorCode.RateLimited,
        retryAfterSeconds: 45,
      });
      expect(verify).not.toHaveBeenCalled();
    });

    it('counts another address separately from a limited one', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      for (let i = 0; i < config.LOGIN_RATE_LIMIT_PER_IP; i += 1) {
        await failLogins(1, `user${i}@example.test`, '198.51.100.2');
      }

      await failLogins(1, 'other@example.test', '198.51.100.3');
    });

    it('counts only failures: logging in again and again from one address never locks the owner out', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      await signup('dee@example.test', OWNER_IP);
      const limit = Math.max(config.LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP, config.LOGIN_RATE_LIMIT_PER_IP);

      for (let i = 0; i <= limit; i += 1) {
        await expect(sut.login(loginRequest('dee@example.test', PASSWORD, OWNER_IP))).resolves.toHaveProperty(
          'sealedAccessToken',
        );
      }
      await failLogins(config.LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP, 'dee@example.test', OWNER_IP);
      await expect(sut.login(loginRequest('dee@example.test', PASSWORD, OWNER_IP))).rejects.toMatchObject({
        code: ErrorCode.RateLimited,
      });
    });

    it('lets the same email in again once its window has passed', async () => {
      const now = jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      await signup('cleo@example.test');
      await failLogins(config.LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP, 'cleo@example.test');
      await expect(sut.login(loginRequest('cleo@example.test', PASSWORD))).rejects.toMatchObject({
        code: ErrorCode.RateLimited,
      });

      now.mockReturnValue(IN_WINDOW + WINDOW_MS);

      await expect(sut.login(loginRequest('cleo@example.test', PASSWORD))).resolves.toHaveProperty(
        'sealedAccessToken',
      );
    });

    it("lets the owner in from an address it used while a stranger's address is refused", async () => {
      jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      await signup('gus@example.test', OWNER_IP);
      await failLogins(config.LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP, 'gus@example.test', STRANGER_IP);

      await expect(sut.login(loginRequest('gus@example.test', PASSWORD, STRANGER_IP))).rejects.toMatchObject({
        code: ErrorCode.RateLimited,
        retryAfterSeconds: 45,
      });
      await expect(sut.login(loginRequest('gus@example.test', PASSWORD, OWNER_IP))).resolves.toHaveProperty(
        'sealedAccessToken',
      );
    });

    it('spaces out guesses from new addresses with a doubling Retry-After that stops at the cap', async () => {
      const now = jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      await signup('hal@example.test', OWNER_IP);
      let address = 0;
      const fresh = (): string => `198.51.100.${(address += 1)}`;
      for (let i = 0; i < config.LOGIN_EMAIL_DELAY_AFTER_FAILURES; i += 1) {
        await failLogins(1, 'hal@example.test', fresh());
      }
      const retryAfters: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const err = await sut
          .login(loginRequest('hal@example.test', PASSWORD, fresh()))
          .catch((e: unknown) => e);
        expect(err).toMatchObject({ code: ErrorCode.RateLimited });
        const { retryAfterSeconds } = err as { retryAfterSeconds: number };
        retryAfters.push(retryAfterSeconds);
        if (i === 4) break;
        now.mockReturnValue(Date.now() + retryAfterSeconds * 1000);
        await failLogins(1, 'hal@example.test', fresh());
      }

      expect(retryAfters).toEqual([2, 4, 8, 16, config.LOGIN_EMAIL_DELAY_MAX_SECONDS]);
      await expect(sut.login(loginRequest('hal@example.test', PASSWORD, OWNER_IP))).resolves.toHaveProperty(
        'sealedAccessToken',
      );
    });

    it('lets one guess through per delay when many new addresses guess at once', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      await signup('ivy@example.test', OWNER_IP);
      for (let i = 0; i < config.LOGIN_EMAIL_DELAY_AFTER_FAILURES; i += 1) {
        await failLogins(1, 'ivy@example.test', `198.51.100.${i + 1}`);
      }
      jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW + 2000);

      const results = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) =>
          sut.login(loginRequest('ivy@example.test', 'wrong password', `192.0.2.${i + 1}`)),
        ),
      );

      const codes = results.map((r) =>
        r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok',
      );
      expect(codes.sort()).toEqual([
        ErrorCode.InvalidCredentials,
        ErrorCode.RateLimited,
        ErrorCode.RateLimited,
        ErrorCode.RateLimited,
      ]);
    });

    it('writes nothing for an attempt it refuses', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      await failLogins(config.LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP, 'jay@example.test', STRANGER_IP);
      const before = await attemptRows();

      await expect(sut.login(loginRequest('jay@example.test', PASSWORD, STRANGER_IP))).rejects.toMatchObject({
        code: ErrorCode.RateLimited,
      });

      expect(await attemptRows()).toEqual(before);
    });

    it('verifies an unknown email against the dummy hash, like a wrong password', async () => {
      const verify = jest.spyOn(passwords, 'verify');
      const argon2Verify = jest.spyOn(argon2, 'verify');

      await expect(sut.login(loginRequest('nobody@example.test', PASSWORD))).rejects.toMatchObject({
        code: ErrorCode.InvalidCredentials,
      });

      expect(verify).toHaveBeenCalledWith(undefined, PASSWORD);
      expect(argon2Verify).toHaveBeenCalledTimes(1);
      expect(argon2Verify.mock.calls[0][0]).toMatch(/^\$argon2id\$/);
    });

    it('refuses a password that was not sealed by the gateway', async () => {
      await expect(
        sut.login({ email: 'ada@example.test', clientIp: '203.0.113.7', sealedPassword: 'plain text' }),
      ).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    });
  });

  describe('signup', () => {
    it('answers EMAIL_TAKEN when the email already has an account', async () => {
      await signup('dan@example.test');

      await expect(signup('dan@example.test')).rejects.toMatchObject({ code: ErrorCode.EmailTaken });
    });

    it('refuses a password shorter than 8 characters without hashing it', async () => {
      const hash = jest.spyOn(passwords, 'hash');

      await expect(
        sut.signup({
          email: 'eve@example.test',
          sealedPassword: sealer.seal('short', SEAL_PURPOSE.password),
        }),
      ).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
      expect(hash).not.toHaveBeenCalled();
    });

    it('answers RateLimited with retryAfter, before any hashing, past the per-address limit', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(IN_WINDOW);
      for (let i = 0; i < config.SIGNUP_RATE_LIMIT_PER_IP; i += 1)
        await signup(`flood${i}@example.test`, STRANGER_IP);
      const hash = jest.spyOn(passwords, 'hash');

      await expect(signup('one-more@example.test', STRANGER_IP)).rejects.toMatchObject({
        code: ErrorCode.RateLimited,
        retryAfterSeconds: 45,
      });
      expect(hash).not.toHaveBeenCalled();
      await expect(signup('elsewhere@example.test', OWNER_IP)).resolves.toBeUndefined();
    });
  });
});
