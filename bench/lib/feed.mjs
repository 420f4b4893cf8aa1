// The change feed (issue 11): commit → event latency over two gateways, the cost of 1,000 idle streams on one
// gateway, and a client pulling every change from no cursor next to the same rows paged through the list API.
import { request } from 'node:http';
import pg from 'pg';
import { PhaseSampler, rssMb } from './metrics.mjs';
import { ServiceProcess, freePort, sleep } from './system.mjs';

const log = (msg) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// A text/event-stream reader that keeps only what the bench needs: each event's name, data and arrival time.
function openStream(baseUrl, token, onEvent) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/v1/events`,
      { agent: false, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET /v1/events answered ${res.statusCode}`));
          return;
        }
        let buffer = '';
        let event = { data: '' };
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          const at = performance.timeOrigin + performance.now();
          buffer += chunk;
          let nl;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (line === '') {
              if (event.name)
                onEvent({ name: event.name, data: event.data ? JSON.parse(event.data) : null, at });
              event = { data: '' };
            } else if (line.startsWith('event: ')) event.name = line.slice(7);
            else if (line.startsWith('data: ')) event.data += line.slice(6);
          }
        });
        resolve({ close: () => req.destroy(), response: res });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function json(url, token) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

// A second gateway of the same system (same broker user, database-less like the first), for this phase only.
async function startSecondGateway(sys, extraEnv) {
  const first = sys.services.get('gateway');
  const port = await freePort();
  const gw = new ServiceProcess(
    'gateway-2',
    'gateway',
    { ...first.env, PORT: String(port), ...extraEnv },
    sys.logDir,
    [],
    sys.root,
  );
  gw.start();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/health/ready`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return { url, process: gw };
    if (!gw.running || Date.now() > deadline)
      throw new Error(`the second gateway did not start; see ${gw.logFile}`);
    await sleep(200);
  }
}

// Rounds of one small bank change each: the emulator's webhook makes the system sync it, and the event's arrival on
// a stream of each gateway is timed from the commit of the sync's last page (sync.items.last_synced_at).
async function deliveryLatency(sys, db, token, ingest, gateways, rounds) {
  const arrivals = gateways.map(() => []);
  const streams = await Promise.all(
    gateways.map((url, i) =>
      openStream(url, token, (e) => {
        if (e.name === 'transactions.changed' && e.data.itemId === ingest.itemId) arrivals[i].push(e.at);
      }),
    ),
  );
  const latencies = gateways.map(() => []);
  try {
    for (let round = 0; round < rounds; round++) {
      const before = arrivals.map((a) => a.length);
      const res = await fetch(
        `${sys.sandboxUrl}/sandbox-control/items/${ingest.plaidItemId}/transactions/mutate`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ add: 1, webhook: true }),
        },
      );
      if (!res.ok) throw new Error(`mutate: ${res.status} ${await res.text()}`);
      const deadline = Date.now() + 30_000;
      while (arrivals.some((a, i) => a.length <= before[i])) {
        if (Date.now() > deadline) throw new Error(`round ${round}: no transactions.changed on every stream`);
        await sleep(5);
      }
      const { rows } = await db.query('SELECT last_synced_at FROM sync.items WHERE item_id = $1', [
        ingest.itemId,
      ]);
      const committed = rows[0].last_synced_at.getTime();
      arrivals.forEach((a, i) => latencies[i].push(a[before[i]] - committed));
    }
  } finally {
    streams.forEach((s) => s.close());
  }
  return latencies.map((l) => {
    const sorted = [...l].sort((a, b) => a - b);
    return { rounds: l.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
  });
}

// 1,000 streams held open on a gateway that serves nothing else: RSS above its idle RSS, and its CPU while idle
// (two keep-alive periods).
async function idleStreams(gateway, token, count, idleSeconds) {
  const pid = gateway.process.pid;
  await sleep(2000);
  const idleRss = rssMb(pid);
  const streams = [];
  for (let i = 0; i < count; i += 50) {
    streams.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, () => openStream(gateway.url, token, () => {})),
      )),
    );
  }
  await sleep(2000);
  const sampler = new PhaseSampler({ gateway: pid });
  await sleep(idleSeconds * 1000);
  const phase = sampler.stop();
  const open = streams.filter((s) => !s.response.complete).length;
  streams.forEach((s) => s.close());
  return {
    streams: count,
    stillOpen: open,
    idleRssMb: idleRss,
    withStreamsRssMb: phase.maxRssMb.gateway,
    aboveIdleMb: phase.maxRssMb.gateway - idleRss,
    idleCpuPercentOfCore: (phase.cpuSeconds.gateway / phase.wallSeconds) * 100,
    sampledSeconds: phase.wallSeconds,
  };
}

// Every change from no cursor (GET /v1/transactions/changes, limit 500) next to GET /v1/transactions paged with
// its nextCursor (limit 500): same user, same rows.
async function pullAll(gatewayUrl, token) {
  let t0 = performance.now();
  let cursor;
  let changes = 0;
  let pages = 0;
  for (;;) {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await json(`${gatewayUrl}/v1/transactions/changes?limit=500${q}`, token);
    changes += page.added.length + page.modified.length + page.removed.length;
    pages++;
    cursor = page.nextCursor;
    if (!page.hasMore) break;
  }
  const delta = { rows: changes, pages, seconds: (performance.now() - t0) / 1000 };
  t0 = performance.now();
  let next = null;
  let rows = 0;
  pages = 0;
  do {
    const q = next ? `&cursor=${encodeURIComponent(next)}` : '';
    const page = await json(`${gatewayUrl}/v1/transactions?limit=500${q}`, token);
    rows += page.data.length;
    pages++;
    next = page.nextCursor;
  } while (next);
  const list = { rows, pages, seconds: (performance.now() - t0) / 1000 };
  return { delta, list };
}

export async function feedBench(sys, token, ingest, { rounds = 50, streams = 1000, idleSeconds = 32 } = {}) {
  const db = new pg.Client({ connectionString: sys.databaseUrl });
  await db.connect();
  // The gateway allows at most 1,000 streams per user; the latency run's stream is closed before the idle run.
  const second = await startSecondGateway(sys, { STREAM_MAX_PER_USER: String(Math.min(streams, 1000)) });
  try {
    log('feed: pulling every change from no cursor, then the same rows through the list API');
    const pull = await pullAll(sys.gatewayUrl, token);
    log(
      `feed: delta ${pull.delta.rows} rows in ${pull.delta.seconds.toFixed(1)} s; list ${pull.list.seconds.toFixed(1)} s`,
    );
    log(`feed: ${rounds} rounds of commit → event on both gateways`);
    const [first, other] = await deliveryLatency(
      sys,
      db,
      token,
      ingest,
      [sys.gatewayUrl, second.url],
      rounds,
    );
    log(`feed: latency p50 ${first.p50} / ${other.p50} ms, p99 ${first.p99} / ${other.p99} ms`);
    await sleep(1000); // the latency run's streams are gone from the hub
    log(`feed: ${streams} idle streams on the second gateway for ${idleSeconds} s`);
    const idle = await idleStreams(second, token, streams, idleSeconds);
    log(`feed: +${idle.aboveIdleMb.toFixed(1)} MB, ${idle.idleCpuPercentOfCore.toFixed(2)} % of a core`);
    return { pull, latency: { firstGateway: first, secondGateway: other }, idle };
  } finally {
    await second.process.stop();
    await db.end();
  }
}
