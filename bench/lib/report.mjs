// The console table and the generated part of docs/PERFORMANCE.md (between the bench markers; the hand-written
// findings around them are kept).
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { renderProfileTable } from './profile-report.mjs';

const START = '<!-- bench:generated:start -->';
const END = '<!-- bench:generated:end -->';
const SERVICES = ['gateway', 'auth', 'plaid-link', 'sync-worker', 'plaid-sandbox'];
const RSS_LIMIT_MB = 200;

const n0 = (v) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : Math.round(v).toLocaleString('en-US');
const n1 = (v) => (v === null || v === undefined ? '—' : v.toFixed(1));
const pct = (a, b) => (a && b ? `${Math.round((100 * a) / b)}%` : '—');
const ms = (v) => (v === null || v === undefined ? '—' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);
const yes = (ok) => (ok ? 'met' : '**not met**');

// One row per benchmark: [benchmark, what, measured, ceiling, ratio, target, verdict].
export function summaryRows(r) {
  const rows = [];
  if (r.ingest) {
    const c = r.ingestCeiling;
    const copy = c?.copy?.rowsPerSecond;
    rows.push([
      'sync ingest',
      `${n0(r.ingest.rows)} tx, linked job start → all rows queryable`,
      `${n0(r.ingest.txPerSecond)} tx/s`,
      c ? `${n0(copy)} rows/s (COPY→temp→upsert)` : '—',
      pct(r.ingest.txPerSecond, copy),
      '≥ 70% of ceiling (issue 23)',
      c ? yes(r.ingest.txPerSecond >= 0.7 * copy) : '—',
    ]);
    if (c) {
      rows.push([
        'sync ingest',
        'same, vs. the unnest statement the worker uses, run bare',
        `${n0(r.ingest.txPerSecond)} tx/s`,
        `${n0(c.unnest.rowsPerSecond)} rows/s (unnest upsert)`,
        pct(r.ingest.txPerSecond, c.unnest.rowsPerSecond),
        '(context)',
        '',
      ]);
    }
  }
  const list = r.read?.[0];
  for (const s of r.readInsights?.scenarios ?? []) {
    rows.push([
      'read API',
      `GET /v1/insights/spending?${s.query} (${n0(s.counted)} tx), ${r.opts.connections} connections`,
      `${n0(s.system.rps)} rps, p50 ${ms(s.system.p50)}, p99 ${ms(s.system.p99)}, CPU/req ${cpuPerRequest(s.system)}`,
      list ? `list ${list.name}: p99 ${ms(list.system.p99)}` : '—',
      '—',
      'p99 ≤ the list’s',
      yes(
        s.system.non2xx === 0 &&
          s.system.errors === 0 &&
          list !== undefined &&
          s.system.p99 <= list.system.p99,
      ),
    ]);
  }
  for (const s of r.read ?? []) {
    const cpu = cpuRatio(s);
    rows.push([
      'read API',
      `GET /v1/transactions ${s.name}, ${r.opts.connections} connections`,
      `${n0(s.system.rps)} rps, p50 ${ms(s.system.p50)}, p99 ${ms(s.system.p99)}, CPU/req ${cpuPerRequest(s.system)}`,
      `${n0(s.ceiling.rps)} rps, p99 ${ms(s.ceiling.p99)}, CPU/req ${cpuPerRequest(s.ceiling)}`,
      `${pct(s.system.rps, s.ceiling.rps)}; CPU/req ${cpu === null ? '—' : `${cpu.toFixed(2)}x`}`,
      '≥ 60% rps; CPU/req ≤ 1.7x (issue 23)',
      yes(
        s.system.rps >= 0.6 * s.ceiling.rps &&
          cpu !== null &&
          cpu <= 1.7 &&
          s.system.non2xx === 0 &&
          s.system.errors === 0,
      ),
    ]);
  }
  if (r.readOpenLoop) {
    const o = r.readOpenLoop;
    rows.push([
      'read API',
      `GET /v1/transactions ${o.name}, open loop ${n0(o.rate)} req/s for ${o.duration} s`,
      `${n0(o.system.rps)} rps, p50 ${ms(o.system.p50)}, p99 ${ms(o.system.p99)}`,
      `${n0(o.ceiling.rps)} rps, p50 ${ms(o.ceiling.p50)}, p99 ${ms(o.ceiling.p99)}`,
      '—',
      'p99 < 25 ms',
      yes(o.system.p99 < 25 && o.system.non2xx === 0 && o.system.errors === 0),
    ]);
  }
  for (const v of r.webhooks?.variants ?? []) {
    const c = r.webhooks.ceiling;
    rows.push([
      'webhook intake',
      `${n0(v.intake.ok)} signed webhooks, ${v.name}`,
      `${n0(v.intake.rps)}/s, p99 ${ms(v.intake.p99)}; processed ${n0(v.processedPerSecond)}/s; lost ${v.lost}`,
      c ? `${n0(c.intake.rps)}/s, p99 ${ms(c.intake.p99)}` : '—',
      pct(v.intake.rps, c?.intake.rps),
      '≥ 2,500/s and ≥ 60%, p99 < 50 ms, 0 lost (issue 23)',
      yes(
        v.intake.rps >= 2500 &&
          (!c || v.intake.rps >= 0.6 * c.intake.rps) &&
          v.intake.p99 < 50 &&
          v.lost === 0 &&
          v.intake.non2xx === 0,
      ),
    ]);
  }
  const mem = memoryTable(r);
  const worst = Math.max(...mem.filter((m) => m.service !== 'plaid-sandbox').map((m) => m.max));
  rows.push([
    'memory',
    'max RSS of any service, idle and under every load',
    `${n0(worst)} MB`,
    '—',
    '—',
    `< ${RSS_LIMIT_MB} MB each`,
    yes(worst < RSS_LIMIT_MB),
  ]);
  return rows;
}

// Per service: idle RSS and the max RSS sampled (every 250 ms) during each phase.
export function memoryTable(r) {
  const phases = phaseList(r);
  return SERVICES.map((service) => {
    const row = { service, idle: r.idle?.maxRssMb?.[service] ?? null, phases: {} };
    for (const [name, phase] of phases) row.phases[name] = phase.maxRssMb?.[service] ?? null;
    row.max = Math.max(
      row.idle ?? 0,
      ...Object.values(row.phases).map((v) => v ?? 0),
      r.idleAfter?.maxRssMb?.[service] ?? 0,
    );
    return row;
  });
}

function phaseList(r) {
  const out = [];
  if (r.ingest) out.push(['sync ingest', r.ingest.phase]);
  for (const s of r.read ?? []) out.push([`read ${s.name}`, s.system.phase]);
  if (r.readOpenLoop) out.push([`read open loop ${r.readOpenLoop.rate}/s`, r.readOpenLoop.system.phase]);
  for (const v of r.webhooks?.variants ?? []) out.push([`webhooks, ${v.name}`, v.phase]);
  return out;
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderConsole(r) {
  const quick = r.opts.quick
    ? 'QUICK RUN (small sizes: a smoke check of the ratios, not a measurement)\n\n'
    : '';
  if (r.ab) return `${quick}A/B: ${abTitle(r)}\n\n${table(AB_HEADER, abRows(r))}`;
  const header = ['benchmark', 'what', 'measured', 'ceiling (same run)', 'ratio', 'target', ''];
  return `${quick}${table(header, summaryRows(r))}`;
}

// CPU of the whole path per answered request (services or ceiling, Postgres, RabbitMQ, the load generator):
// the box's busy time minus what everything else on it used.
function cpuMsPerRequest(run) {
  const p = run.phase;
  if (!p || !run.ok) return null;
  return ((p.machineBusyCores - p.otherCores) * p.wallSeconds * 1000) / run.ok;
}

function cpuPerRequest(run) {
  const v = cpuMsPerRequest(run);
  return v === null ? '—' : `${v.toFixed(2)} ms`;
}

// The system's CPU per request over the ceiling's.
function cpuRatio(s) {
  const sys = cpuMsPerRequest(s.system);
  const bare = cpuMsPerRequest(s.ceiling);
  return sys === null || !bare ? null : sys / bare;
}

function cpuTable(r) {
  const phases = [...phaseList(r)];
  if (r.ingestCeiling) phases.push(['ceiling: ingest (COPY, then unnest)', r.ingestCeiling.phase]);
  for (const s of r.read ?? []) phases.push([`ceiling: read ${s.name}`, s.ceiling.phase]);
  if (r.webhooks?.ceiling) phases.push(['ceiling: webhooks', r.webhooks.ceiling.phase]);
  const cols = [...SERVICES, 'ceiling', 'postgres', 'rabbitmq', 'bench'];
  return table(
    ['phase', 'wall s', ...cols.map((c) => `${c} (cores)`), 'other processes (cores)'],
    phases.map(([name, p]) => [
      name,
      n1(p.wallSeconds),
      ...cols.map((c) =>
        p.cpuSeconds?.[c] === undefined || p.cpuSeconds[c] === null
          ? '—'
          : (p.cpuSeconds[c] / p.wallSeconds).toFixed(2),
      ),
      p.otherCores.toFixed(2),
    ]),
  );
}

export function renderMarkdown(r, argv) {
  const m = r.machine;
  const out = [];
  out.push(START);
  out.push(
    `<!-- Generated by \`node bench/run.mjs ${argv.join(' ')}\` at ${r.finishedAt}; edits here are overwritten. -->`,
  );
  out.push('');
  out.push(
    r.opts.quick
      ? '## Latest run (QUICK: small sizes, a smoke check of the ratios, not a measurement)'
      : '## Latest run',
  );
  out.push('');
  out.push(
    `- Machine: ${m.nproc} vCPU (${m.cpu}), ${m.memoryGb.toFixed(1)} GB RAM, Linux ${m.kernel}; Node ${m.node}, ` +
      `PostgreSQL ${m.postgres}, RabbitMQ ${m.rabbitmq}. Load generator (autocannon), ceilings and the system share ` +
      'the box and talk over loopback.',
  );
  out.push(
    `- Noise: load average ${m.loadavgStart.map((v) => v.toFixed(2)).join(' / ')} at the start, ` +
      `${m.loadavgEnd.map((v) => v.toFixed(2)).join(' / ')} at the end; ${m.e2eDatabasesAtStart} e2e database(s) of ` +
      'other runs existed at the start. The CPU table below shows, per phase, the cores used by each service, by Postgres ' +
      '(all its processes), by RabbitMQ and by everything else on the box ("other processes"). Compare ratios to the ' +
      'same-run ceilings rather than absolute numbers.',
  );
  out.push(
    `- Command: \`npm run build && node bench/run.mjs ${argv.join(' ')}\` (run ${r.runId}, ${r.startedAt} → ${r.finishedAt}).`,
  );
  out.push(
    `- Parameters: sync size ${n0(r.opts.syncSize)}, ${r.opts.connections} connections, ${r.opts.duration} s per read load ` +
      `(+${r.opts.warmup} s warm-up), ${n0(r.opts.webhooks)} webhooks per intake run` +
      `${r.opts.nodeOptions ? `, NODE_OPTIONS=\`${r.opts.nodeOptions}\`` : ''}${r.opts.profile?.length ? `, CPU-profiled: ${r.opts.profile.join(', ')} (slower)` : ''}. ` +
      'Services run with LOG_LEVEL=warn; sync-worker with PLAID_SYNC_CALLS_PER_MINUTE=0 (the emulator has no rate limit).',
  );
  out.push('');
  if (r.ab) {
    out.push(...renderAbMarkdown(r));
    out.push(...renderProfileTable(r.profileSummary, true));
    out.push(END);
    return out.join('\n');
  }
  out.push(
    table(['benchmark', 'what', 'measured', 'ceiling (same run)', 'ratio', 'target', ''], summaryRows(r)),
  );
  out.push('');
  out.push(...renderProfileTable(r.profileSummary, false));

  if (r.ingest) {
    const i = r.ingest;
    const c = r.ingestCeiling;
    out.push('### Sync ingest');
    out.push('');
    out.push(
      'With `SANDBOX_AUTO_WEBHOOKS=false` there is no SYNC_UPDATES_AVAILABLE before the first pull: the `link.item.linked` ' +
        'job does the first sync (item, institution, accounts, then `/transactions/sync` in pages of 500 until `has_more` ' +
        "is false). **Measured window: from the job's start (`sync.items.created_at`, written by its first statement) to " +
        'the commit of the last page (`sync.items.last_synced_at`, committed with the last rows)**; the count of rows ' +
        "is then checked against the emulator's `transaction_count`. The end-to-end window from `POST /v1/plaid/exchange` " +
        '(polled every 50 ms) is shown too.',
    );
    out.push('');
    out.push(
      table(
        ['measure', 'value'],
        [
          ['rows (= emulator transaction_count)', n0(i.rows)],
          ['exchange → linked job start', `${n1(i.toJobStartSeconds)} s`],
          [
            'linked job start → last row committed',
            `${i.jobSeconds.toFixed(2)} s → **${n0(i.txPerSecond)} tx/s**`,
          ],
          [
            'first page written (its transaction start) → last page committed',
            `${i.firstPageToLastSeconds.toFixed(2)} s`,
          ],
          [
            'exchange → all rows queryable (end to end)',
            `${i.endToEndSeconds.toFixed(2)} s → ${n0(i.txPerSecondEndToEnd)} tx/s`,
          ],
          ...(c
            ? [
                [
                  `ceiling: COPY → temp table → INSERT … ON CONFLICT, 500-row pages`,
                  `${c.copy.seconds.toFixed(2)} s → **${n0(c.copy.rowsPerSecond)} rows/s**`,
                ],
                [
                  "ceiling: the worker's unnest upsert, bare",
                  `${c.unnest.seconds.toFixed(2)} s → ${n0(c.unnest.rowsPerSecond)} rows/s`,
                ],
                [
                  'emulator alone: the same rows through /transactions/sync (500/page), serial',
                  `${c.fetchSeconds.toFixed(2)} s → ${n0(c.fetchedRows / c.fetchSeconds)} rows/s`,
                ],
              ]
            : []),
        ],
      ),
    );
    out.push('');
    out.push(
      'Ceiling table: `bench.transactions (LIKE sync.transactions INCLUDING ALL)` plus the same two foreign keys ' +
        "(items, accounts), fresh for each method, one connection, one transaction per page. COPY uses pg's " +
        'Submittable interface directly (pg-copy-streams is not installed).',
    );
    out.push('');
  }

  if (r.read) {
    out.push('### Read API');
    out.push('');
    out.push(
      `autocannon, ${r.opts.connections} connections, ${r.opts.duration} s after a ${r.opts.warmup} s warm-up. System: ` +
        'gateway (JWT guard, validation) → `sync.rpc` → sync-worker → Postgres. Ceiling: `bench/ceilings/read-server.mjs`, ' +
        "bare Fastify + pg (pool 10) running the repository's SQL for the same user, no auth. Each scenario checks first " +
        'that both answer the same page. CPU/req: CPU of the whole path (processes, Postgres, RabbitMQ, autocannon) per ' +
        'answered request.',
    );
    out.push('');
    out.push(
      table(
        [
          'query',
          'system rps',
          'p50',
          'p99',
          'max',
          'non-2xx',
          'CPU/req',
          'ceiling rps',
          'ceiling p50',
          'ceiling p99',
          'ceiling CPU/req',
          'ratio',
        ],
        r.read.map((s) => [
          s.name,
          n0(s.system.rps),
          ms(s.system.p50),
          ms(s.system.p99),
          ms(s.system.max),
          String(s.system.non2xx + s.system.errors),
          cpuPerRequest(s.system),
          n0(s.ceiling.rps),
          ms(s.ceiling.p50),
          ms(s.ceiling.p99),
          cpuPerRequest(s.ceiling),
          pct(s.system.rps, s.ceiling.rps),
        ]),
      ),
    );
    out.push('');
    if (r.readStale) {
      const st = r.readStale;
      const time = (plan) => /Execution Time: ([\d.]+) ms/.exec(plan ?? '')?.[1];
      const node = (plan) => (plan ?? '').split('\n')[0].replace(/\s+\(cost.*$/, '');
      out.push(
        `Right after the ingest (statistics: last analyze ${st.lastAnalyze?.at ? new Date(st.lastAnalyze.at).toISOString() : 'never'}, ` +
          `${n0(st.lastAnalyze?.modified)} rows modified since), before the bench runs \`ANALYZE sync.transactions\` ` +
          '(what autovacuum does eventually), the same queries plan and run like this (one execution, EXPLAIN ANALYZE):',
      );
      out.push('');
      out.push(
        table(
          [
            'query',
            'stale statistics: top plan node',
            'execution',
            'after ANALYZE: top plan node',
            'execution',
          ],
          r.read.map((s) => [
            s.name,
            node(st.plans[s.name]),
            `${time(st.plans[s.name]) ?? '—'} ms`,
            node(s.explain),
            `${time(s.explain) ?? '—'} ms`,
          ]),
        ),
      );
      out.push('');
      out.push('<details><summary>plans with stale statistics</summary>');
      out.push('');
      for (const s of r.read) {
        out.push(`${s.name}:`);
        out.push('```');
        out.push(st.plans[s.name] ?? '(not available)');
        out.push('```');
      }
      out.push('</details>');
      out.push('');
    }
    out.push(
      '<details><summary>EXPLAIN (ANALYZE, BUFFERS) of each query for this user, after ANALYZE and the load</summary>',
    );
    out.push('');
    for (const s of r.read) {
      out.push(`${s.name}:`);
      out.push('```');
      out.push(s.explain ?? '(not available)');
      out.push('```');
    }
    out.push('</details>');
    out.push('');
  }

  if (r.webhooks) {
    const c = r.webhooks.ceiling;
    out.push('### Webhook intake');
    out.push('');
    out.push(
      'Distinct TRANSACTIONS/SYNC_UPDATES_AVAILABLE bodies, each signed by the emulator (`/sandbox-control/sign`, outside ' +
        `the timing), posted with autocannon at ${r.opts.connections} connections to \`/v1/webhooks/plaid\`. Accepted = 200. ` +
        '"Processed" = the `sync.events` queue has no ready message and rabbitmqctl shows no unacknowledged one; "lost" = ' +
        'messages left in the events, retry and dead-letter queues + unacked + (unknown-item run) accepted webhooks without ' +
        'the worker\'s "unknown item" log line. Ceiling: `bench/ceilings/webhook-server.mjs`, bare Fastify, same JWT and ' +
        'body-hash checks, confirmed persistent publish to a scratch queue.',
    );
    out.push('');
    out.push(
      table(
        [
          'run',
          'accepted',
          'accepted/s',
          'p50',
          'p99',
          'max',
          'non-2xx',
          'queue drained after',
          'processed/s',
          'lost',
        ],
        [
          ...r.webhooks.variants.map((v) => [
            v.name,
            n0(v.intake.ok),
            n0(v.intake.rps),
            ms(v.intake.p50),
            ms(v.intake.p99),
            ms(v.intake.max),
            String(v.intake.non2xx + v.intake.errors),
            `${n1(v.drainedSeconds)} s`,
            n0(v.processedPerSecond),
            String(v.lost),
          ]),
          ...(c
            ? [
                [
                  'ceiling (bare verify + confirmed publish)',
                  n0(c.intake.ok),
                  n0(c.intake.rps),
                  ms(c.intake.p50),
                  ms(c.intake.p99),
                  ms(c.intake.max),
                  String(c.intake.non2xx + c.intake.errors),
                  '—',
                  '—',
                  `${c.queued} queued`,
                ],
              ]
            : []),
        ],
      ),
    );
    out.push('');
  }

  if (r.feed) {
    const { pull, latency, idle } = r.feed;
    out.push('### Change feed (issue 11)');
    out.push('');
    out.push(
      `Latency: ${latency.firstGateway.rounds} rounds of one added transaction at the emulator (webhook → sync), timed from ` +
        "the commit of the sync's last page (`sync.items.last_synced_at`) to the arrival of `transactions.changed` on a " +
        'stream of each of two gateways. Idle streams: held by a second gateway that serves nothing else, RSS above its ' +
        `own idle RSS and its CPU over ${n0(idle.sampledSeconds)} s (two keep-alive periods). Pull: every change from no ` +
        'cursor at limit 500, next to `GET /v1/transactions` paged with `nextCursor` at limit 500, same user.',
    );
    out.push('');
    out.push(
      table(
        ['measure', 'result', 'target'],
        [
          [
            'commit → event, p50 (gateway 1 / gateway 2)',
            `${ms(latency.firstGateway.p50)} / ${ms(latency.secondGateway.p50)}`,
            '—',
          ],
          [
            'commit → event, p99 (gateway 1 / gateway 2)',
            `${ms(latency.firstGateway.p99)} / ${ms(latency.secondGateway.p99)}`,
            '—',
          ],
          [
            `${n0(idle.streams)} idle streams: RSS above the idle gateway`,
            `${n1(idle.aboveIdleMb)} MB (${n0(idle.idleRssMb)} → ${n0(idle.withStreamsRssMb)})`,
            `< 100 MB: ${yes(idle.aboveIdleMb < 100)}`,
          ],
          [
            `${n0(idle.streams)} idle streams: CPU`,
            `${idle.idleCpuPercentOfCore.toFixed(2)} % of a core`,
            `< 2 %: ${yes(idle.idleCpuPercentOfCore < 2)}`,
          ],
          ['streams still open at the end', `${n0(idle.stillOpen)} of ${n0(idle.streams)}`, '—'],
          [
            `pull ${n0(pull.delta.rows)} changes from no cursor`,
            `${n1(pull.delta.seconds)} s (${n0(pull.delta.pages)} pages, ${n0(pull.delta.rows / pull.delta.seconds)} rows/s)`,
            '—',
          ],
          [
            `page ${n0(pull.list.rows)} rows through GET /v1/transactions`,
            `${n1(pull.list.seconds)} s (${n0(pull.list.pages)} pages, ${n0(pull.list.rows / pull.list.seconds)} rows/s)`,
            '—',
          ],
        ],
      ),
    );
    out.push('');
  }

  out.push('### Memory (RSS, MB)');
  out.push('');
  const mem = memoryTable(r);
  const phaseNames = Object.keys(mem[0].phases);
  out.push(
    table(
      ['service', 'idle', ...phaseNames, 'max', `< ${RSS_LIMIT_MB} MB`],
      mem.map((m) => [
        m.service,
        n0(m.idle),
        ...phaseNames.map((p) => n0(m.phases[p])),
        n0(m.max),
        m.service === 'plaid-sandbox' ? '(emulator, not ours)' : yes(m.max < RSS_LIMIT_MB),
      ]),
    ),
  );
  out.push('');
  out.push('### CPU per phase (cores used: CPU seconds / wall seconds)');
  out.push('');
  out.push(cpuTable(r));
  out.push('');
  out.push(END);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// --ab: both trees, per round, every metric next to the same ceiling.

// [phase, metric, value, ceiling, better] of one side's results of one round.
function metricsOf(r) {
  const m = [];
  const add = (phase, metric, value, ceiling, better) => m.push({ phase, metric, value, ceiling, better });
  if (r.ingest)
    add('sync ingest', 'tx/s', r.ingest.txPerSecond, r.ingestCeiling?.copy?.rowsPerSecond, 'higher');
  for (const s of r.read ?? []) {
    add(`read ${s.name}`, 'rps', s.system.rps, s.ceiling.rps, 'higher');
    add(`read ${s.name}`, 'p99 ms', s.system.p99, s.ceiling.p99, 'lower');
    add(`read ${s.name}`, 'CPU ms/req', cpuMsPerRequest(s.system), cpuMsPerRequest(s.ceiling), 'lower');
    const ours = ['gateway', 'sync-worker'].map((x) => s.system.phase?.cpuSeconds?.[x] ?? null);
    if (!ours.includes(null) && s.system.ok) {
      add(
        `read ${s.name}`,
        'gateway + sync-worker CPU ms/req',
        (1000 * (ours[0] + ours[1])) / s.system.ok,
        null,
        'lower',
      );
    }
  }
  if (r.readOpenLoop) {
    const o = r.readOpenLoop;
    add(`read open loop ${o.rate}/s`, 'p99 ms', o.system.p99, o.ceiling.p99, 'lower');
  }
  for (const s of r.readInsights?.scenarios ?? []) {
    add(`read ${s.name}`, 'rps', s.system.rps, null, 'higher');
    add(`read ${s.name}`, 'p99 ms', s.system.p99, null, 'lower');
  }
  if (r.feed) {
    add('feed', 'commit → event p99 ms', r.feed.latency.firstGateway.p99, null, 'lower');
    add(
      'feed',
      `page ${n0(r.feed.pull.list.rows)} rows through the list, s`,
      r.feed.pull.list.seconds,
      r.feed.pull.delta.seconds,
      'lower',
    );
  }
  for (const v of r.webhooks?.variants ?? []) {
    add(`webhooks, ${v.name}`, 'accepted/s', v.intake.rps, r.webhooks.ceiling?.intake.rps, 'higher');
    add(`webhooks, ${v.name}`, 'p99 ms', v.intake.p99, r.webhooks.ceiling?.intake.p99, 'lower');
    const gw = v.phase?.cpuSeconds?.gateway;
    if (gw !== null && gw !== undefined && v.intake.ok) {
      add(`webhooks, ${v.name}`, 'gateway CPU ms/webhook', (1000 * gw) / v.intake.ok, null, 'lower');
    }
    add(`webhooks, ${v.name}`, 'lost', v.lost, null, 'lower');
  }
  return m;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const num = (v) => {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (Number.isInteger(v) || Math.abs(v) >= 100) return n0(v);
  return v.toFixed(v < 10 ? 2 : 1);
};
const signed = (v) => `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;

// Rows: phase, metric, A mean (rounds), B mean (rounds), A ratio to ceiling, B ratio, A vs B mean Δ (range).
export function abRows(r) {
  const rounds = r.ab.rounds;
  const per = rounds.map((round) => ({ A: metricsOf(round.A), B: metricsOf(round.B) }));
  const rows = [];
  per[0].A.forEach((first, i) => {
    const pick = (side) =>
      per.map((p) => p[side].find((x) => x.phase === first.phase && x.metric === first.metric));
    const a = pick('A');
    const b = pick('B');
    if (a.some((x) => !x) || b.some((x) => !x)) return;
    const values = (xs) => xs.map((x) => x.value).filter((v) => v !== null && v !== undefined);
    const ratio = (xs) => {
      const rs = xs.filter((x) => x.ceiling && x.value !== null).map((x) => (100 * x.value) / x.ceiling);
      return rs.length ? `${Math.round(mean(rs))}%` : '—';
    };
    const deltas = a
      .map((x, k) => (x.value !== null && b[k].value ? (100 * (x.value - b[k].value)) / b[k].value : null))
      .filter((d) => d !== null);
    const av = values(a);
    const bv = values(b);
    rows.push([
      first.phase,
      `${first.metric} (${first.better} is better)`,
      av.length ? `${num(mean(av))} (${av.map(num).join(' / ')})` : '—',
      bv.length ? `${num(mean(bv))} (${bv.map(num).join(' / ')})` : '—',
      ratio(a),
      ratio(b),
      deltas.length
        ? `${signed(mean(deltas))} (${signed(Math.min(...deltas))} … ${signed(Math.max(...deltas))})`
        : '—',
    ]);
  });
  return rows;
}

const AB_HEADER = [
  'phase',
  'metric',
  'A: mean (per round)',
  'B: mean (per round)',
  'A / ceiling',
  'B / ceiling',
  'A vs B: mean Δ (range over rounds)',
];

function abTitle(r) {
  const { a, b } = r.ab;
  return (
    `A = this tree (${a.sha.slice(0, 12)}${a.dirty ? ' + uncommitted changes' : ''}, "${a.subject}"), ` +
    `B = ${b.ref} (${b.sha.slice(0, 12)}, "${b.subject}"); ${r.ab.rounds.length} rounds, orders ` +
    `${r.ab.rounds.map((x) => x.order.join('')).join(', ')}`
  );
}

function renderAbMarkdown(r) {
  const out = [];
  out.push(
    `### A/B in one run${r.opts.quick ? ' (quick: small sizes, a smoke check, not a measurement)' : ''}`,
  );
  out.push('');
  out.push(
    `${abTitle(r)}. Every phase ran for both trees, one after the other, on one emulator; the ceilings ran once per ` +
      "phase and round (this tree's statements, side A's user). Δ = (A − B) / B per round: a difference inside the " +
      'range of its rounds is not a finding; more rounds (`--ab-rounds`) narrow it.',
  );
  out.push('');
  out.push(table(AB_HEADER, abRows(r)));
  out.push('');
  const mem = (key) => {
    const sides = r.ab.rounds.map((round) => round[key]);
    return SERVICES.map((service) => {
      const vals = [r.ab[key.toLowerCase()].idle, r.ab[key.toLowerCase()].idleAfter]
        .concat(sides.flatMap((s) => phaseList(s).map(([, p]) => p)))
        .map((p) => p?.maxRssMb?.[service] ?? 0);
      return Math.max(...vals);
    });
  };
  const a = mem('A');
  const b = mem('B');
  out.push('Max RSS per service over the whole run (MB):');
  out.push('');
  out.push(
    table(
      ['service', 'A', 'B'],
      SERVICES.map((s, i) => [s, n0(a[i]), n0(b[i])]),
    ),
  );
  out.push('');
  return out;
}

const TEMPLATE = `# Performance

How fast the system is on a small machine, next to what the same machine can do without our code in the way.
\`npm run build && npm run bench\` regenerates the part between the markers; the rest of this page is written by hand.

`;

export async function writePerformanceDoc(file, r, argv) {
  const generated = renderMarkdown(r, argv);
  let text = existsSync(file) ? await readFile(file, 'utf8') : `${TEMPLATE}${START}\n${END}\n`;
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  text =
    a >= 0 && b > a
      ? `${text.slice(0, a)}${generated}${text.slice(b + END.length)}`
      : `${text}\n${generated}\n`;
  await writeFile(file, text);
}
