import { execFileSync } from 'node:child_process';
import amqp from 'amqplib';
import { Api, type LoggedInUser, runInfo, signupAndLogin, startExtra } from './support/api';
import { closeBrokerConnections } from './support/broker-faults';
import { db } from './support/db';
import { link, plaidItemId, waitHealthy } from './support/linking';
import { control, sandboxPublicToken } from './support/sandbox';
import {
  quiescent,
  storedTransactionIds,
  syncCalls,
  syncedItem,
  transactionCount,
  waitStored,
} from './support/sync';
import { waitFor } from './support/wait-for';

function deadLetters(command: 'list' | 'redrive'): any[] {
  const out = execFileSync(process.execPath, ['scripts/dead-letters.mjs', command, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, RABBITMQ_URL: runInfo().rabbitmqUrl, QUEUE_PREFIX: runInfo().queuePrefix },
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function itemStatus(user: LoggedInUser, itemId: string): Promise<any> {
  return (await user.api.get(`/v1/items/${itemId}`, user.accessToken)).body;
}

describe('failure recovery', () => {
  let user: LoggedInUser;

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'faults');
  });

  it('retries a failing sync with backoff, dead-letters it past the cap, shows the error, and re-drives it', async () => {
    const item = await syncedItem(user, 'ins_109508');
    const { plaidId } = item;
    const before = await syncCalls(plaidId);
    const rule = await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: plaidId,
      http_status: 500,
    });
    let change: any;
    try {
      change = await control('POST', `/items/${plaidId}/transactions/mutate`, { add: 2, webhook: true });
      const failed = await waitFor(
        async () => {
          const body = await itemStatus(user, item.id);
          return body.status === 'error' ? body : undefined;
        },
        { what: 'the item to show the failure', timeoutMs: 30_000 },
      );
      expect(failed.error.code).toBe('INTERNAL_SERVER_ERROR');
      // EVENT_MAX_ATTEMPTS is 4 in this run: four calls, then the dead-letter queue.
      expect(await syncCalls(plaidId)).toBe(before + 4);
      const dead = await waitFor(
        () =>
          deadLetters('list').find(
            (d) => d.pattern === 'plaid.webhook.transactions.v1' && /INTERNAL_SERVER_ERROR/.test(d.reason),
          ),
        { what: 'the dead letter' },
      );
      expect(dead.attempts).toBe(4);
    } finally {
      await control('DELETE', `/failures/${rule.id}`);
    }
    const redriven = deadLetters('redrive');
    expect(redriven.length).toBeGreaterThanOrEqual(1);
    await waitFor(
      async () => {
        const ids = new Set(
          (await db('SELECT plaid_transaction_id FROM sync.transactions WHERE item_id = $1', [item.id])).map(
            (r: any) => r.plaid_transaction_id,
          ),
        );
        return (
          change.added.every((id: string) => ids.has(id)) &&
          (await itemStatus(user, item.id)).status === 'healthy'
        );
      },
      { what: 'the re-driven sync to succeed' },
    );
    // A second re-drive finds nothing to do and changes nothing.
    expect(deadLetters('redrive').filter((d) => d.queue.endsWith('sync.events.dead'))).toEqual([]);
    const counts = await transactionCount(item.id);
    expect(counts.n).toBe(counts.distinct);
    expect(counts.n).toBe((await control('GET', `/items/${plaidId}`)).transaction_count);
  });

  it('stops at once on an item error that needs the user (no retries)', async () => {
    const item = await syncedItem(user, 'ins_109509');
    const { plaidId } = item;
    const before = await syncCalls(plaidId);
    const rule = await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: plaidId,
      http_status: 400,
      error_type: 'ITEM_ERROR',
      error_code: 'ITEM_LOGIN_REQUIRED',
    });
    try {
      await control('POST', `/items/${plaidId}/transactions/mutate`, { add: 1, webhook: true });
      const body = await waitFor(
        async () => {
          const b = await itemStatus(user, item.id);
          return b.status === 'login_required' ? b : undefined;
        },
        { what: 'login_required' },
      );
      expect(body.error.code).toBe('ITEM_LOGIN_REQUIRED');
      await quiescent(plaidId);
      expect(await syncCalls(plaidId)).toBe(before + 1);
    } finally {
      await control('DELETE', `/failures/${rule.id}`);
    }
    // Repaired (the user went through update mode): the next sync clears the status.
    expect((await user.api.post(`/v1/items/${item.id}/sync`, undefined, user.accessToken)).status).toBe(202);
    await waitHealthy(user, item.id);
  });

  // Puts a message on this run's sync.events queue as a producer would, marked by its request id.
  async function publishToSyncEvents(pattern: string, data: object, marker: string): Promise<void> {
    const connection = await amqp.connect(runInfo().rabbitmqUrl);
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(
      `${runInfo().queuePrefix}sync.events`,
      Buffer.from(JSON.stringify({ pattern, data })),
      {
        persistent: true,
        headers: { 'x-request-id': marker },
      },
    );
    await channel.waitForConfirms();
    await connection.close();
  }

  it('sends a message that fails validation straight to the dead-letter queue', async () => {
    const marker = `bad-${Date.now()}`;
    await publishToSyncEvents(
      'sync.item.sync-requested.v1',
      { itemId: 'not-a-uuid', reason: marker },
      marker,
    );
    const dead = await waitFor(() => deadLetters('list').find((d) => d.requestId === marker), {
      what: 'the invalid message in the DLQ',
    });
    expect(dead.attempts).toBe(1);
    expect(dead.reason).toMatch(/VALIDATION_FAILED/);
    deadLetters('redrive');
  });

  it('dead-letters an event whose pattern no handler knows (a newer producer) instead of dropping it', async () => {
    const marker = `unknown-${Date.now()}`;
    await publishToSyncEvents('sync.item.from-a-later-release.v9', { itemId: marker }, marker);
    const dead = await waitFor(() => deadLetters('list').find((d) => d.requestId === marker), {
      what: 'the unknown event in the DLQ',
    });
    expect(dead.reason).toMatch(/NO_HANDLER/);
    expect(dead.pattern).toBe('sync.item.from-a-later-release.v9');
  });

  it('recovers when the broker drops every connection in the middle of a sync, without losing or doubling rows', async () => {
    const item = await syncedItem(user, 'ins_109510');
    const { plaidId } = item;
    const before = await syncCalls(plaidId);
    const rule = await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: plaidId,
      delay_ms: 1500,
      times: 1,
    });
    const change = await control('POST', `/items/${plaidId}/transactions/mutate`, {
      add: 3,
      remove: 1,
      webhook: true,
    });
    await waitFor(async () => (await syncCalls(plaidId)) > before, { what: 'the sync to be in flight' });
    expect(
      closeBrokerConnections(
        Object.values(runInfo().services).flatMap((s) => (s.pid ? [s.pid] : [])),
        'e2e fault injection',
      ),
    ).toBeGreaterThan(0);
    try {
      await waitFor(
        async () => {
          const ids = await storedTransactionIds(item.id);
          return (
            change.added.every((id: string) => ids.has(id)) &&
            change.removed.every((id: string) => !ids.has(id))
          );
        },
        { what: 'the sync to complete after reconnecting', timeoutMs: 45_000 },
      );
    } finally {
      await control('DELETE', `/failures/${rule.id}`).catch(() => undefined);
    }
    const counts = await transactionCount(item.id);
    expect(counts.n).toBe(counts.distinct);
    expect(counts.n).toBe((await control('GET', `/items/${plaidId}`)).transaction_count);
    // The request path is back too: gateway → broker → services.
    await waitFor(async () => (await new Api().get('/health/ready')).status === 200, {
      what: 'ready again',
      timeoutMs: 30_000,
    });
    const another = await link(user, { institutionId: 'ins_109511' });
    await waitHealthy(user, another.id);
  });

  it('recovers when Postgres kills every service connection', async () => {
    const item = await syncedItem(user, 'ins_109512');
    const { plaidId } = item;
    const rule = await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: plaidId,
      delay_ms: 1000,
      times: 1,
    });
    const change = await control('POST', `/items/${plaidId}/transactions/mutate`, { add: 2, webhook: true });
    await new Promise((r) => setTimeout(r, 300));
    const [{ killed }] = await db<{ killed: string }>(
      `SELECT count(pg_terminate_backend(pid)) AS killed FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    expect(Number(killed)).toBeGreaterThan(0);
    try {
      await waitStored(item.id, change.added, 'the sync to complete after the database came back', 45_000);
    } finally {
      await control('DELETE', `/failures/${rule.id}`).catch(() => undefined);
    }
    await waitFor(async () => (await new Api().get('/health/ready')).status === 200, {
      what: 'ready again',
      timeoutMs: 30_000,
    });
    const me = await user.api.get('/v1/auth/me', user.accessToken);
    expect(me.status).toBe(200);
    const counts = await transactionCount(item.id);
    expect(counts.n).toBe(counts.distinct);
  });
});

describe('broker restart', () => {
  it('answers 503 (not a hang) while the broker is down, then every service recovers and nothing accepted is lost', async () => {
    const user = await signupAndLogin(new Api(), 'restart');
    const item = await syncedItem(user, 'ins_109508');
    const { plaidId } = item;
    const api = new Api();
    execFileSync('rabbitmqctl', ['-q', 'stop_app'], { stdio: 'ignore' });
    let change: any;
    try {
      const started = Date.now();
      const during = await api.post('/v1/auth/login', { email: user.email, password: user.password });
      expect([503, 504]).toContain(during.status);
      expect(Date.now() - started).toBeLessThan(10_000);
      // A webhook Plaid sends now cannot be queued: 503, so Plaid retries it later.
      const body = JSON.stringify({
        webhook_type: 'TRANSACTIONS',
        webhook_code: 'SYNC_UPDATES_AVAILABLE',
        item_id: plaidId,
      });
      const { plaidVerification } = await control('POST', '/sign', { body });
      const refused = await api.request('POST', '/v1/webhooks/plaid', {
        rawBody: body,
        headers: { 'plaid-verification': plaidVerification },
      });
      expect(refused.status).toBe(503);
      // The emulator's data changes while the broker is down; its own webhook delivery fails and is retried.
      change = await control('POST', `/items/${plaidId}/transactions/mutate`, { add: 2, webhook: false });
    } finally {
      execFileSync('rabbitmqctl', ['-q', 'start_app'], { stdio: 'ignore' });
    }
    await waitFor(async () => (await api.get('/health/ready')).status === 200, {
      what: 'ready after the restart',
      timeoutMs: 60_000,
    });
    // Plaid's retry of the webhook, now accepted, is processed.
    const body = JSON.stringify({
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: plaidId,
    });
    const { plaidVerification } = await control('POST', '/sign', { body });
    await waitFor(
      async () =>
        (
          await api.request('POST', '/v1/webhooks/plaid', {
            rawBody: body,
            headers: { 'plaid-verification': plaidVerification },
          })
        ).status === 200,
      { what: 'the webhook to be accepted again', timeoutMs: 30_000 },
    );
    await waitStored(item.id, change.added, 'the sync after the restart', 30_000);
    expect((await api.post('/v1/auth/login', { email: user.email, password: user.password })).status).toBe(
      200,
    );
  });
});

describe('graceful shutdown', () => {
  it('a service given SIGTERM stops consuming, closes its connections and exits, and its queue is served on', async () => {
    const user = await signupAndLogin(new Api(), 'sigterm');
    // Counted from what consumes now: other suites of the run start and stop workers too.
    const consumers = (): number =>
      execFileSync('rabbitmqctl', ['-q', 'list_consumers'], { encoding: 'utf8' }).split(
        `${runInfo().queuePrefix}sync.events`,
      ).length;
    const before = consumers();
    const worker = startExtra('sync-worker', { HTTP_PORT: '0' });
    await waitFor(() => consumers() > before, {
      what: 'the extra worker to consume',
    });
    const started = Date.now();
    await worker.stop(15_000);
    // A clean exit is code 0 (not a re-raised SIGTERM, not SIGKILL): the orchestrator reads it as a success.
    expect({ code: worker.exitCode, signal: worker.signalCode }).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(15_000);
    // The run's own worker keeps serving the queue.
    const item = await link(user, { institutionId: 'ins_109508' });
    await waitHealthy(user, item.id);
  });
});

describe('Plaid failures on the request path', () => {
  let user: LoggedInUser;

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'plaid-down');
  });

  it('answers 503 with Retry-After and the Plaid fields when Plaid fails', async () => {
    const rule = await control('POST', '/failures', {
      endpoint: '/link/token/create',
      http_status: 500,
      times: 1,
    });
    try {
      const res = await user.api.post('/v1/plaid/link-token', {}, user.accessToken);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('INTERNAL_SERVER_ERROR');
      expect(res.body.plaid).toEqual(
        expect.objectContaining({ errorType: 'API_ERROR', errorCode: 'INTERNAL_SERVER_ERROR' }),
      );
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toMatch(/error_message/);
    } finally {
      await control('DELETE', `/failures/${rule.id}`).catch(() => undefined);
    }
  });

  it('answers a clean 504 when Plaid is too slow, and a retry of the exchange then finds the item', async () => {
    const publicToken = await sandboxPublicToken({ institutionId: 'ins_130016' });
    const rule = await control('POST', '/failures', {
      endpoint: '/item/public_token/exchange',
      delay_ms: 7000,
      times: 1,
    });
    try {
      const slow = await user.api.post('/v1/plaid/exchange', { publicToken }, user.accessToken);
      expect(slow.status).toBe(504);
      expect(slow.body.code).toBe('GATEWAY_TIMEOUT');
    } finally {
      await control('DELETE', `/failures/${rule.id}`).catch(() => undefined);
    }
    // The exchange finished behind the timeout: retrying with the same token returns that item, once.
    const retried = await waitFor(
      async () => {
        const res = await user.api.post('/v1/plaid/exchange', { publicToken }, user.accessToken);
        return res.status === 202 ? res : undefined;
      },
      { what: 'the retried exchange to find the item', timeoutMs: 20_000 },
    );
    const items = (await user.api.get('/v1/items', user.accessToken)).body.data.filter(
      (i: any) => i.institutionId === 'ins_130016',
    );
    expect(items.map((i: any) => i.id)).toEqual([retried.body.item.id]);
    await waitHealthy(user, retried.body.item.id);
  });

  it('pauses every item of an institution that is down instead of retrying each against it', async () => {
    const a = await link(user, { institutionId: 'ins_132363', username: 'user_a' });
    const b = await link(user, { institutionId: 'ins_132363', username: 'user_b' });
    await waitHealthy(user, a.id);
    await waitHealthy(user, b.id);
    const [pa, pb] = [await plaidItemId(a.id), await plaidItemId(b.id)];
    await quiescent(pa);
    await quiescent(pb);
    const rule = await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: pa,
      http_status: 400,
      error_type: 'INSTITUTION_ERROR',
      error_code: 'INSTITUTION_DOWN',
    });
    try {
      const callsA = await syncCalls(pa);
      await control('POST', `/items/${pa}/transactions/mutate`, { add: 1, webhook: true });
      await waitFor(async () => (await syncCalls(pa)) > callsA, { what: 'the failing call for item A' });
      const [paused] = await db('SELECT paused_until FROM sync.institutions WHERE institution_id = $1', [
        'ins_132363',
      ]);
      expect(new Date(paused.paused_until).getTime()).toBeGreaterThan(Date.now());
      const callsB = await syncCalls(pb);
      const change = await control('POST', `/items/${pb}/transactions/mutate`, { add: 1, webhook: true });
      // While paused, B is not synced; once the pause (4 s in this run) is over, its retry goes through.
      await waitStored(b.id, change.added, 'item B synced after the pause', 30_000);
      const [{ synced_after }] = await db(
        'SELECT last_synced_at > $2::timestamptz AS synced_after FROM sync.items WHERE item_id = $1',
        [b.id, paused.paused_until],
      );
      expect(synced_after).toBe(true);
      expect(await syncCalls(pb)).toBe(callsB + 1);
    } finally {
      await control('DELETE', `/failures/${rule.id}`).catch(() => undefined);
    }
  });
});
