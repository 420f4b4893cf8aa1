import { randomBytes } from 'node:crypto';
import {
  Api,
  expectErrorShape,
  type LoggedInUser,
  signupAndLogin,
  startExtra,
  uniqueEmail,
} from './support/api';
import { waitFor } from './support/wait-for';

function cursorOf(value: unknown): string {
  return encodeURIComponent(Buffer.from(JSON.stringify(value)).toString('base64url'));
}

const SOME_ID = '3f0c9a52-8d1e-4a7b-9c3e-1b2d4e6f8a90';

describe('hardening', () => {
  describe('inputs Postgres would refuse (issue 18, item 9)', () => {
    let user: LoggedInUser;

    beforeAll(async () => {
      user = await signupAndLogin(new Api(), 'harden-input');
    });

    it.each([
      ['an ISO week date as from', 'from=2024-W01-1'],
      ['an ISO week date as to', 'to=2024-W01-1'],
      ['an ordinal date', 'from=2024-001'],
      ['a day that does not exist', 'from=2024-02-30'],
      ['February 29th of a common year', 'to=2023-02-29'],
      ['a cursor with an impossible date', `cursor=${cursorOf(['2024-02-30', SOME_ID])}`],
      ['a cursor with a week date', `cursor=${cursorOf(['2024-W01-1', SOME_ID])}`],
      ['a cursor whose id is not a uuid', `cursor=${cursorOf(['2024-03-05', '-'.repeat(36)])}`],
      // Passes every DTO rule; Postgres refuses the NUL byte (22021) and the RPC filter answers 400.
      ['a NUL byte in search', 'search=a%00b'],
    ])('answers 400 VALIDATION_FAILED for %s', async (_what, qs) => {
      const res = await user.api.get(`/v1/transactions?${qs}`, user.accessToken);
      expect({ qs, status: res.status }).toEqual({ qs, status: 400 });
      expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(res.body)).not.toMatch(/invalid input syntax|out of range|byte sequence/);
    });

    it('still answers a well-formed cursor and real dates', async () => {
      const qs = `from=2024-02-29&to=2024-12-31&cursor=${cursorOf(['2024-03-05', SOME_ID])}`;
      const res = await user.api.get(`/v1/transactions?${qs}`, user.accessToken);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [], nextCursor: null });
    });
  });

  describe('secrets sealed on the broker (issue 18, item 7)', () => {
    it('seals with BROKER_SEALING_SECRET: a gateway with the right JWT secret but another sealing secret cannot sign anyone up', async () => {
      const port = 20000 + Math.floor(Math.random() * 20000);
      const stranger = startExtra('gateway-0', {
        PORT: String(port),
        BROKER_SEALING_SECRET: randomBytes(32).toString('hex'),
      });
      try {
        const api = new Api(`http://127.0.0.1:${port}`);
        await waitFor(async () => (await api.get('/health/ready')).status === 200, {
          what: 'gateway with another sealing secret ready',
          timeoutMs: 30000,
        });
        const res = await api.post('/v1/auth/signup', {
          email: uniqueEmail('sealed'),
          password: 'long enough',
        });
        expect(res.status).toBe(400);
        expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
        expect(
          (await new Api().post('/v1/auth/signup', { email: uniqueEmail('sealed'), password: 'long enough' }))
            .status,
        ).toBe(201);
      } finally {
        await stranger.stop();
      }
    });

    it('refuses to start a gateway without a sealing secret', async () => {
      const gateway = startExtra('gateway-0', { PORT: '0', BROKER_SEALING_SECRET: '' });
      try {
        await waitFor(() => gateway.exitCode !== null && gateway.exitCode !== undefined, {
          what: 'gateway without BROKER_SEALING_SECRET to exit',
          timeoutMs: 30000,
        });
        expect(gateway.exitCode).not.toBe(0);
      } finally {
        await gateway.stop();
      }
    });
  });
});
