#!/usr/bin/env node
// Benchmarks of the running system (issue #6): sync ingest, read API, webhook intake, memory — each next to a
// ceiling measured in the same run on the same machine. Talks to the system only as a user would: HTTP, AMQP, SQL.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import amqp from 'amqplib';
import pg from 'pg';
import {
  cannon,
  expectStatus,
  http,
  pollUntil,
  signupAndLogin,
  summarize,
  syncIngest,
} from './lib/client.mjs';
import { feedBench } from './lib/feed.mjs';
import { fetchEmulatorTransactions, ingestCeiling } from './lib/ingest-ceiling.mjs';
import { PhaseSampler } from './lib/metrics.mjs';
import { openLoop } from './lib/open-loop.mjs';
import { transactionsListParams, transactionsListSql } from './lib/list-sql.mjs';
import { prepareAbTree, treeInfo } from './lib/ab.mjs';
import { profileTable } from './lib/profile-report.mjs';
import { renderConsole, writePerformanceDoc } from './lib/report.mjs';
import { BenchSystem, RABBITMQ_URL, ROOT, freePort, sleep } from './lib/system.mjs';

// The heap limits docker-compose.yml gives the services (keep the two in step).
const SERVICE_NODE_OPTIONS = '--max-old-space-size=128 --max-semi-space-size=16';

const USAGE = `usage: npm run build && node bench/run.mjs [options]   (npm run bench)

Starts the built apps (dist/apps/*/main.js; this script builds nothing of this tree) against a database bench_<id> and a
queue prefix of their own on TEST_DATABASE_URL / TEST_RABBITMQ_URL (or BENCH_DATABASE_URL / BENCH_RABBITMQ_URL), runs
the benchmarks, tears everything down, prints a table and rewrites the generated part of docs/PERFORMANCE.md.

  --quick             the same phases and ratios at smaller sizes, under 2 minutes (defaults below in brackets);
                      the table is marked quick and docs/PERFORMANCE.md is not written unless --out is given
  --ab REF            A/B in one run: builds the git ref REF in a work tree of its own (<tmp>/bench-ab/<folder>/<sha>
                      or $BENCH_AB_DIR/<sha>, kept for the next run), starts it beside this tree (own database, queue prefix and broker users; one
                      shared emulator) and runs every phase for both, alternating, then reports both sides, each
                      side's ratio to the same ceiling and the difference with its spread across rounds
  --ab-rounds N       rounds of an --ab run (default 2; round 1 runs A then B, round 2 B then A, …)
  --sync-size N       transactions of the bench item in the emulator (default 100000 [10000])
  --duration S        seconds of each read-API load (default 10 [3])
  --connections N     autocannon connections, read API and webhooks (default 50)
  --webhooks N        signed webhooks per intake run (default 20000 [2000])
  --warmup S          seconds of unrecorded load before each read run (default 5 [1]: JIT and caches settle first)
  --open-rate N       requests/s of the open-loop read run (default 300; below saturation), 0 to skip it
  --open-duration S   seconds of the open-loop read run (default 20 [5])
  --only LIST         comma list of sync,read,feed,webhook (default all; the ingest always runs: it makes the data)
  --feed-rounds N     commit → event rounds of the change-feed latency run (default 50 [10])
  --streams N         idle streams held by one gateway (default 1000 [200])
  --feed-idle S       seconds the idle streams are held (default 32, two keep-alive periods [10])
  --profile LIST      start these services with --cpu-prof (bench/results/profiles/<service>[.a|.b].cpuprofile) and
                      add "where each millisecond goes" per phase to the report; node bench/profile-summary.mjs FILE
                      digs into one profile
  --node-options=S    NODE_OPTIONS for our services (not the emulator); default: the production setting of
                      docker-compose.yml (SERVICE_NODE_OPTIONS below); --node-options= for Node's defaults
  --out FILE          report file (default docs/PERFORMANCE.md; absolute or relative to the repository);
                      --no-write to skip it
  --help`;

// Full run [quick run].
const SIZES = {
  'sync-size': ['100000', '10000'],
  duration: ['10', '3'],
  webhooks: ['20000', '2000'],
  warmup: ['5', '1'],
  'open-duration': ['20', '5'],
  'feed-rounds': ['50', '10'],
  streams: ['1000', '200'],
  'feed-idle': ['32', '10'],
};

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    ab: { type: 'string' },
    'ab-rounds': { type: 'string', default: '2' },
    ...Object.fromEntries(Object.keys(SIZES).map((k) => [k, { type: 'string' }])),
    connections: { type: 'string', default: '50' },
    'open-rate': { type: 'string', default: '300' },
    only: { type: 'string', default: 'sync,read,feed,webhook' },
    profile: { type: 'string', default: '' },
    'node-options': { type: 'string', default: SERVICE_NODE_OPTIONS },
    out: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const size = (name) => Number(args[name] ?? SIZES[name][args.quick ? 1 : 0]);

const opts = {
  quick: args.quick,
  syncSize: size('sync-size'),
  duration: size('duration'),
  connections: Number(args.connections),
  webhooks: size('webhooks'),
  warmup: size('warmup'),
  openRate: Number(args['open-rate']),
  openDuration: size('open-duration'),
  feedRounds: size('feed-rounds'),
  streams: size('streams'),
  feedIdle: size('feed-idle'),
  abRounds: args.ab ? Math.max(1, Number(args['ab-rounds'])) : 0,
  only: new Set(
    args.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
  profile: args.profile
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  nodeOptions: args['node-options'],
};
// A quick run prints; it writes a report only where told (its numbers never replace a full run's).
const outFile = args['no-write'] || (args.quick && !args.out) ? null : (args.out ?? 'docs/PERFORMANCE.md');

const log = (msg) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ---------------------------------------------------------------------------------------------------------------
// helpers

async function startChild(script, env) {
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'ceilings', script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout.on('data', (d) => {
      if (String(d).includes('listening')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return {
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

function machineInfo(db) {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  return {
    nproc: os.availableParallelism(),
    cpu,
    memoryGb: os.totalmem() / 1024 ** 3,
    kernel: os.release(),
    node: process.version,
    postgres: db.postgres,
    rabbitmq: db.rabbitmq,
    loadavgStart: os.loadavg(),
  };
}

async function serverVersions(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const postgres = (await client.query('SHOW server_version')).rows[0].server_version;
  const others = (await client.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'e2e_%'`))
    .rows[0].n;
  await client.end();
  const conn = await amqp.connect(RABBITMQ_URL);
  const rabbitmq = conn.connection.serverProperties?.version ?? 'unknown';
  await conn.close();
  return { postgres, rabbitmq, e2eDatabasesAtStart: others };
}

// ---------------------------------------------------------------------------------------------------------------
// phases

async function syncCeiling(sys, ingest) {
  log('ceiling: fetching the same number of rows from the emulator (outside the timing)');
  const fetched = await fetchEmulatorTransactions(sys.sandboxUrl, sys.clientId, sys.secret);
  log(
    `ceiling: fetched ${fetched.transactions.length} rows in ${fetched.fetchSeconds.toFixed(1)} s; writing`,
  );
  const sampler = new PhaseSampler({ ...sys.pids(), bench: process.pid });
  const result = await ingestCeiling(sys.databaseUrl, {
    itemId: ingest.itemId,
    userId: ingest.userId,
    transactions: fetched.transactions,
  });
  return {
    ...result,
    fetchSeconds: fetched.fetchSeconds,
    fetchedRows: fetched.transactions.length,
    phase: sampler.stop(),
  };
}

async function explain(sys, userId, scenario) {
  const sql = transactionsListSql();
  const client = new pg.Client({ connectionString: sys.databaseUrl, options: '-c search_path=sync' });
  await client.connect();
  try {
    const params = transactionsListParams(userId, scenario.query);
    await client.query(sql, params); // warm the cache like the load did
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}

// A side of the run: one system under test with its user's data ('A' = this tree; in --ab, 'B' = the ref).
// Each side's scenarios use its own user's cursors; the bare ceiling runs on side A's user.
async function readScenarios(side) {
  const { sys, token, ingest } = side;
  const first = await expectStatus(
    http('GET', `${sys.gatewayUrl}/v1/transactions?limit=50`, { token }),
    200,
    'first page',
  );
  // A cursor halfway into the history: keyset pagination should cost the same at any depth.
  const client = new pg.Client({ connectionString: sys.databaseUrl });
  await client.connect();
  const mid = (
    await client.query(
      `SELECT date::text AS date, id FROM sync.transactions WHERE user_id = $1
        ORDER BY date DESC, id DESC OFFSET $2 LIMIT 1`,
      [ingest.userId, Math.floor(ingest.rows / 2)],
    )
  ).rows[0];
  await client.end();
  const deep = Buffer.from(JSON.stringify([mid.date, mid.id])).toString('base64url');
  return [
    { name: 'limit=50', query: 'limit=50' },
    { name: 'filters (pending=false, minAmount=10)', query: 'limit=50&pending=false&minAmount=10' },
    { name: 'cursor (page 2)', query: `limit=50&cursor=${first.nextCursor}` },
    { name: 'cursor (middle of history)', query: `limit=50&cursor=${deep}` },
  ];
}

async function analyzeAndStalePlans(sys, userId, scenarios) {
  // Right after a large first sync the table has no (or stale) statistics until autovacuum analyzes it (up to a
  // minute or more): record the plans a user gets in that window, then ANALYZE so the loads below are repeatable.
  const stale = { lastAnalyze: null, plans: {} };
  const c = new pg.Client({ connectionString: sys.databaseUrl });
  await c.connect();
  try {
    stale.lastAnalyze = (
      await c.query(`SELECT coalesce(last_autoanalyze, last_analyze) AS at, n_mod_since_analyze::int AS modified
                       FROM pg_stat_user_tables WHERE schemaname = 'sync' AND relname = 'transactions'`)
    ).rows[0];
    for (const s of scenarios) stale.plans[s.name] = await explain(sys, userId, s);
    await c.query('ANALYZE sync.transactions');
  } finally {
    await c.end();
  }
  return stale;
}

async function loadRun(url, headers, pids) {
  if (opts.warmup > 0) await cannon({ url, headers, connections: opts.connections, duration: opts.warmup });
  const sampler = new PhaseSampler(pids);
  const r = await cannon({ url, headers, connections: opts.connections, duration: opts.duration });
  return { ...summarize(r), phase: sampler.stop() };
}

// Per side: { scenarios, openLoop, insights }; side A also { stale }. Each scenario runs every side in turn, then
// the ceiling, so the sides and the ceiling see the same box within seconds of each other.
async function readApi(sides) {
  const a = sides.find((side) => side.key === 'A');
  const out = new Map(sides.map((side) => [side, { scenarios: [] }]));
  const scenariosOf = new Map();
  for (const side of sides) scenariosOf.set(side, await readScenarios(side));
  for (const side of sides) {
    const stale = await analyzeAndStalePlans(side.sys, side.ingest.userId, scenariosOf.get(side));
    if (side.key === 'A') out.get(side).stale = stale;
  }

  const ceilingPort = await freePort();
  const ceiling = await startChild('read-server.mjs', {
    DATABASE_URL: a.sys.databaseUrl,
    PORT: String(ceilingPort),
    BENCH_USER_ID: a.ingest.userId,
    DB_POOL_SIZE: '10',
  });
  const ceilingUrl = `http://127.0.0.1:${ceilingPort}/v1/transactions`;
  try {
    for (let i = 0; i < scenariosOf.get(a).length; i++) {
      const results = new Map();
      for (const side of sides) {
        const scenario = scenariosOf.get(side)[i];
        const check = await http('GET', `${side.sys.gatewayUrl}/v1/transactions?${scenario.query}`, {
          token: side.token,
        });
        if (check.status !== 200 || check.body.data.length !== 50) {
          throw new Error(`read ${scenario.name} (${side.key}): ${check.status}, not a full page`);
        }
        // This tree must answer exactly what its own statement, run bare, answers (an --ab base tree may differ).
        if (side.key === 'A') {
          const ceil = await http('GET', `${ceilingUrl}?${scenario.query}`);
          if (JSON.stringify(check.body) !== JSON.stringify(ceil.body)) {
            throw new Error(
              `read ${scenario.name}: gateway and ceiling disagree (${check.status}, ${ceil.status})`,
            );
          }
        }
        log(`read: ${scenario.name} through the gateway${sideTag(side)}`);
        results.set(
          side,
          await loadRun(
            `${side.sys.gatewayUrl}/v1/transactions?${scenario.query}`,
            { authorization: `Bearer ${side.token}` },
            { ...side.sys.pids(), bench: process.pid },
          ),
        );
      }
      const scenario = scenariosOf.get(a)[i];
      log(`read: ${scenario.name} ceiling`);
      const bare = await loadRun(
        `${ceilingUrl}?${scenario.query}`,
        {},
        {
          ...a.sys.pids(),
          ceiling: ceiling.pid,
          bench: process.pid,
        },
      );
      for (const side of sides) {
        out.get(side).scenarios.push({
          ...scenariosOf.get(side)[i],
          system: results.get(side),
          ceiling: bare,
          explain: await explain(side.sys, side.ingest.userId, scenariosOf.get(side)[i]),
        });
      }
    }
    if (opts.openRate > 0) {
      const open = await openLoopRead(sides, scenariosOf, ceilingUrl, ceiling.pid);
      for (const side of sides) out.get(side).openLoop = open.get(side);
    }
    for (const side of sides) out.get(side).insights = await insightsRead(side);
    return out;
  } finally {
    await ceiling.stop();
  }
}

const sideTag = (side) => (opts.abRounds ? ` [${side.key}]` : '');

// Spending insights beside the list: GET /v1/insights/spending over the ingested user's whole history (every
// transaction counted: the worst case of the index-only scan), at the same connections. No bare ceiling: the
// number to watch is p99 next to the list's, and the plan (transactions_user_spending_idx, index only).
async function insightsRead(side) {
  const { sys, token, ingest } = side;
  const out = [];
  for (const groupBy of ['category', 'month']) {
    const query = `groupBy=${groupBy}`;
    const url = `${sys.gatewayUrl}/v1/insights/spending?${query}`;
    const check = await http('GET', url, { token });
    const counted = (check.body?.totals ?? []).reduce((n, t) => n + t.count, 0);
    if (check.status !== 200 || counted === 0) {
      throw new Error(`insights ${groupBy}: ${check.status}, ${counted} transactions counted`);
    }
    log(`read: insights groupBy=${groupBy} through the gateway${sideTag(side)}`);
    const system = await loadRun(
      url,
      { authorization: `Bearer ${token}` },
      { ...sys.pids(), bench: process.pid },
    );
    out.push({ name: `insights ${query}`, query, counted, system });
  }
  const client = new pg.Client({ connectionString: sys.databaseUrl, options: '-c search_path=sync' });
  await client.connect();
  try {
    // The plan of the big branch of the statement (apps/sync-worker/src/insights/insights.repository.ts).
    const { rows } = await client.query(
      `EXPLAIN (ANALYZE, BUFFERS)
       SELECT coalesce(e.category_primary, t.rule_category_primary, t.category_primary) AS key,
              coalesce(t.iso_currency_code, t.unofficial_currency_code) AS currency, sum(t.amount), count(*)
         FROM transactions t
         LEFT JOIN transaction_edits e ON e.user_id = t.user_id AND e.plaid_transaction_id = t.plaid_transaction_id
        WHERE t.user_id = $1
          AND t.transfer_pair_id IS NULL AND t.rule_hidden IS NOT TRUE AND t.rule_exclude_from_spending IS NOT TRUE
          AND e.hidden IS NOT TRUE AND e.exclude_from_spending IS NOT TRUE
        GROUP BY 1, 2`,
      [ingest.userId],
    );
    return { scenarios: out, explain: rows.map((r) => r['QUERY PLAN']).join('\n') };
  } finally {
    await client.end();
  }
}

// A steady offered load below saturation (what a service level is judged on), not "as fast as it goes": the
// same request schedule through each side's gateway and against the bare ceiling, latency percentiles of each.
async function openLoopRead(sides, scenariosOf, ceilingUrl, ceilingPid) {
  const run = async (url, headers, pids) => {
    const sampler = new PhaseSampler(pids);
    const r = await openLoop({ url, headers, rate: opts.openRate, seconds: opts.openDuration });
    return { ...r, phase: sampler.stop() };
  };
  const systems = new Map();
  for (const side of sides) {
    log(
      `read: open loop ${opts.openRate} req/s for ${opts.openDuration} s through the gateway${sideTag(side)}`,
    );
    systems.set(
      side,
      await run(
        `${side.sys.gatewayUrl}/v1/transactions?${scenariosOf.get(side)[0].query}`,
        { authorization: `Bearer ${side.token}` },
        { ...side.sys.pids(), bench: process.pid },
      ),
    );
  }
  log('read: open loop ceiling');
  const a = sides.find((side) => side.key === 'A');
  const scenario = scenariosOf.get(a)[0];
  const bare = await run(
    `${ceilingUrl}?${scenario.query}`,
    {},
    {
      ...a.sys.pids(),
      ceiling: ceilingPid,
      bench: process.pid,
    },
  );
  return new Map(
    sides.map((side) => [
      side,
      {
        name: scenario.name,
        rate: opts.openRate,
        duration: opts.openDuration,
        system: systems.get(side),
        ceiling: bare,
      },
    ]),
  );
}

// Signatures from the emulator's key (valid 5 minutes after iat), one per body.
async function signAll(sys, bodies, concurrency = 32) {
  const t0 = performance.now();
  const sigs = new Array(bodies.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const i = next++;
        const r = await expectStatus(
          http('POST', `${sys.sandboxUrl}/sandbox-control/sign`, { body: { body: bodies[i] } }),
          200,
          'sign',
        );
        sigs[i] = r.plaidVerification;
      }
    }),
  );
  return { sigs, seconds: (performance.now() - t0) / 1000, signedAt: Date.now() };
}

function webhookBody(itemId, i) {
  return JSON.stringify({
    webhook_type: 'TRANSACTIONS',
    webhook_code: 'SYNC_UPDATES_AVAILABLE',
    item_id: itemId,
    initial_update_complete: true,
    historical_update_complete: true,
    environment: 'sandbox',
    // Distinct bodies (Plaid sends none of this field; the gateway forwards the body as it is).
    bench_seq: i,
  });
}

async function postWebhooks(url, bodies, sigs) {
  let next = 0;
  const r = await cannon({
    url,
    connections: opts.connections,
    amount: bodies.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const i = next++ % bodies.length;
          return {
            ...req,
            body: bodies[i],
            headers: { 'content-type': 'application/json', 'plaid-verification': sigs[i] },
          };
        },
      },
    ],
  });
  return summarize(r);
}

async function queueCounts(channel, queues) {
  const out = {};
  for (const q of queues) out[q] = (await channel.checkQueue(q)).messageCount;
  return out;
}

// messages_unacknowledged per queue of this run (checkQueue only reports ready messages).
async function unacked(prefix) {
  try {
    const { stdout } = await promisify(execFile)(
      'rabbitmqctl',
      ['-q', 'list_queues', 'name', 'messages_unacknowledged'],
      {
        timeout: 30_000,
      },
    );
    return stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([name]) => name?.startsWith(prefix))
      .reduce((n, [, c]) => n + Number(c), 0);
  } catch {
    return null; // rabbitmqctl unavailable: the ready count alone is the evidence
  }
}

function countLogLines(file, needle) {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes(needle)).length;
  } catch {
    return 0;
  }
}

// Per side: [variant results…]; and the bare ceiling, once. Each variant runs every side in turn.
async function webhookIntake(sides) {
  const conn = await amqp.connect(RABBITMQ_URL);
  const channel = await conn.createChannel();
  const unknownNeedle = 'webhook for an unknown item';
  const out = new Map(sides.map((side) => [side, []]));
  let unknownSet;
  let ceiling;
  try {
    for (const variant of [
      { name: 'unknown item (cheap processing)', unknown: true },
      { name: 'the bench item (each one requests a sync)', unknown: false },
    ]) {
      for (const side of sides) {
        const { sys, ingest } = side;
        const p = sys.queuePrefix;
        const watched = [
          `${p}sync.events`,
          `${p}sync.events.dead`,
          `${p}link.events`,
          `${p}link.events.dead`,
          ...[1000, 10000, 60000, 300000].map((d) => `${p}sync.events.retry.${d}ms`),
        ];
        const bodies = Array.from({ length: opts.webhooks }, (_, i) =>
          webhookBody(variant.unknown ? `bench-unknown-${i}` : ingest.plaidItemId, i),
        );
        log(`webhooks: signing ${bodies.length} bodies at the emulator (${variant.name})${sideTag(side)}`);
        const signed = await signAll(sys, bodies);
        if (variant.unknown && side.key === 'A') unknownSet = { bodies, ...signed };
        const logLinesBefore = countLogLines(sys.services.get('sync-worker').logFile, unknownNeedle);
        log(
          `webhooks: posting ${bodies.length} to the gateway at ${opts.connections} connections${sideTag(side)}`,
        );
        const sampler = new PhaseSampler({ ...sys.pids(), bench: process.pid });
        const t0 = performance.now();
        const intake = await postWebhooks(sys.webhookUrl, bodies, signed.sigs);
        // Every accepted webhook must be consumed: the events queue drains, nothing waits for a retry or is dead.
        await pollUntil(async () => (await channel.checkQueue(`${p}sync.events`)).messageCount === 0, {
          timeoutMs: 10 * 60_000,
          intervalMs: 100,
          what: 'sync.events to drain',
        });
        const readyZeroSeconds = (performance.now() - t0) / 1000;
        let unackedLeft = await unacked(p);
        for (let i = 0; unackedLeft && i < 60; i++) {
          await sleep(500);
          unackedLeft = await unacked(p);
        }
        const drainedSeconds = (performance.now() - t0) / 1000;
        const phase = sampler.stop();
        await sleep(300);
        const counts = await queueCounts(channel, watched);
        const processedLogged = variant.unknown
          ? countLogLines(sys.services.get('sync-worker').logFile, unknownNeedle) - logLinesBefore
          : null;
        const lost =
          Object.values(counts).reduce((x, y) => x + y, 0) +
          (unackedLeft ?? 0) +
          (variant.unknown ? intake.ok - processedLogged : 0);
        out.get(side).push({
          ...variant,
          signSeconds: signed.seconds,
          intake,
          readyZeroSeconds,
          drainedSeconds,
          processedPerSecond: intake.ok / readyZeroSeconds,
          queueCounts: counts,
          unackedLeft,
          processedLogged,
          lost,
          phase,
        });
      }
    }

    // Ceiling: a bare endpoint doing the same verification and a confirmed persistent publish.
    const { sys } = sides.find((side) => side.key === 'A');
    const queue = `${sys.queuePrefix}bench.webhooks`;
    if (!sys.extraQueues.includes(queue)) sys.extraQueues.push(queue);
    const port = await freePort();
    const server = await startChild('webhook-server.mjs', {
      PORT: String(port),
      SANDBOX_URL: sys.sandboxUrl,
      CLIENT_ID: sys.clientId,
      SECRET: sys.secret,
      RABBITMQ_URL,
      QUEUE: queue,
    });
    try {
      let { bodies, sigs, signedAt } = unknownSet;
      if (Date.now() - signedAt > 3 * 60_000) ({ sigs } = await signAll(sys, bodies));
      await channel.purgeQueue(queue).catch(() => undefined);
      log(`webhooks: posting ${bodies.length} to the bare ceiling endpoint`);
      const sampler = new PhaseSampler({ ...sys.pids(), ceiling: server.pid, bench: process.pid });
      const intake = await postWebhooks(`http://127.0.0.1:${port}/v1/webhooks/plaid`, bodies, sigs);
      const phase = sampler.stop();
      const queued = (await channel.checkQueue(queue)).messageCount;
      ceiling = { intake, queued, phase };
    } finally {
      await server.stop();
    }
  } finally {
    await conn.close();
  }
  return new Map(sides.map((side) => [side, { variants: out.get(side), ceiling }]));
}

// ---------------------------------------------------------------------------------------------------------------

// One round of every phase over the sides in the given order; per side the result object a single-tree run has
// always produced (ingest, ingestCeiling, read, readInsights, readStale, readOpenLoop, feed, webhooks).
async function runRound(order) {
  const res = new Map(order.map((side) => [side, {}]));
  for (const side of order) {
    side.token = await signupAndLogin(side.sys);
    log(`sync ingest: linking an item with ${opts.syncSize} transactions${sideTag(side)}`);
    side.ingest = await syncIngest(side.sys, side.db, side.token);
    res.get(side).ingest = side.ingest;
    log(`sync ingest: ${side.ingest.rows} rows, ${side.ingest.txPerSecond.toFixed(0)} tx/s${sideTag(side)}`);
  }
  const a = order.find((side) => side.key === 'A');
  if (opts.only.has('sync')) {
    const ceiling = await syncCeiling(a.sys, a.ingest);
    for (const side of order) res.get(side).ingestCeiling = ceiling;
  }
  if (opts.only.has('read')) {
    const read = await readApi(order);
    for (const side of order) {
      const r = read.get(side);
      Object.assign(res.get(side), {
        read: r.scenarios,
        readInsights: r.insights,
        readStale: r.stale,
        readOpenLoop: r.openLoop ?? null,
      });
    }
  }
  if (opts.only.has('feed')) {
    for (const side of order) {
      log(`feed${sideTag(side)}`);
      res.get(side).feed = await feedBench(side.sys, side.token, side.ingest, {
        rounds: opts.feedRounds,
        streams: opts.streams,
        idleSeconds: opts.feedIdle,
      });
    }
  }
  if (opts.only.has('webhook')) {
    const w = await webhookIntake(order);
    for (const side of order) res.get(side).webhooks = w.get(side);
  }
  return res;
}

async function main() {
  const startedAt = new Date();
  const profileDir = join(ROOT, 'bench', 'results', 'profiles');
  const ab = args.ab ? await prepareAbTree(args.ab, log) : null;
  const common = {
    sandboxTransactions: opts.syncSize,
    profile: opts.profile,
    profileDir,
    nodeOptions: opts.nodeOptions,
  };
  const sysA = new BenchSystem({ ...common, label: ab ? 'a' : '' });
  const sides = [{ key: 'A', sys: sysA }];
  if (ab)
    sides.push({ key: 'B', sys: new BenchSystem({ ...common, label: 'b', root: ab.root, sandbox: sysA }) });
  const results = {
    startedAt: startedAt.toISOString(),
    opts: { ...opts, only: [...opts.only] },
    runId: sysA.runId,
  };
  if (ab) {
    results.ab = { a: { ref: 'this tree', ...(await treeInfo()) }, b: ab, rounds: [] };
  }
  let failure;
  const stopAll = async () => {
    // B first: it uses A's emulator.
    for (const side of [...sides].reverse())
      await side.sys.stop().catch((err) => log(`teardown: ${err.message}`));
  };
  const onSignal = () => {
    log('interrupted: tearing down');
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const versions = await serverVersions(sysA.databaseUrl.replace(`/${sysA.database}`, '/postgres'));
    results.machine = { ...machineInfo(versions), e2eDatabasesAtStart: versions.e2eDatabasesAtStart };
    for (const side of sides) {
      log(
        `run ${side.sys.runId}: starting the system${ab ? ` ${side.key} (${side.sys.root})` : ''} (emulator items of ${opts.syncSize} transactions)`,
      );
      await side.sys.start();
    }
    log('system ready; sampling idle memory');
    await sleep(opts.quick ? 1000 : 3000);
    for (const side of sides) side.idleSampler = new PhaseSampler(side.sys.pids());
    await sleep(opts.quick ? 1000 : 2000);
    for (const side of sides) side.idle = side.idleSampler.stop();
    for (const side of sides) {
      side.db = new pg.Client({ connectionString: side.sys.databaseUrl });
      await side.db.connect();
    }
    try {
      const rounds = ab ? opts.abRounds : 1;
      for (let round = 0; round < rounds; round++) {
        // A B, then B A, …: a drift of the box over the run (a warming cache, a neighbour's job) hits both sides.
        const order = round % 2 === 0 ? sides : [...sides].reverse();
        if (ab) log(`ab: round ${round + 1} of ${rounds}, order ${order.map((s) => s.key).join(' ')}`);
        const res = await runRound(order);
        if (ab) {
          results.ab.rounds.push({
            order: order.map((s) => s.key),
            ...Object.fromEntries(sides.map((side) => [side.key, res.get(side)])),
          });
        } else Object.assign(results, res.get(sides[0]));
      }
      for (const side of sides) side.afterSampler = new PhaseSampler(side.sys.pids());
      await sleep(1000);
      for (const side of sides) side.idleAfter = side.afterSampler.stop();
    } finally {
      for (const side of sides) await side.db?.end();
    }
    results.idle = sides[0].idle;
    results.idleAfter = sides[0].idleAfter;
    if (ab) {
      for (const side of sides) {
        results.ab[side.key.toLowerCase()].idle = side.idle;
        results.ab[side.key.toLowerCase()].idleAfter = side.idleAfter;
      }
    }
  } catch (err) {
    failure = err;
    log(`FAILED: ${err.stack ?? err}`);
  } finally {
    log('tearing down');
    await stopAll();
  }
  results.finishedAt = new Date().toISOString();
  results.machine.loadavgEnd = os.loadavg();
  if (opts.profile.length > 0 && !failure) {
    results.profiles = Object.fromEntries(sides.map((side) => [side.key, side.sys.profileFiles()]));
    try {
      results.profileSummary = profileTable(results);
    } catch (err) {
      log(`profile summary failed: ${err.message}`);
    }
  }
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(results, null, 2));
  if (failure) {
    // The rounds an --ab run finished are still worth reading (printed, never written to the report).
    if (results.ab?.rounds.length) {
      process.stdout.write(
        `\nINCOMPLETE: ${results.ab.rounds.length} round(s) finished\n${renderConsole(results)}\n`,
      );
    }
    process.exit(1);
  }
  process.stdout.write(`\n${renderConsole(results)}\n`);
  if (outFile) {
    // An absolute path is used as it is; a relative one is relative to the repository.
    const out = isAbsolute(outFile) ? outFile : join(ROOT, outFile);
    await writePerformanceDoc(out, results, process.argv.slice(2));
    log(`wrote ${out}`);
  }
}

await main();
