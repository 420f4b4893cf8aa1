import { execFileSync } from 'node:child_process';
import { deadLetterQueueName, topology } from '@app/contracts';
import { Api, type LoggedInUser, runInfo, signupAndLogin, startExtra } from './support/api';
import { freePort, type ServiceProcess } from './support/processes';
import { control } from './support/sandbox';
import { storedTransactionIds, syncedItem, waitStored } from './support/sync';
import { waitFor } from './support/wait-for';

// Each service is restarted the way an orchestrator rolls a deployment: a second instance runs beside the run's
// own, it is sent SIGTERM while a steady load (and a few slow requests, held by the emulator) goes through it,
// and a replacement starts. SIGTERM must end in exit code 0 within SHUTDOWN_GRACE_SECONDS, with every request
// answered and every message handled: the requests in flight finish on the instance being stopped, the
// broker hands the rest to the other instance. No 5xx is allowed at all: nothing here is retried.

const GRACE_SECONDS = 10;
const EXTRA = { SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS) };
const t = (): ReturnType<typeof topology> => topology(runInfo().queuePrefix);

// Queue -> [messages ready, unacked] of this run's queues.
function queues(): Map<string, number[]> {
  const out = execFileSync(
    'rabbitmqctl',
    ['-q', 'list_queues', 'name', 'messages_ready', 'messages_unacknowledged'],
    { encoding: 'utf8' },
  );
  return new Map(
    out
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols.length === 3 && cols[0].startsWith(runInfo().queuePrefix))
      .map(([name, ...counts]) => [name, counts.map(Number)]),
  );
}

// From list_consumers: list_queues reports 0 consumers for a quorum queue on RabbitMQ 3.10.
function consumers(queue: string): number {
  const out = execFileSync('rabbitmqctl', ['-q', 'list_consumers', 'queue_name'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() === queue).length;
}

// Requests in a loop (two at a time) until stopped; every answer's status, and any failure to get one.
class Load {
  readonly statuses: number[] = [];
  readonly failures: string[] = [];
  private running = true;
  private readonly done: Promise<unknown>;

  constructor(request: () => Promise<number>) {
    const worker = async (): Promise<void> => {
      while (this.running) {
        try {
          this.statuses.push(await request());
        } catch (err) {
          this.failures.push(String(err));
        }
      }
    };
    this.done = Promise.all([worker(), worker()]);
  }

  async stop(): Promise<{ statuses: number[]; failures: string[] }> {
    this.running = false;
    await this.done;
    return { statuses: this.statuses, failures: this.failures };
  }
}

function expectAllAnswered(load: { statuses: number[]; failures: string[] }, status = 200): void {
  expect(load.failures).toEqual([]);
  expect(load.statuses.filter((s) => s !== status)).toEqual([]);
  expect(load.statuses.length).toBeGreaterThan(5);
}

// SIGTERM, and how it ended: exit code 0 before the grace period is over.
async function terminate(proc: ServiceProcess): Promise<void> {
  const started = Date.now();
  await proc.stop((GRACE_SECONDS + 5) * 1000);
  expect({ code: proc.exitCode, signal: proc.signalCode }).toEqual({ code: 0, signal: null });
  expect(Date.now() - started).toBeLessThan(GRACE_SECONDS * 1000);
}

// Emulator answers on `endpoint` held for `delayMs` while `body` runs; resolves with the rule's hit count.
async function slowPlaid<T>(
  rule: { endpoint: string; item_id?: string },
  body: (hits: () => Promise<number>) => Promise<T>,
): Promise<T> {
  const { id } = await control<{ id: string }>('POST', '/failures', { ...rule, delay_ms: 1500 });
  const hits = async (): Promise<number> =>
    (await control<any[]>('GET', '/failures')).find((r) => r.id === id)?.hits ?? 0;
  try {
    return await body(hits);
  } finally {
    await control('DELETE', `/failures/${id}`);
  }
}

// A service instance beside the run's own, consuming its RPC queue.
async function extraService(name: string, rpcQueue: string): Promise<ServiceProcess> {
  const before = consumers(rpcQueue);
  const proc = startExtra(name, { HTTP_PORT: '0', ...EXTRA });
  await waitFor(() => consumers(rpcQueue) > before, { what: `${name} extra consuming`, timeoutMs: 30_000 });
  return proc;
}

let user: LoggedInUser;

beforeAll(async () => {
  user = await signupAndLogin(new Api(), 'rolling');
});

describe('rolling restart under load', () => {
  it('gateway: readiness and the listener go first, requests in flight finish, exit 0', async () => {
    const port = await freePort();
    const extra = startExtra('gateway-0', { PORT: String(port), ...EXTRA });
    const onExtra = new Api(`http://127.0.0.1:${port}`);
    try {
      await waitFor(async () => (await onExtra.get('/health/ready')).status === 200, {
        what: 'extra gateway ready',
        timeoutMs: 30_000,
      });
      // The load balancer's view: the surviving gateway takes the steady load throughout.
      const load = new Load(async () => (await user.api.get('/v1/items', user.accessToken)).status);
      const inFlight = await slowPlaid({ endpoint: '/link/token/create' }, async (hits) => {
        const requests = [1, 2, 3].map(() => onExtra.post('/v1/plaid/link-token', {}, user.accessToken));
        await waitFor(async () => (await hits()) >= 3, { what: 'the slow requests at Plaid' });
        await terminate(extra);
        return Promise.all(requests);
      });
      expect(inFlight.map((r) => r.status)).toEqual([200, 200, 200]);
      expectAllAnswered(await load.stop());
      // After it: refused connections (a load balancer sends elsewhere), never a half answer.
      await expect(onExtra.get('/health/live')).rejects.toThrow();
    } finally {
      await extra.kill();
    }
    const replacement = startExtra('gateway-0', { PORT: String(port), ...EXTRA });
    try {
      await waitFor(async () => (await onExtra.get('/health/ready')).status === 200, {
        what: 'replacement gateway ready',
        timeoutMs: 30_000,
      });
      expect((await onExtra.get('/v1/items', user.accessToken)).status).toBe(200);
      await terminate(replacement);
    } finally {
      await replacement.kill();
    }
  });

  it('auth: consumers cancelled first, RPCs in hand answered, exit 0, nothing refused', async () => {
    const extra = await extraService('auth', t().authRpc);
    try {
      const load = new Load(async () => (await user.api.get('/v1/auth/me', user.accessToken)).status);
      await waitFor(() => load.statuses.length > 20, { what: 'load running' });
      await terminate(extra);
      const replacement = await extraService('auth', t().authRpc);
      await waitFor(() => load.statuses.length > 60, { what: 'load on the replacement' });
      await terminate(replacement);
      expectAllAnswered(await load.stop());
    } finally {
      await extra.kill();
    }
  });

  it('plaid-link: slow RPCs held by the stopping instance are answered, exit 0', async () => {
    const extra = await extraService('plaid-link', t().linkRpc);
    try {
      const load = new Load(async () => (await user.api.get('/v1/items', user.accessToken)).status);
      const slow = await slowPlaid({ endpoint: '/link/token/create' }, async (hits) => {
        // Round robin over two consumers: some of these are in the stopping instance's hands.
        const requests = [1, 2, 3, 4].map(() => user.api.post('/v1/plaid/link-token', {}, user.accessToken));
        await waitFor(async () => (await hits()) >= 4, { what: 'the slow requests at Plaid' });
        await terminate(extra);
        return Promise.all(requests);
      });
      expect(slow.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const replacement = await extraService('plaid-link', t().linkRpc);
      await waitFor(() => load.statuses.length > 40, { what: 'load on the replacement' });
      await terminate(replacement);
      expectAllAnswered(await load.stop());
    } finally {
      await extra.kill();
    }
  });

  it('sync-worker: syncs in hand finish, signed webhooks are all applied, nothing unacked or dead', async () => {
    const syncQueue = t().events.sync;
    const deadQueue = deadLetterQueueName(syncQueue);
    const deadBefore = queues().get(deadQueue)?.[0] ?? 0;
    const item = await syncedItem(user, 'ins_109508');
    // Other suites of the run start and stop workers too: count from what consumes now.
    const before = consumers(syncQueue);
    const extra = startExtra('sync-worker', { HTTP_PORT: '0', ...EXTRA });
    try {
      await waitFor(() => consumers(syncQueue) > before, {
        what: 'extra worker consuming',
        timeoutMs: 30_000,
      });
      const load = new Load(
        async () => (await user.api.get(`/v1/transactions?itemId=${item.id}`, user.accessToken)).status,
      );
      const added: string[] = [];
      await slowPlaid({ endpoint: '/transactions/sync', item_id: item.plaidId }, async (hits) => {
        // Signed SYNC_UPDATES_AVAILABLE webhooks from the emulator to the gateway, each after new transactions.
        for (let i = 0; i < 4; i++) {
          const change = await control<{ added: string[] }>(
            'POST',
            `/items/${item.plaidId}/transactions/mutate`,
            { add: 1, webhook: true },
          );
          added.push(...change.added);
          // The rest land while the first sync is held at Plaid: they make a follow-up run, not one run for all.
          if (i === 0) await waitFor(async () => (await hits()) >= 1, { what: 'the first sync in progress' });
        }
        await waitFor(async () => (await hits()) >= 2, { what: 'syncs in progress' });
        await terminate(extra);
      });
      const replacement = startExtra('sync-worker', { HTTP_PORT: '0', ...EXTRA });
      try {
        await waitFor(() => consumers(syncQueue) > before, {
          what: 'replacement consuming',
          timeoutMs: 30_000,
        });
        const change = await control<{ added: string[] }>(
          'POST',
          `/items/${item.plaidId}/transactions/mutate`,
          { add: 1, webhook: true },
        );
        added.push(...change.added);
        await waitStored(item.id, added, 'every webhook applied', 30_000);
        await waitFor(
          () => {
            const [ready, unacked] = queues().get(syncQueue) ?? [0, 0];
            return ready === 0 && unacked === 0;
          },
          { what: 'the sync queue empty and nothing unacked' },
        );
        expect(queues().get(deadQueue)?.[0] ?? 0).toBe(deadBefore);
        expect((await storedTransactionIds(item.id)).size).toBeGreaterThanOrEqual(added.length);
        await terminate(replacement);
      } finally {
        await replacement.kill();
      }
      expectAllAnswered(await load.stop());
    } finally {
      await extra.kill();
    }
  });
});
