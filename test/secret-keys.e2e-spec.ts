import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { allQueues } from '@app/contracts';
import { AccessTokenCipher } from '@app/plaid';
import amqp from 'amqplib';
import { Client } from 'pg';
import {
  Api,
  expectErrorShape,
  type LoggedInUser,
  runInfo,
  signupAndLogin,
  startExtra,
  startGateway,
  uniqueEmail,
} from './support/api';
import { databaseUrlFor, TEST_DATABASE_URL } from './support/infra';
import { link, waitHealthy } from './support/linking';
import { freePort, ROOT, type ServiceProcess } from './support/processes';
import { control } from './support/sandbox';
import { E2E_RETRY_TIERS_MS } from './support/system';
import { waitFor } from './support/wait-for';

// The secrets the services hold: the sealing secret of values on the broker, and the keys of stored access tokens.
describe('secret keys', () => {
  describe('secrets sealed on the broker', () => {
    it('seals with BROKER_SEALING_SECRET: a gateway with the right JWT secret but another sealing secret cannot sign anyone up', async () => {
      const stranger = await startGateway(
        { BROKER_SEALING_SECRET: randomBytes(32).toString('hex') },
        { until: 'ready', what: 'gateway with another sealing secret' },
      );
      try {
        const api = stranger.api;
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

  // Its own database and queue prefix: moving tokens to a key the run's services do not hold, then retiring
  // the old key, must not touch the items of other suites.
  describe('access-token re-encryption and key retirement', () => {
    const database = `${runInfo().database}_tokens`;
    const databaseUrl = databaseUrlFor(database);
    const prefix = `${runInfo().queuePrefix}tokens.`;
    const oldKey = `old:${randomBytes(32).toString('base64')}`;
    const newKey = `new:${randomBytes(32).toString('base64')}`;
    // Set in beforeAll, once a free port is known.
    let port = 0;
    let gatewayUrl = '';
    let webhook = '';
    const running = new Map<string, ServiceProcess>();
    let user: LoggedInUser;
    const items: { id: string; plaidId: string }[] = [];

    async function query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    }

    function start(name: string, overrides: Record<string, string> = {}): void {
      running.set(
        name,
        startExtra(name, { DATABASE_URL: databaseUrl, QUEUE_PREFIX: prefix, HTTP_PORT: '0', ...overrides }),
      );
    }

    // The services that hold access tokens, restarted with another TOKEN_ENCRYPTION_KEYS.
    async function restartTokenHolders(keys: string): Promise<void> {
      for (const name of ['plaid-link', 'sync-worker']) {
        await running.get(name)?.stop();
        start(name, { TOKEN_ENCRYPTION_KEYS: keys, PLAID_WEBHOOK_URL: webhook });
      }
      await waitFor(async () => (await fetch(`${gatewayUrl}/health/ready`)).status === 200, {
        what: 'the token holders ready again',
        timeoutMs: 30_000,
      });
    }

    function reencrypt(keys: string): { code: number; output: string } {
      const env = {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: databaseUrl,
        TOKEN_ENCRYPTION_KEYS: keys,
        REENCRYPT_BATCH_SIZE: '1',
      };
      try {
        const output = execFileSync('npm', ['run', '--silent', 'tokens:reencrypt'], {
          cwd: ROOT,
          env,
          encoding: 'utf8',
        });
        return { code: 0, output };
      } catch (err) {
        const e = err as { status: number; stdout: string; stderr: string };
        return { code: e.status, output: `${e.stdout}${e.stderr}` };
      }
    }

    async function keyIds(): Promise<string[]> {
      const rows = await query<{ kid: string }>(
        `SELECT split_part(access_token_enc, '.', 2) AS kid FROM link.items
         UNION ALL SELECT split_part(access_token_enc, '.', 2) FROM sync.items`,
      );
      return rows.map((r) => r.kid);
    }

    beforeAll(async () => {
      port = await freePort();
      gatewayUrl = `http://127.0.0.1:${port}`;
      webhook = `${gatewayUrl}/v1/webhooks/plaid`;
      const admin = new Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${database}`);
      } finally {
        await admin.end();
      }
      start('auth');
      start('plaid-link', { TOKEN_ENCRYPTION_KEYS: oldKey, PLAID_WEBHOOK_URL: webhook });
      start('sync-worker', { TOKEN_ENCRYPTION_KEYS: oldKey, PLAID_WEBHOOK_URL: webhook });
      start('gateway-0', { PORT: String(port) });
      await waitFor(
        async () => (await fetch(`${gatewayUrl}/health/ready`).catch(() => undefined))?.status === 200,
        {
          what: 'the token system ready',
          timeoutMs: 60_000,
        },
      );
      user = await signupAndLogin(new Api(gatewayUrl), 'rekey');
      for (const institutionId of ['ins_109508', 'ins_117650']) {
        const item = await link(user, { institutionId, webhook });
        await waitHealthy(user, item.id);
        const [row] = await query<{ plaid_item_id: string }>(
          'SELECT plaid_item_id FROM link.items WHERE id = $1',
          [item.id],
        );
        items.push({ id: item.id, plaidId: row.plaid_item_id });
      }
    }, 120_000);

    afterAll(async () => {
      await Promise.all([...running.values()].map((p) => p.stop()));
      const conn = await amqp.connect(runInfo().rabbitmqUrl);
      const ch = await conn.createChannel();
      for (const q of allQueues(prefix, E2E_RETRY_TIERS_MS)) await ch.deleteQueue(q);
      await ch.deleteExchange(`${prefix}auth.revocations`);
      await conn.close();
      const admin = new Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    }, 60_000);

    it('moves every stored token to the new key, so that the old key can be retired and items still sync', async () => {
      expect(await keyIds()).toEqual(['old', 'old', 'old', 'old']);

      // Rotation: the new key first, the old one still readable.
      await restartTokenHolders(`${newKey},${oldKey}`);
      const first = reencrypt(`${newKey},${oldKey}`);
      expect(first).toEqual({ code: 0, output: expect.stringContaining('current key: new') });
      expect(first.output).toContain(
        'link.items: 2 under an older key, 2 re-encrypted, 0 changed meanwhile, 0 failed',
      );
      expect(first.output).toContain(
        'sync.items: 2 under an older key, 2 re-encrypted, 0 changed meanwhile, 0 failed',
      );
      expect(await keyIds()).toEqual(['new', 'new', 'new', 'new']);
      const [stored] = await query<{ access_token_enc: string; plaid_item_id: string }>(
        'SELECT access_token_enc, plaid_item_id FROM link.items LIMIT 1',
      );
      const token = new AccessTokenCipher(newKey).decrypt(stored.access_token_enc, stored.plaid_item_id);
      expect(first.output).not.toContain(token);
      expect(first.output).not.toMatch(/access-sandbox|v1\.(old|new)\./);

      // Idempotent: nothing left to move.
      const again = reencrypt(`${newKey},${oldKey}`);
      expect(again.code).toBe(0);
      expect(again.output).toContain('link.items: 0 under an older key, 0 re-encrypted');
      expect(again.output).toContain('sync.items: 0 under an older key, 0 re-encrypted');

      // Retirement: only the new key. The worker still decrypts to sync, plaid-link still decrypts to remove.
      await restartTokenHolders(newKey);
      const change = await control('POST', `/items/${items[0].plaidId}/transactions/mutate`, {
        add: 2,
        webhook: true,
      });
      await waitFor(
        async () => {
          const rows = await query<{ plaid_transaction_id: string }>(
            'SELECT plaid_transaction_id FROM sync.transactions WHERE item_id = $1',
            [items[0].id],
          );
          const ids = new Set(rows.map((r) => r.plaid_transaction_id));
          return change.added.every((id: string) => ids.has(id));
        },
        { what: 'a sync under the new key alone', timeoutMs: 30_000 },
      );
      expect((await user.api.delete(`/v1/items/${items[1].id}`, user.accessToken)).status).toBe(204);
    }, 120_000);
  });
});
