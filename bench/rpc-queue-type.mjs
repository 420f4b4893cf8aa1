#!/usr/bin/env node
// Issue #17: RPC request latency through a quorum versus a classic request queue, on the same broker, in one run.
// Both go through Nest's RMQ transport with the options of libs/messaging's rmq-options.ts (non-persistent
// requests, direct reply-to, Nagle off, manual acks); only the request queue's x-queue-type differs. Measured:
// round trips one at a time (p50/p99) and with N in flight (req/s). Rounds alternate the order.
//
//   node bench/rpc-queue-type.mjs [--rpcs 1000] [--inflight 50] [--rounds 2]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ClientRMQ, ServerRMQ } from '@nestjs/microservices';
import amqplib from 'amqplib';
import { firstValueFrom } from 'rxjs';

const { values: args } = parseArgs({
  options: {
    rpcs: { type: 'string', default: '1000' },
    inflight: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '2' },
  },
});
const URL =
  process.env.BENCH_RABBITMQ_URL ?? process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RPCS = Number(args.rpcs);
const INFLIGHT = Number(args.inflight);
const PREFIX = `bench.qtype.${randomBytes(3).toString('hex')}.`;
// The same settings as libs/messaging's AMQP_SOCKET_OPTIONS.
const SOCKET = {
  connectionOptions: { noDelay: true },
  heartbeatIntervalInSeconds: 10,
  reconnectTimeInSeconds: 1,
};

const rows = [];
const record = (type, what, value) => {
  rows.push({ type, what, value });
  process.stdout.write(`${type.padEnd(8)} ${what.padEnd(32)} ${value}\n`);
};
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function rpcSeries(type, call) {
  for (let i = 0; i < 50; i++) await call(); // warm-up
  const lat = [];
  for (let i = 0; i < RPCS; i++) {
    const t = process.hrtime.bigint();
    await call();
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  lat.sort((a, b) => a - b);
  record(
    type,
    `serial (${RPCS})`,
    `p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms`,
  );
  const n = RPCS * 2;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: INFLIGHT }, async () => {
      while (next < n) {
        next++;
        await call();
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  record(type, `${INFLIGHT} in flight (${n})`, `${Math.round(n / secs)} req/s`);
}

async function measure(type) {
  const queue = `${PREFIX}${type}.rpc`;
  const queueOptions = { durable: true, arguments: { 'x-queue-type': type } };
  const server = new ServerRMQ({
    urls: [URL],
    queue,
    queueOptions,
    noAck: false,
    prefetchCount: 32,
    socketOptions: SOCKET,
  });
  server.addHandler('bench.ping.v1', async (data, ctx) => {
    ctx.getChannelRef().ack(ctx.getMessage());
    return { pong: data.n };
  });
  await new Promise((resolve, reject) => server.listen((err) => (err ? reject(err) : resolve())));
  const client = new ClientRMQ({
    urls: [URL],
    queue,
    noAssert: true,
    persistent: false,
    socketOptions: SOCKET,
  });
  await client.connect();
  let n = 0;
  try {
    await rpcSeries(type, () => firstValueFrom(client.send('bench.ping.v1', { n: ++n })));
  } finally {
    await client.close();
    await server.close();
    const conn = await amqplib.connect(URL);
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue).catch(() => undefined);
    await conn.close();
  }
}

process.stdout.write(`RPC queue type on ${URL.replace(/\/\/[^@]*@/, '//')}, node ${process.version}\n`);
for (let round = 0; round < Number(args.rounds); round++) {
  process.stdout.write(`-- round ${round + 1}\n`);
  for (const type of round % 2 === 0 ? ['quorum', 'classic'] : ['classic', 'quorum']) await measure(type);
}
process.stdout.write(`\n${JSON.stringify(rows)}\n`);
process.exit(0);
