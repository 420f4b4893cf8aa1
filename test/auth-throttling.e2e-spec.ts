import { Api, type ApiResponse, expectErrorShape, signupAndLogin, uniqueEmail } from './support/api';
import { waitFor } from './support/wait-for';

// Login, signup and refresh throttling, through the gateway. The run's auth allows 5 logins per (email, address) and 12 per
// address in a 10-minute window, delays an email's guesses from unknown addresses after 5 failures (5 s, doubling),
// 10 signups per address per hour and 10 refreshes per session per minute (see test/support/system.ts).
describe('auth throttling through the gateway', () => {
  const WRONG = 'wrong password!';

  function expectRateLimited(res: ApiResponse, maxRetryAfter: number): number {
    expect(res.status).toBe(429);
    expectErrorShape(res.body, 429, 'RATE_LIMITED');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(maxRetryAfter);
    return retryAfter;
  }

  describe('login', () => {
    it("lets the owner in from their own address while a stranger's address is blocked", async () => {
      const owner = await signupAndLogin(new Api(), 'victim');
      const stranger = new Api();
      for (let i = 0; i < 5; i++) {
        expect((await stranger.post('/v1/auth/login', { email: owner.email, password: WRONG })).status).toBe(
          401,
        );
      }

      expectRateLimited(await stranger.post('/v1/auth/login', { email: owner.email, password: WRONG }), 600);
      // Blocked means blocked: even the right password is not checked from that address.
      expectRateLimited(
        await stranger.post('/v1/auth/login', { email: owner.email, password: owner.password }),
        600,
      );
      const own = await owner.api.post('/v1/auth/login', { email: owner.email, password: owner.password });
      expect(own.status).toBe(200);
      expect(own.body.accessToken).toEqual(expect.any(String));
    });

    it('never locks out a user who logs in and out again and again: only failures count', async () => {
      const owner = await signupAndLogin(new Api(), 'regular');
      // 13 log-ins from one address: past both the per-(email, address) limit (5) and the per-address one (12).
      for (let i = 0; i < 13; i++) {
        const login = await owner.api.post('/v1/auth/login', {
          email: owner.email,
          password: owner.password,
        });
        expect({ i, status: login.status }).toEqual({ i, status: 200 });
        const logout = await owner.api.request('POST', '/v1/auth/logout', { token: login.body.accessToken });
        expect(logout.status).toBe(204);
      }
      // Failures still count: five wrong passwords from that address, and the sixth try is refused.
      for (let i = 0; i < 5; i++) {
        expect((await owner.api.post('/v1/auth/login', { email: owner.email, password: WRONG })).status).toBe(
          401,
        );
      }
      expectRateLimited(
        await owner.api.post('/v1/auth/login', { email: owner.email, password: owner.password }),
        600,
      );
    });

    it('slows guesses from many addresses with a growing Retry-After instead of locking the account', async () => {
      const owner = await signupAndLogin(new Api(), 'spray');
      for (let i = 0; i < 5; i++) {
        expect((await new Api().post('/v1/auth/login', { email: owner.email, password: WRONG })).status).toBe(
          401,
        );
      }
      const first = expectRateLimited(
        await new Api().post('/v1/auth/login', { email: owner.email, password: WRONG }),
        60,
      );

      // Once the delay has passed, one more guess is checked; the next delay is longer.
      await waitFor(
        async () =>
          (await new Api().post('/v1/auth/login', { email: owner.email, password: WRONG })).status === 401,
        {
          what: 'a guess to be checked again after the delay',
          timeoutMs: (first + 10) * 1000,
          intervalMs: 500,
        },
      );
      const second = expectRateLimited(
        await new Api().post('/v1/auth/login', { email: owner.email, password: WRONG }),
        60,
      );
      expect(second).toBeGreaterThan(first);
      expect(
        (await owner.api.post('/v1/auth/login', { email: owner.email, password: owner.password })).status,
      ).toBe(200);
    });
  });

  describe('signup', () => {
    it('throttles a flood from one address with 429 and Retry-After; another address still signs up', async () => {
      const flood = new Api();
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await flood.post('/v1/auth/signup', {
          email: uniqueEmail('flood'),
          password: 'long enough',
        });
        statuses.push(res.status);
        if (res.status === 429) expectRateLimited(res, 3600);
      }

      expect(statuses).toEqual([...Array<number>(10).fill(201), 429]);
      const elsewhere = await new Api().post('/v1/auth/signup', {
        email: uniqueEmail('elsewhere'),
        password: 'long enough',
      });
      expect(elsewhere.status).toBe(201);
    });
  });

  describe('refresh', () => {
    it('limits refreshes per session with 429 and Retry-After', async () => {
      const user = await signupAndLogin(new Api(), 'refresher');
      let token = user.refreshToken;
      const statuses: number[] = [];
      // 21 calls: a one-minute window boundary falls between them at most once.
      for (let i = 0; i < 21 && !statuses.includes(429); i++) {
        const res = await user.api.post('/v1/auth/refresh', { refreshToken: token });
        statuses.push(res.status);
        if (res.status === 200) token = res.body.refreshToken;
        else expectRateLimited(res, 60);
      }

      expect(statuses.at(-1)).toBe(429);
      expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
      expect(statuses.length).toBeGreaterThan(10);
    });
  });
});
