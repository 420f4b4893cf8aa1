#!/usr/bin/env node
// The growth curve (issue #17): the same measurements at 1M, 3M and 10M transactions in sync.transactions, spread
// over proportional numbers of users — ingest of a newly linked item through the real system, GET /v1/transactions
// latency (first page, a filter, a deep cursor) for a user synced through the system and for a user whose rows are
// scattered through the whole heap, the insert side's cost as the indexes grow, database size per million rows, and
// the time of a nightly-style VACUUM/ANALYZE.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cannon, expectStatus, http, login, signupAndLogin, summarize, syncIngest } from './lib/client.mjs';
import { transactionsListParams, transactionsListSql } from './lib/list-sql.mjs';
import { PhaseSampler } from './lib/metrics.mjs';
import { BenchSystem, ROOT, sleep } from './lib/system.mjs';

const SERVICE_NODE_OPTIONS = '--max-old-space-size=128 --max-semi-space-size=16';
const BEGIN = '<!-- growth:begin -->';
const END = '<!-- growth:end -->';

const USAGE = `usage: npm run build && node bench/growth.mjs [options]   (npm run bench:growth)

Starts the built apps against a database bench_<id> of their own (like npm run bench), grows sync.transactions
through each scale and measures there; tears everything down and rewrites the growth part of docs/PERFORMANCE.md.
Needs about 600 MB of disk per million transactions.

  --scales LIST       total transactions at each measuring point (default 1000000,3000000,10000000)
  --per-user N        transactions of each seeded user (default 10000: 100 users per million)
  --sync-size N       transactions of each newly linked item whose ingest is timed (default 50000)
  --ingests N         linked items timed at each scale (default 2)
  --duration S        seconds of each read load (default 10)
  --warmup S          seconds of unrecorded load before each (default 3)
  --connections N     autocannon connections (default 50)
  --chunk N           rows per seeding statement (default 250000)
  --renice=N          nice value for the system's processes and its database backends while measuring (default
                      0: untouched; a negative value needs root — for a box shared with other work)
  --out FILE          report file (default docs/PERFORMANCE.md); --no-write to skip it
  --from FILE         run nothing: render a saved bench/results/growth.json into the report
  --help`;

const { values: args } = parseArgs({
  options: {
    scales: { type: 'string', default: '1000000,3000000,10000000' },
    'per-user': { type: 'string', default: '10000' },
    'sync-size': { type: 'string', default: '50000' },
    ingests: { type: 'string', default: '2' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    chunk: { type: 'string', default: '250000' },
    renice: { type: 'string', default: '0' },
    out: { type: 'string', default: 'docs/PERFORMANCE.md' },
    from: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const opts = {
  scales: args.scales.split(',').map(Number),
  perUser: Number(args['per-user']),
  syncSize: Number(args['sync-size']),
  ingests: Number(args.ingests),
  duration: Number(args.duration),
  warmup: Number(args.warmup),
  connections: Number(args.connections),
  chunk: Number(args.chunk),
  renice: Number(args.renice),
};

const log = (msg) => process.stdout.write(`[growth ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const HISTORY_DAYS = 730;

// ---------------------------------------------------------------------------------------------------------------
// seeding: whole users at a time, their rows interleaved (row g of a stage belongs to user g mod n), so that every
// seeded user's history is spread over the heap the way years of daily syncs spread it — the hard case for reads.

async function createSeedTables(db) {
  await db.query(`CREATE SCHEMA IF NOT EXISTS bench`);
  await db.query(`
    CREATE TABLE bench.seed_users (
      n int PRIMARY KEY, user_id uuid NOT NULL, item_id uuid NOT NULL, checking uuid NOT NULL, card uuid NOT NULL)`);
  // Seeding measures the table, not vacuum's timing: the bench runs VACUUM (ANALYZE) itself after each stage.
  await db.query(`ALTER TABLE sync.transactions SET (autovacuum_enabled = false)`);
}

async function addSeedUsers(db, from, count, firstUserId) {
  await db.query(
    `INSERT INTO bench.seed_users (n, user_id, item_id, checking, card)
     SELECT n, CASE WHEN n = $1 AND $3::uuid IS NOT NULL THEN $3::uuid ELSE gen_random_uuid() END,
            gen_random_uuid(), gen_random_uuid(), gen_random_uuid()
       FROM generate_series($1::int, $1::int + $2::int - 1) n`,
    [from, count, firstUserId],
  );
  const users = `FROM bench.seed_users WHERE n >= $1 AND n < $1 + $2`;
  await db.query(
    `INSERT INTO sync.items (item_id, user_id, plaid_item_id, access_token_enc, cursor, last_synced_at)
     SELECT item_id, user_id, 'seed-item-' || n, 'seed', 'seed', now() ${users}`,
    [from, count],
  );
  await db.query(`INSERT INTO sync.item_owners (item_id, user_id) SELECT item_id, user_id ${users}`, [
    from,
    count,
  ]);
  await db.query(
    `INSERT INTO sync.accounts (id, item_id, user_id, plaid_account_id, name, type, subtype, balance_current,
                                iso_currency_code)
     SELECT checking, item_id, user_id, 'seed-chk-' || n, 'Checking', 'depository', 'checking', 1000, 'USD' ${users}
     UNION ALL
     SELECT card, item_id, user_id, 'seed-card-' || n, 'Card', 'credit', 'credit card', 250, 'USD' ${users}`,
    [from, count],
  );
}

// One statement per chunk, as the sync writer does one per page. The change-log triggers are skipped: the log keeps
// CHANGE_LOG_RETENTION_HOURS of changes, not the history, so its size does not follow the table's.
async function seedChunk(db, { stageFrom, stageUsers, offset, rows }) {
  const before = (await db.query(`SELECT pg_current_wal_lsn() AS lsn`)).rows[0].lsn;
  const t0 = performance.now();
  await db.query('BEGIN');
  try {
    await db.query(`SET LOCAL session_replication_role = replica`);
    await db.query(
      `INSERT INTO sync.transactions (plaid_transaction_id, item_id, user_id, account_id, amount, iso_currency_code,
                                    date, authorized_date, name, merchant_name, pending, payment_channel,
                                    category_primary, category_detailed, updated_at)
     SELECT 'seed-' || u.n || '-' || s.seq, u.item_id, u.user_id, CASE WHEN s.seq % 3 = 0 THEN u.card ELSE u.checking END,
            round(((s.seq * 7919 + u.n * 104729) % 40000)::numeric / 100 - 50, 2), 'USD',
            current_date - (s.seq * ${HISTORY_DAYS} / $4::int)::int, current_date - (s.seq * ${HISTORY_DAYS} / $4::int)::int,
            'Seeded purchase ' || (s.seq % 997), 'Merchant ' || (s.seq % 211), s.seq < 3, 'online',
            'GENERAL_MERCHANDISE', 'GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE', now()
       FROM (SELECT $1::int + (g % $2::int) AS n, g / $2::int AS seq
               FROM generate_series($3::bigint, $3::bigint + $5::bigint - 1) g) s
       JOIN bench.seed_users u ON u.n = s.n`,
      [stageFrom, stageUsers, offset, opts.perUser, rows],
    );
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
  const seconds = (performance.now() - t0) / 1000;
  const wal = (await db.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint AS b`, [before]))
    .rows[0].b;
  return { rows, seconds, rowsPerSecond: rows / seconds, walBytesPerRow: Number(wal) / rows };
}

// The lock table and shared memory are the whole server's: another database's heavy work can make one statement fail
// with 53200 (out of shared memory); the chunk rolled back, so it is simply run again.
async function retryTransient(fn, attempts = 5) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !['53200', '40P01'].includes(err.code)) throw err;
      log(`seed: ${err.message} (${err.code}); retrying the chunk`);
      await sleep(2000);
    }
  }
}

async function countTransactions(db) {
  return (await db.query(`SELECT count(*)::bigint AS n FROM sync.transactions`)).rows[0].n * 1;
}

async function seedTo(db, state, target) {
  const have = await countTransactions(db);
  const users = Math.max(0, Math.round((target - have) / opts.perUser));
  if (users === 0) return [];
  const stageFrom = state.nextUser;
  await addSeedUsers(db, stageFrom, users, stageFrom === 0 ? state.scatteredUserId : null);
  state.nextUser += users;
  const total = users * opts.perUser;
  const chunks = [];
  for (let offset = 0; offset < total; offset += opts.chunk) {
    const rows = Math.min(opts.chunk, total - offset);
    const tableRowsBefore = have + offset;
    const c = await retryTransient(() => seedChunk(db, { stageFrom, stageUsers: users, offset, rows }));
    chunks.push({ tableRowsBefore, ...c });
    log(
      `seed: ${((tableRowsBefore + rows) / 1e6).toFixed(2)}M rows, ${c.rowsPerSecond.toFixed(0)} rows/s, ` +
        `${c.walBytesPerRow.toFixed(0)} WAL B/row`,
    );
  }
  return chunks;
}

// ---------------------------------------------------------------------------------------------------------------
// measuring

async function timed(db, sql) {
  const t0 = performance.now();
  await db.query(sql);
  return (performance.now() - t0) / 1000;
}

async function sizes(db) {
  const r = (
    await db.query(`
      SELECT pg_relation_size('sync.transactions') AS heap,
             pg_indexes_size('sync.transactions') AS indexes,
             pg_total_relation_size('sync.transactions') AS total,
             pg_database_size(current_database()) AS database`)
  ).rows[0];
  const idx = (
    await db.query(`
      SELECT indexrelid::regclass::text AS name, pg_relation_size(indexrelid) AS bytes
        FROM pg_index WHERE indrelid = 'sync.transactions'::regclass ORDER BY 1`)
  ).rows;
  return {
    heap: Number(r.heap),
    indexes: Number(r.indexes),
    total: Number(r.total),
    database: Number(r.database),
    perIndex: Object.fromEntries(idx.map((i) => [i.name, Number(i.bytes)])),
  };
}

async function deepCursor(db, userId) {
  const { n } = (
    await db.query(`SELECT count(*)::int AS n FROM sync.transactions WHERE user_id = $1`, [userId])
  ).rows[0];
  const mid = (
    await db.query(
      `SELECT date::text AS date, id FROM sync.transactions WHERE user_id = $1
        ORDER BY date DESC, id DESC OFFSET $2 LIMIT 1`,
      [userId, Math.floor(n / 2)],
    )
  ).rows[0];
  return { rows: n, cursor: Buffer.from(JSON.stringify([mid.date, mid.id])).toString('base64url') };
}

// The service's own statement on one connection with nothing else running through it: its time, and the pages it
// touches (a count the box's other load cannot blur).
async function sqlAlone(sys, userId, query, runs = 50) {
  const sql = transactionsListSql();
  const params = transactionsListParams(userId, query);
  const client = new pg.Client({ connectionString: sys.databaseUrl, options: '-c search_path=sync' });
  await client.connect();
  try {
    for (let i = 0; i < 5; i++) await client.query(sql, params);
    const ms = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await client.query(sql, params);
      ms.push(performance.now() - t0);
    }
    const [
      {
        'QUERY PLAN': [plan],
      },
    ] = (await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params)).rows;
    ms.sort((a, b) => a - b);
    return {
      medianMs: median(ms),
      p99Ms: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)],
      buffers: plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'],
      executionMs: plan['Execution Time'],
    };
  } finally {
    await client.end();
  }
}

async function readLoads(sys, db, who) {
  const { rows, cursor } = await deepCursor(db, who.userId);
  const scenarios = [
    { name: 'first page', query: 'limit=50' },
    { name: 'filter (pending=false, minAmount=10)', query: 'limit=50&pending=false&minAmount=10' },
    { name: 'deep cursor (middle of history)', query: `limit=50&cursor=${cursor}` },
  ];
  const out = [];
  for (const s of scenarios) {
    const url = `${sys.gatewayUrl}/v1/transactions?${s.query}`;
    const headers = { authorization: `Bearer ${who.token}` };
    const check = await expectStatus(http('GET', url, { token: who.token }), 200, `read ${s.name}`);
    if (check.data.length !== 50) throw new Error(`read ${s.name}: ${check.data.length} rows`);
    if (opts.warmup > 0) await cannon({ url, headers, connections: opts.connections, duration: opts.warmup });
    const sampler = new PhaseSampler({ ...sys.pids(), bench: process.pid });
    const r = summarize(
      await cannon({ url, headers, connections: opts.connections, duration: opts.duration }),
    );
    if (r.non2xx > 0 || r.errors > 0)
      throw new Error(`read ${s.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    const phase = sampler.stop();
    out.push({ name: s.name, ...r, phase, sql: await sqlAlone(sys, who.userId, s.query) });
    log(`read ${who.label} / ${s.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`);
  }
  return { user: who.label, userRows: rows, scenarios: out };
}

// Our processes and this database's backends first in line on a box shared with other work.
function renice(sys, db) {
  if (opts.renice === 0) return Promise.resolve();
  return db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`).then(({ rows }) => {
    const pids = [...Object.values(sys.pids()), process.pid, ...rows.map((r) => r.pid)].filter(Boolean);
    execFileSync('renice', ['-n', String(opts.renice), '-p', ...pids.map(String)], { stdio: 'ignore' });
  });
}

async function atScale(sys, db, state, target) {
  log(`scale ${target / 1e6}M: seeding`);
  const seeding = await seedTo(db, state, target);
  log('vacuum (analyze) after loading');
  const vacuumAfterLoad = await timed(db, 'VACUUM (ANALYZE) sync.transactions');
  await renice(sys, db);
  const ingests = [];
  for (let i = 0; i < opts.ingests; i++) {
    const label = `ingest-${target}-${i}`;
    const token = await signupAndLogin(sys, `growth-${label}-${Date.now().toString(36)}@example.com`);
    log(`ingest: linking an item of ${opts.syncSize} transactions`);
    const r = await syncIngest(sys, db, token);
    ingests.push({ rows: r.rows, jobSeconds: r.jobSeconds, txPerSecond: r.txPerSecond, phase: r.phase });
    log(`ingest: ${r.txPerSecond.toFixed(0)} tx/s`);
    state.syncedUser = { label: 'synced user', token, userId: r.userId };
  }
  await timed(db, 'ANALYZE sync.transactions');
  await renice(sys, db);
  const reads = [
    await readLoads(sys, db, state.syncedUser),
    await readLoads(sys, db, {
      label: 'scattered user',
      // Access tokens live minutes; a scale takes longer.
      token: await login(sys, state.scatteredEmail),
      userId: state.scatteredUserId,
    }),
  ];
  const rows = await countTransactions(db);
  const users = Number((await db.query(`SELECT count(DISTINCT user_id) AS n FROM sync.items`)).rows[0].n);
  const size = await sizes(db);
  log('maintenance: ANALYZE, then VACUUM (ANALYZE) of the database');
  const analyze = await timed(db, 'ANALYZE sync.transactions');
  const vacuumAnalyzeDatabase = await timed(db, 'VACUUM (ANALYZE)');
  return {
    target,
    rows,
    users,
    seeding,
    vacuumAfterLoad,
    ingests,
    reads,
    size,
    maintenance: { analyze, vacuumAnalyzeDatabase },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// report

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (b) => (b / 1024 ** 2).toFixed(0);
const x = (a, b) => `${(a / b).toFixed(2)}x`;

function seedingRate(scale, tail = 4) {
  const last = scale.seeding.slice(-tail);
  return last.length ? median(last.map((c) => c.rowsPerSecond)) : NaN;
}

function render(results) {
  const s = results.scales;
  const first = s[0];
  const lastS = s[s.length - 1];
  const lines = [];
  const m = results.machine;
  lines.push(
    `Run of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC (\`npm run bench:growth ${results.argv.join(' ')}\`), ` +
      `${m.nproc} vCPU ${m.cpu}, ${m.memoryGb.toFixed(0)} GiB, PostgreSQL ${m.postgres} (shared_buffers ` +
      `${m.sharedBuffers}), Node ${m.node}; load average ${m.loadavgStart.map((l) => l.toFixed(1)).join(' ')} at ` +
      `the start, ${m.loadavgEnd.map((l) => l.toFixed(1)).join(' ')} at the end. ${opts.perUser.toLocaleString('en')} ` +
      `transactions per seeded user; reads at ${opts.connections} connections for ${opts.duration} s after ` +
      `${opts.warmup} s of warm-up.`,
  );
  lines.push('');
  lines.push(
    `| | ${s.map((r) => `${(r.rows / 1e6).toFixed(2)}M rows`).join(' | ')} | ${lastS.target / 1e6}M ÷ ${first.target / 1e6}M |`,
  );
  lines.push(`|---|${s.map(() => '---:').join('|')}|---:|`);
  const row = (label, f, fmt = (v) => v.toFixed(0), ratio = true) => {
    const v = s.map(f);
    lines.push(`| ${label} | ${v.map(fmt).join(' | ')} | ${ratio ? x(v[v.length - 1], v[0]) : ''} |`);
  };
  row(
    'users',
    (r) => r.users,
    (v) => v.toFixed(0),
    false,
  );
  row('ingest of a new item, tx/s (median)', (r) => median(r.ingests.map((i) => i.txPerSecond)));
  row('seeding insert, rows/s (last chunks)', (r) => seedingRate(r));
  row('seeding WAL bytes per row (last chunks)', (r) =>
    median(r.seeding.slice(-4).map((c) => c.walBytesPerRow)),
  );
  for (const who of ['synced user', 'scattered user']) {
    for (const name of s[0].reads[0].scenarios.map((sc) => sc.name)) {
      const pick = (r) => r.reads.find((rd) => rd.user === who).scenarios.find((sc) => sc.name === name);
      row(
        `${who}: ${name}, p50 ms`,
        (r) => pick(r).p50,
        (v) => String(v),
      );
      row(
        `${who}: ${name}, p99 ms`,
        (r) => pick(r).p99,
        (v) => String(v),
      );
      row(`${who}: ${name}, req/s`, (r) => pick(r).rps);
      row(
        `${who}: ${name}, SQL alone median ms`,
        (r) => pick(r).sql.medianMs,
        (v) => v.toFixed(2),
      );
      row(
        `${who}: ${name}, buffers touched`,
        (r) => pick(r).sql.buffers,
        (v) => String(v),
      );
    }
  }
  row('sync.transactions heap, MB', (r) => r.size.heap, mb);
  row('its indexes, MB', (r) => r.size.indexes, mb);
  row('database, MB', (r) => r.size.database, mb);
  row('table + indexes per million rows, MB', (r) => r.size.total / (r.rows / 1e6), mb);
  row(
    'ANALYZE sync.transactions, s',
    (r) => r.maintenance.analyze,
    (v) => v.toFixed(1),
  );
  row(
    'VACUUM (ANALYZE) of the database, steady state, s',
    (r) => r.maintenance.vacuumAnalyzeDatabase,
    (v) => v.toFixed(1),
  );
  row(
    'VACUUM (ANALYZE) right after loading the stage, s',
    (r) => r.vacuumAfterLoad,
    (v) => v.toFixed(1),
  );
  lines.push('');
  lines.push(
    'Seeding insert rate as the table grows (each statement inserts one chunk, as one sync page does):',
  );
  lines.push('');
  lines.push('| rows before the chunk | rows/s | WAL bytes/row |');
  lines.push('|---:|---:|---:|');
  const all = s.flatMap((r) => r.seeding);
  const step = Math.max(1, Math.floor(all.length / 12));
  for (let i = 0; i < all.length; i += step) {
    const c = all[i];
    lines.push(
      `| ${(c.tableRowsBefore / 1e6).toFixed(2)}M | ${c.rowsPerSecond.toFixed(0)} | ${c.walBytesPerRow.toFixed(0)} |`,
    );
  }
  lines.push('');
  lines.push(
    `Other load on the box during the read runs (cores busy outside the system under test, median): ` +
      s
        .map((r) => {
          const o = r.reads.flatMap((rd) => rd.scenarios.map((sc) => sc.phase?.otherCores ?? NaN));
          return `${(r.rows / 1e6).toFixed(1)}M ${median(o).toFixed(2)}`;
        })
        .join(', ') +
      '.',
  );
  return lines.join('\n');
}

async function writeDoc(file, body) {
  const doc = readFileSync(file, 'utf8');
  const block = `${BEGIN}\n${body}\n${END}`;
  const next = doc.includes(BEGIN)
    ? doc.slice(0, doc.indexOf(BEGIN)) + block + doc.slice(doc.indexOf(END) + END.length)
    : `${doc.trimEnd()}\n\n## Growth to 10 million transactions (\`npm run bench:growth\`)\n\n${block}\n`;
  await writeFile(file, next);
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  if (args.from) {
    const saved = JSON.parse(readFileSync(args.from, 'utf8'));
    Object.assign(opts, saved.opts);
    await writeDoc(join(ROOT, args.out), render(saved));
    log(`rendered ${args.from} into ${args.out}`);
    return;
  }
  const sys = new BenchSystem({ sandboxTransactions: opts.syncSize, nodeOptions: SERVICE_NODE_OPTIONS });
  const results = {
    startedAt: new Date().toISOString(),
    argv: process.argv.slice(2),
    opts,
    runId: sys.runId,
    scales: [],
  };
  const onSignal = () => {
    log('interrupted: tearing down');
    void sys.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let failure;
  try {
    log(`run ${sys.runId}: starting the system`);
    await sys.start();
    const db = new pg.Client({ connectionString: sys.databaseUrl });
    await db.connect();
    try {
      const setting = async (n) => (await db.query(`SHOW ${n}`)).rows[0][n];
      results.machine = {
        nproc: os.availableParallelism(),
        cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model,
        memoryGb: os.totalmem() / 1024 ** 3,
        node: process.version,
        postgres: await setting('server_version'),
        sharedBuffers: await setting('shared_buffers'),
        loadavgStart: os.loadavg(),
      };
      await createSeedTables(db);
      const email = `growth-scattered-${Date.now().toString(36)}@example.com`;
      const state = { nextUser: 0, scatteredEmail: email };
      await signupAndLogin(sys, email);
      state.scatteredUserId = (
        await db.query(`SELECT id FROM auth.users WHERE email = $1`, [email])
      ).rows[0].id;
      for (const target of opts.scales) results.scales.push(await atScale(sys, db, state, target));
      await sleep(0);
    } finally {
      await db.end();
    }
  } catch (err) {
    failure = err;
    log(`FAILED: ${err.stack ?? err}`);
  } finally {
    log('tearing down');
    await sys.stop().catch((err) => log(`teardown: ${err.message}`));
  }
  results.finishedAt = new Date().toISOString();
  if (results.machine) results.machine.loadavgEnd = os.loadavg();
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'results', 'growth.json'), JSON.stringify(results, null, 2));
  if (failure) process.exit(1);
  const body = render(results);
  process.stdout.write(`\n${body}\n`);
  if (!args['no-write']) {
    await writeDoc(join(ROOT, args.out), body);
    log(`wrote ${args.out}`);
  }
}

await main();
