// GET /v1/export at 100,000 transactions: time to the first byte, total time and size, and how far each process's
// resident memory rose above its level before the export (an upper bound of its heap growth). The rows are written
// straight into sync.transactions (one INSERT … SELECT generate_series) under one linked item, so the phase
// measures the export, not the sync. Run alone: `node bench/lib/export.mjs` (needs `npm run build`).
import { request } from 'node:http';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { PhaseSampler, rssMb } from './metrics.mjs';
import { BenchSystem, sleep } from './system.mjs';

const log = (msg) =>
  process.stdout.write(`[bench export ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function call(method, url, { body, token } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

// A user with one linked (and synced) item, and `count` transactions added under its first account.
async function seedUser(sys, db, count) {
  const email = `bench-export-${Date.now().toString(36)}@example.com`;
  const password = 'bench-password-0123456789';
  await call('POST', `${sys.gatewayUrl}/v1/auth/signup`, { body: { email, password } });
  const { accessToken: token } = await call('POST', `${sys.gatewayUrl}/v1/auth/login`, {
    body: { email, password },
  });
  const { public_token: publicToken } = await call('POST', `${sys.sandboxUrl}/sandbox/public_token/create`, {
    body: {
      client_id: sys.clientId,
      secret: sys.secret,
      institution_id: 'ins_109508',
      initial_products: ['transactions'],
      options: { webhook: sys.webhookUrl },
    },
  });
  const { item } = await call('POST', `${sys.gatewayUrl}/v1/plaid/exchange`, {
    body: { publicToken },
    token,
  });
  for (;;) {
    const got = await call('GET', `${sys.gatewayUrl}/v1/items/${item.id}`, { token });
    if (got.lastSyncedAt) break;
    await sleep(250);
  }
  const { rows } = await db.query(`SELECT id, user_id FROM sync.accounts WHERE item_id = $1 LIMIT 1`, [
    item.id,
  ]);
  const [{ id: accountId, user_id: userId }] = rows;
  await db.query(
    `INSERT INTO sync.transactions (plaid_transaction_id, item_id, user_id, account_id, amount, iso_currency_code,
                                    date, name, merchant_name, pending, category_primary, category_detailed)
     SELECT 'bench-export-' || g, $1, $2, $3, round((random() * 200)::numeric, 2), 'USD',
            DATE '2026-11-01' - (g % 1500), 'Bench purchase ' || g, 'Bench Merchant', false,
            'GENERAL_MERCHANDISE', 'GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE'
       FROM generate_series(1, $4) AS g`,
    [item.id, userId, accountId, count],
  );
  const { rows: n } = await db.query(`SELECT count(*)::int AS n FROM sync.transactions WHERE user_id = $1`, [
    userId,
  ]);
  return { token, transactions: n[0].n };
}

// Reads the whole export, discarding it; answers when the first byte and the last arrived and the size.
function download(url, token) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let firstByteMs = null;
    let bytes = 0;
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`${url}: ${res.statusCode}`));
        return;
      }
      res.on('data', (chunk) => {
        firstByteMs ??= performance.now() - t0;
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ firstByteMs, totalMs: performance.now() - t0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function exportBench(sys, db, { transactions = 100_000 } = {}) {
  log(`seeding a user with ${transactions} transactions`);
  const user = await seedUser(sys, db, transactions);
  const results = [];
  for (const format of ['json', 'csv']) {
    const pids = sys.pids();
    const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMb(pid)]));
    const sampler = new PhaseSampler(pids, 100);
    const got = await download(`${sys.gatewayUrl}/v1/export?format=${format}`, user.token);
    const phase = sampler.stop();
    const rssGrowthMb = Object.fromEntries(
      Object.entries(phase.maxRssMb ?? sampler.maxRss).map(([name, max]) => [
        name,
        Math.round((max - (before[name] ?? max)) * 10) / 10,
      ]),
    );
    const result = {
      format,
      transactions: user.transactions,
      firstByteMs: Math.round(got.firstByteMs),
      totalMs: Math.round(got.totalMs),
      megabytes: Math.round((got.bytes / 1e6) * 10) / 10,
      rssGrowthMb,
    };
    log(JSON.stringify(result));
    results.push(result);
  }
  return results;
}

// Alone: a system of its own, the phase, clean-up.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sys = new BenchSystem({ sandboxTransactions: 50 });
  const db = new pg.Client({ connectionString: sys.databaseUrl });
  try {
    await sys.start();
    await db.connect();
    const results = await exportBench(sys, db, {
      transactions: Number(process.env.BENCH_EXPORT_TRANSACTIONS ?? 100_000),
    });
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await db.end().catch(() => undefined);
    await sys.stop();
  }
}
