import { execFileSync } from 'node:child_process';
import { allQueues } from '@app/contracts';
import amqp from 'amqplib';
import {
  Api,
  type ExtraGateway,
  type LoggedInUser,
  expectErrorShape,
  runInfo,
  signupAndLogin,
  startExtra,
  startGateway,
} from './support/api';
import { db } from './support/db';
import { freePort } from './support/processes';
import { E2E_RETRY_TIERS_MS } from './support/system';
import { waitFor } from './support/wait-for';

// The queues bound to the run's revocation exchange: one exclusive, auto-deleted queue per gateway instance.
function revocationQueues(prefix = runInfo().queuePrefix): string[] {
  return execFileSync('rabbitmqctl', ['-q', 'list_bindings', 'source_name', 'destination_name'], {
    encoding: 'utf8',
  })
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([source, destination]) => source === `${prefix}auth.revocations` && destination)
    .map(([, destination]) => destination);
}

const sessionOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

// Revocation must not stop silently: a gateway whose broadcast queue disappears subscribes again, a broadcast the
// broker refuses waits in auth's outbox, and a gateway that cannot read the revocation list refuses every token.
describe('revocation delivery', () => {
  describe('a gateway that only learns revocations by broadcast', () => {
    let gateway: ExtraGateway;
    let here: Api;
    let before: string[];
    // The extra gateway's current revocation queue (it changes when the gateway re-subscribes).
    const queueOfGateway = (): string | undefined => revocationQueues().find((q) => !before.includes(q));

    beforeAll(async () => {
      before = revocationQueues();
      // No periodic reload within the test: what reaches this gateway comes by broadcast.
      gateway = await startGateway(
        { REVOCATIONS_RELOAD_MS: '3600000' },
        { until: 'ready', timeoutMs: 60_000 },
      );
      here = gateway.api;
      await waitFor(() => queueOfGateway(), { what: 'extra gateway revocation queue' });
    });

    afterAll(async () => {
      await gateway?.stop();
    });

    // Logs in through the run's first gateway and checks that this gateway accepts the token.
    async function userAcceptedHere(): Promise<LoggedInUser> {
      const user = await signupAndLogin(new Api());
      expect((await here.get('/v1/auth/me', user.accessToken)).status).toBe(200);
      return user;
    }

    it('re-subscribes after its queue is deleted in the broker, and a later logout still revokes the token here', async () => {
      const user = await userAcceptedHere();
      const deleted = queueOfGateway()!;

      execFileSync('rabbitmqctl', ['-q', 'delete_queue', deleted], { stdio: 'ignore' });

      const replacement = await waitFor(
        () => {
          const q = queueOfGateway();
          return q !== undefined && q !== deleted ? q : undefined;
        },
        { what: 'the gateway to bind a new revocation queue' },
      );
      expect(replacement).not.toBe(deleted);
      await waitFor(async () => (await here.get('/health/ready')).status === 200, { what: 'ready again' });

      expect((await user.api.post('/v1/auth/logout', undefined, user.accessToken)).status).toBe(204);
      const loggedOutAt = Date.now();
      await waitFor(async () => (await here.get('/v1/auth/me', user.accessToken)).status === 401, {
        what: 'the token to be refused on the other gateway',
        timeoutMs: 1500,
        intervalMs: 50,
      });
      expect(Date.now() - loggedOutAt).toBeLessThan(1500);
    });

    it('delivers a revocation the broker refused, later, from the outbox', async () => {
      const user = await userAcceptedHere();
      const sessionId = sessionOf(user.accessToken);
      const queue = queueOfGateway()!;
      const policy = `${runInfo().runId}-refuse-revocations`;
      // The gateway's queue refuses every message: the broker nacks the broadcast.
      execFileSync(
        'rabbitmqctl',
        [
          'set_policy',
          '--apply-to',
          'queues',
          policy,
          `^${escapeRegex(queue)}$`,
          '{"max-length":0,"overflow":"reject-publish"}',
        ],
        { stdio: 'ignore' },
      );
      try {
        await waitFor(
          () =>
            execFileSync('rabbitmqctl', ['list_queues', 'name', 'policy'], { encoding: 'utf8' })
              .split('\n')
              .some((l) => l.startsWith(queue) && l.includes(policy)),
          { what: 'policy applied' },
        );

        expect((await user.api.post('/v1/auth/logout', undefined, user.accessToken)).status).toBe(204);

        await waitFor(
          async () => {
            const [row] = await db<{ attempts: number }>(
              `SELECT attempts FROM auth.outbox WHERE payload->>'sessionId' = $1`,
              [sessionId],
            );
            return row !== undefined && row.attempts > 0;
          },
          { what: 'the outbox to hold the refused revocation' },
        );
        expect((await here.get('/v1/auth/me', user.accessToken)).status).toBe(200);
      } finally {
        execFileSync('rabbitmqctl', ['clear_policy', policy], { stdio: 'ignore' });
      }

      await waitFor(async () => (await here.get('/v1/auth/me', user.accessToken)).status === 401, {
        what: 'the revocation to arrive from the outbox',
      });
      const rows = await db(`SELECT id FROM auth.outbox WHERE payload->>'sessionId' = $1`, [sessionId]);
      expect(rows).toEqual([]);
    });
  });

  describe('a gateway started while auth is unreachable', () => {
    // Its own queue prefix: plaid-link answers on it, auth (and so the revocation list) does not, at first.
    const prefix = `${runInfo().queuePrefix}revoke.`;
    const started: ReturnType<typeof startExtra>[] = [];

    afterAll(async () => {
      await Promise.all(started.map((p) => p.stop()));
      const conn = await amqp.connect(runInfo().rabbitmqUrl);
      const ch = await conn.createChannel();
      for (const q of allQueues(prefix, E2E_RETRY_TIERS_MS)) await ch.deleteQueue(q);
      await ch.deleteExchange(`${prefix}auth.revocations`);
      await conn.close();
    });

    it('refuses tokens with 503 until the revocation list loads', async () => {
      const user = await signupAndLogin(new Api());
      started.push(startExtra('plaid-link', { QUEUE_PREFIX: prefix, HTTP_PORT: String(await freePort()) }));
      const port = await freePort();
      started.push(
        startExtra('gateway-0', { PORT: String(port), QUEUE_PREFIX: prefix, RPC_TIMEOUT_MS: '1000' }),
      );
      const cut = new Api(`http://127.0.0.1:${port}`);
      await waitFor(async () => (await cut.get('/health/live')).status === 200, { what: 'gateway live' });
      // plaid-link consumes its RPC queue on this prefix: the only thing missing is the revocation list.
      await waitFor(
        () =>
          execFileSync('rabbitmqctl', ['-q', 'list_queues', 'name', 'consumers'], { encoding: 'utf8' })
            .split('\n')
            .some((l) => l.startsWith(`${prefix}link.rpc\t`) && !l.endsWith('\t0')),
        { what: 'plaid-link consuming on the prefix', timeoutMs: 30_000 },
      );

      const refused = await cut.get('/v1/items', user.accessToken);
      expect(refused.status).toBe(503);
      expectErrorShape(refused.body, 503, 'SERVICE_UNAVAILABLE');
      expect((await cut.get('/health/ready')).status).toBe(503);

      started.push(startExtra('auth', { QUEUE_PREFIX: prefix, HTTP_PORT: String(await freePort()) }));

      await waitFor(async () => (await cut.get('/v1/items', user.accessToken)).status === 200, {
        what: 'the token to be accepted once the list has loaded',
        timeoutMs: 30_000,
      });
    });
  });
});
