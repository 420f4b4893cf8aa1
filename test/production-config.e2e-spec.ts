import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Api, type LoggedInUser, runInfo, signupAndLogin, startExtra } from './support/api';
import { databaseUrlFor, TEST_DATABASE_URL } from './support/infra';
import { freePort, type ServiceProcess } from './support/processes';
import { waitFor } from './support/wait-for';

// The values of .env.example that no production deployment may keep.
const EXAMPLE_JWT_SECRET = 'local-dev-only-secret-change-me-0123456789';
const EXAMPLE_SEALING_SECRET = 'local-dev-only-sealing-secret-change-me-0123';
const EXAMPLE_TOKEN_KEYS = 'local1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function logOf(proc: ServiceProcess): string {
  return readFileSync(join(runInfo().logDir, `${proc.name}.log`), 'utf8');
}

async function exitOf(proc: ServiceProcess, what: string): Promise<number | null | undefined> {
  await waitFor(() => proc.exitCode !== null && proc.exitCode !== undefined, { what, timeoutMs: 30_000 });
  return proc.exitCode;
}

function headerOf(token: string): { kid?: string } {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { kid?: string };
}

describe('production configuration', () => {
  describe('refusal of example and weak secrets outside local development', () => {
    it('refuses to start a gateway with PLAID_ENV=production and the example secrets, naming each one', async () => {
      const gateway = startExtra('gateway-0', {
        PORT: '0',
        PLAID_ENV: 'production',
        JWT_SECRET: EXAMPLE_JWT_SECRET,
        BROKER_SEALING_SECRET: EXAMPLE_SEALING_SECRET,
      });
      try {
        expect(await exitOf(gateway, 'the gateway with example secrets to exit')).toBe(78);
        const log = logOf(gateway);
        expect(log).toContain('JWT_SECRET: is the example value from .env.example');
        expect(log).toContain('BROKER_SEALING_SECRET: is the example value from .env.example');
      } finally {
        await gateway.stop();
      }
    });

    it('refuses to start plaid-link with real Plaid keys under NODE_ENV=production and the all-zero example key', async () => {
      const link = startExtra('plaid-link', {
        HTTP_PORT: '0',
        NODE_ENV: 'production',
        PLAID_CLIENT_ID: 'real-looking-client-id',
        PLAID_SECRET: 'real-looking-secret',
        TOKEN_ENCRYPTION_KEYS: EXAMPLE_TOKEN_KEYS,
      });
      try {
        expect(await exitOf(link, 'plaid-link with the example encryption key to exit')).toBe(78);
        const log = logOf(link);
        expect(log).toContain('TOKEN_ENCRYPTION_KEYS: is the example value from .env.example');
        expect(log).toContain('TOKEN_ENCRYPTION_KEYS: key \\"local1\\" has too little entropy');
      } finally {
        await link.stop();
      }
    });
  });

  describe('secrets from files', () => {
    it('starts a gateway whose JWT secret comes from JWT_SECRET_FILE, accepting the run auth tokens', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'jwt-')), 'jwt_secret');
      writeFileSync(file, `${runInfo().jwtSecret}\n`, { mode: 0o600 });
      const port = await freePort();
      const gateway = startExtra('gateway-0', { PORT: String(port), JWT_SECRET: '', JWT_SECRET_FILE: file });
      try {
        const user = await signupAndLogin(new Api(), 'secretfile');
        const api = new Api(`http://127.0.0.1:${port}`);
        await waitFor(
          async () => (await api.get('/v1/auth/me', user.accessToken).catch(() => undefined))?.status === 200,
          {
            what: 'the gateway reading JWT_SECRET_FILE to accept a token',
            timeoutMs: 30_000,
          },
        );
        expect((await api.get('/v1/auth/me', `${user.accessToken}x`)).status).toBe(401);
      } finally {
        await gateway.stop();
      }
    });

    it('refuses to start when both JWT_SECRET and JWT_SECRET_FILE are set', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'jwt-')), 'jwt_secret');
      writeFileSync(file, runInfo().jwtSecret);
      const gateway = startExtra('gateway-0', { PORT: '0', JWT_SECRET_FILE: file });
      try {
        expect(await exitOf(gateway, 'the gateway with both JWT_SECRET and JWT_SECRET_FILE to exit')).toBe(
          78,
        );
        expect(logOf(gateway)).toContain('JWT_SECRET: set either JWT_SECRET or JWT_SECRET_FILE, not both');
      } finally {
        await gateway.stop();
      }
    });
  });

  // Its own queue prefix and database: an auth with other keys must not answer the run's logins, nor prune or
  // relay the run's rows.
  describe('JWT key rotation', () => {
    const prefix = `${runInfo().queuePrefix}jwtkeys.`;
    const database = `${runInfo().database}_jwtkeys`;
    const oldSecret = randomBytes(32).toString('hex');
    const newSecret = randomBytes(32).toString('hex');
    const running = new Map<string, ServiceProcess>();
    let api: Api;

    async function restart(name: 'auth' | 'gateway-0', overrides: Record<string, string>): Promise<void> {
      await running.get(name)?.stop();
      running.set(
        name,
        startExtra(name, {
          DATABASE_URL: databaseUrlFor(database),
          QUEUE_PREFIX: prefix,
          HTTP_PORT: '0',
          ...overrides,
        }),
      );
    }

    async function login(user: LoggedInUser): Promise<string> {
      const res = await waitFor(
        async () => {
          const r = await api
            .post('/v1/auth/login', { email: user.email, password: user.password })
            .catch(() => undefined);
          return r?.status === 200 ? r : undefined;
        },
        { what: 'a login through the rotated auth', timeoutMs: 60_000 },
      );
      return (res.body as { accessToken: string }).accessToken;
    }

    async function status(token: string): Promise<number> {
      return (await api.get('/v1/auth/me', token)).status;
    }

    async function admin(sql: string): Promise<void> {
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    }

    beforeAll(async () => {
      await admin(`CREATE DATABASE ${database}`);
      const port = await freePort();
      api = new Api(`http://127.0.0.1:${port}`);
      await restart('auth', { JWT_SECRET: oldSecret });
      await restart('gateway-0', {
        PORT: String(port),
        JWT_SECRET: '',
        JWT_KEYS: `new:${newSecret},default:${oldSecret}`,
      });
    });

    afterAll(async () => {
      for (const proc of running.values()) await proc.stop();
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    });

    it('keeps tokens of the old key valid after auth signs with a new one, and stops them once the gateway drops it', async () => {
      const user = await waitFor(() => signupAndLogin(api, 'rotate'), {
        what: 'the rotation system to sign someone up',
        timeoutMs: 60_000,
      });
      // Signed by the single JWT_SECRET: kid "default".
      const oldToken = user.accessToken;
      expect(headerOf(oldToken).kid).toBe('default');
      await waitFor(async () => (await status(oldToken)) === 200, { what: 'the old token accepted' });

      // Step 1 of a rotation: auth signs with the new key, still lists the old one.
      await restart('auth', { JWT_SECRET: '', JWT_KEYS: `new:${newSecret},default:${oldSecret}` });
      const newToken = await login(user);
      expect(headerOf(newToken).kid).toBe('new');
      expect(await status(newToken)).toBe(200);
      expect(await status(oldToken)).toBe(200);

      // Step 2, once the old tokens could still live: the gateway drops the old key; its tokens fail at once.
      const port = new URL(api.baseUrl).port;
      await restart('gateway-0', { PORT: port, JWT_SECRET: '', JWT_KEYS: `new:${newSecret}` });
      await waitFor(async () => (await status(newToken).catch(() => 0)) === 200, {
        what: 'the gateway without the old key accepting the new token',
        timeoutMs: 60_000,
      });
      expect(await status(oldToken)).toBe(401);
    });
  });
});
