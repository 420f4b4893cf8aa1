// An open-loop load: requests leave on a fixed schedule (rate per second, evenly spaced) whether or not earlier ones
// have answered, and each latency counts from the moment its request was due, so a slow server cannot slow the
// generator down and hide its own queueing (no coordinated omission). autocannon's overallRate fires every
// connection's share at once, in bursts, which measures the bursts rather than the server.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export async function openLoop({ url, headers = {}, rate, seconds, maxSockets = 256, timeoutMs = 10_000 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const target = new URL(url);
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies = [];
  let non2xx = 0;
  let errors = 0;
  const send = (due) =>
    new Promise((resolve) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          headers,
          agent,
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - due);
            else non2xx++;
            resolve();
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const start = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    inflight.push(send(due));
  }
  await Promise.all(inflight);
  const duration = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : null;
  return {
    rps: latencies.length / duration,
    ok: latencies.length,
    non2xx,
    errors,
    timeouts: 0,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.length ? latencies[latencies.length - 1] : null,
    seconds: duration,
  };
}
