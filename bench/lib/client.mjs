// What the benches do as a user would: HTTP calls with the error body in the message, autocannon runs, polling,
// signing up, and linking an item whose first sync is timed (shared by bench/run.mjs and bench/growth.mjs).
import autocannon from 'autocannon';
import { PhaseSampler } from './metrics.mjs';
import { sleep } from './system.mjs';

export async function http(method, url, { body, token, headers = {} } = {}) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

export async function expectStatus(promise, status, what) {
  const res = await promise;
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// With `amount`, autocannon notices the last answer only at its next one-second sample, so its duration is
// rounded up to whole seconds (2,000 webhooks in 2.1 s read as 3 s): the time of the last answer is kept too.
export function cannon(options) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let last = t0;
    const instance = autocannon(options, (err, result) =>
      err ? reject(err) : resolve(options.amount ? { ...result, activeSeconds: (last - t0) / 1000 } : result),
    );
    instance.on('response', () => {
      last = performance.now();
    });
  });
}

export function summarize(r) {
  const ok = r['2xx'];
  const seconds = r.activeSeconds > 0 ? r.activeSeconds : r.duration;
  return {
    rps: ok / seconds,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    seconds,
  };
}

export async function pollUntil(fn, { timeoutMs, intervalMs = 100, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

const BENCH_PASSWORD = 'bench-password-0123456789';

export async function login(sys, email) {
  const r = await expectStatus(
    http('POST', `${sys.gatewayUrl}/v1/auth/login`, { body: { email, password: BENCH_PASSWORD } }),
    200,
    'login',
  );
  return r.accessToken;
}

export async function signupAndLogin(sys, email = `bench-${Date.now().toString(36)}@example.com`) {
  await expectStatus(
    http('POST', `${sys.gatewayUrl}/v1/auth/signup`, { body: { email, password: BENCH_PASSWORD } }),
    201,
    'signup',
  );
  return login(sys, email);
}

export async function syncIngest(sys, db, token) {
  const { public_token: publicToken } = await expectStatus(
    http('POST', `${sys.sandboxUrl}/sandbox/public_token/create`, {
      body: {
        client_id: sys.clientId,
        secret: sys.secret,
        institution_id: 'ins_109508',
        initial_products: ['transactions'],
        options: { webhook: sys.webhookUrl },
      },
    }),
    200,
    'sandbox public token',
  );
  const sampler = new PhaseSampler({ ...sys.pids(), bench: process.pid });
  const t0 = performance.now();
  const wall0 = new Date();
  const exchanged = await expectStatus(
    http('POST', `${sys.gatewayUrl}/v1/plaid/exchange`, { body: { publicToken }, token }),
    202,
    'exchange',
  );
  const itemId = exchanged.item.id;
  const { rows } = await db.query('SELECT plaid_item_id, user_id FROM link.items WHERE id = $1', [itemId]);
  const plaidItemId = rows[0].plaid_item_id;
  const summary = await expectStatus(
    http('GET', `${sys.sandboxUrl}/sandbox-control/items/${plaidItemId}`),
    200,
    'emulator item summary',
  );
  const expected = summary.transaction_count;
  // The last page commits the rows and last_synced_at together: once it is set, every row is queryable.
  const item = await pollUntil(
    async () => {
      const r = await db.query('SELECT created_at, last_synced_at FROM sync.items WHERE item_id = $1', [
        itemId,
      ]);
      return r.rows[0]?.last_synced_at ? r.rows[0] : null;
    },
    { timeoutMs: 30 * 60_000, intervalMs: 50, what: 'the first sync to finish' },
  );
  const endToEnd = (performance.now() - t0) / 1000;
  const phase = sampler.stop();
  const stats = (
    await db.query(
      `SELECT count(*)::int AS n, min(updated_at) AS first_write, max(updated_at) AS last_write
         FROM sync.transactions WHERE item_id = $1`,
      [itemId],
    )
  ).rows[0];
  if (stats.n !== expected)
    throw new Error(`ingest: ${stats.n} rows in sync.transactions, emulator has ${expected}`);
  const jobSeconds = (item.last_synced_at - item.created_at) / 1000;
  const writeSeconds = (item.last_synced_at - stats.first_write) / 1000;
  return {
    itemId,
    plaidItemId,
    userId: rows[0].user_id,
    rows: stats.n,
    endToEndSeconds: endToEnd,
    jobSeconds,
    toJobStartSeconds: (item.created_at - wall0) / 1000,
    firstPageToLastSeconds: writeSeconds,
    txPerSecond: stats.n / jobSeconds,
    txPerSecondEndToEnd: stats.n / endToEnd,
    phase,
  };
}
