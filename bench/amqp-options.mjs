#!/usr/bin/env node
// The two AMQP layers issue #10 asks to compare, on the same broker, in one run:
//   (a) what we use: one shared amqp-connection-manager connection for confirmed events (libs/messaging's
//       AmqpConnection: confirm channel, persistent, mandatory, a messageId to match returns) and Nest's RMQ
//       transport (ClientRMQ/ServerRMQ, Nagle off) for RPC;
//   (b) @golevelup/nestjs-rabbitmq's AmqpConnection: publish() and request()/createRpc() (direct reply-to).
// Each option gets its own connections (producer and consumer apart, as between two processes). Measured:
// persistent 1 KiB publishes with confirms to a durable queue, awaited one by one and with N in flight; RPC
// round trips one at a time (p50/p99) and with N in flight (req/s).
//
//   node bench/amqp-options.mjs [--publishes 5000] [--rpcs 2000] [--inflight 100] [--rounds 2] [--golevelup DIR]
//
// @golevelup/nestjs-rabbitmq is not a dependency of the project (it declares peer Nest ^11; we run Nest 12).
// To measure it, install it aside:
//   mkdir -p /tmp/golevelup-bench && cd /tmp/golevelup-bench && npm init -y && \
//     npm install --legacy-peer-deps @golevelup/nestjs-rabbitmq && \
//     for p in @nestjs rxjs reflect-metadata; do ln -s "$OLDPWD/node_modules/$p" node_modules/$p; done
// (from the repository root; the links make its peers this project's Nest 12), then pass --golevelup DIR.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClientRMQ, ServerRMQ } from '@nestjs/microservices';
import amqp from 'amqp-connection-manager';
import amqplib from 'amqplib';
import { firstValueFrom } from 'rxjs';

const { values: args } = parseArgs({
  options: {
    publishes: { type: 'string', default: '5000' },
    rpcs: { type: 'string', default: '2000' },
    inflight: { type: 'string', default: '100' },
    golevelup: { type: 'string', default: process.env.GOLEVELUP_DIR ?? '/tmp/golevelup-bench' },
    rounds: { type: 'string', default: '2' },
  },
});
const URL =
  process.env.BENCH_RABBITMQ_URL ?? process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const PUBLISHES = Number(args.publishes);
const RPCS = Number(args.rpcs);
const INFLIGHT = Number(args.inflight);
const SERIAL = Math.min(1000, PUBLISHES);
const PREFIX = `bench.amqp.${randomBytes(3).toString('hex')}.`;
// The same settings as libs/messaging's AMQP_SOCKET_OPTIONS.
const SOCKET = {
  connectionOptions: { noDelay: true },
  heartbeatIntervalInSeconds: 10,
  reconnectTimeInSeconds: 1,
};
const BODY = Buffer.from(JSON.stringify({ pattern: 'bench.event.v1', data: { pad: 'x'.repeat(1000) } }));

const rows = [];
const record = (option, what, value) => {
  rows.push({ option, what, value });
  process.stdout.write(`${option.padEnd(34)} ${what.padEnd(44)} ${value}\n`);
};
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function timed(n, inflight, fn) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(inflight, n) }, async () => {
      while (next < n) {
        next++;
        await fn();
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function latencies(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

async function withQueues(names, fn) {
  const conn = await amqplib.connect(URL);
  const ch = await conn.createChannel();
  for (const q of names) await ch.assertQueue(q, { durable: true });
  try {
    return await fn();
  } finally {
    for (const q of names) await ch.deleteQueue(q).catch(() => undefined);
    await conn.close();
  }
}

async function publishSeries(option, publish) {
  await publish(); // warm-up (channel set-up)
  const serial = await timed(SERIAL, 1, publish);
  record(option, `confirmed publish, awaited one by one (${SERIAL})`, `${Math.round(SERIAL / serial)} msg/s`);
  const parallel = await timed(PUBLISHES, INFLIGHT, publish);
  record(
    option,
    `confirmed publish, ${INFLIGHT} in flight (${PUBLISHES})`,
    `${Math.round(PUBLISHES / parallel)} msg/s`,
  );
}

async function rpcSeries(option, call) {
  for (let i = 0; i < 50; i++) await call(); // warm-up
  const lat = await latencies(RPCS, call);
  record(
    option,
    `RPC round trip, serial (${RPCS})`,
    `p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms`,
  );
  const secs = await timed(RPCS * 2, 50, call);
  record(option, `RPC, 50 in flight (${RPCS * 2})`, `${Math.round((RPCS * 2) / secs)} req/s`);
}

// (a) one shared amqp-connection-manager connection, publishing as libs/messaging's AmqpConnection does.
async function sharedConnection() {
  const option = '(a) shared ACM + Nest RMQ RPC';
  const queue = `${PREFIX}a.events`;
  await withQueues([queue], async () => {
    const manager = amqp.connect([URL], SOCKET);
    const returned = new Set();
    const channel = manager.createChannel({
      json: false,
      confirm: true,
      setup: async (ch) => ch.on('return', (m) => returned.add(m.properties.messageId)),
    });
    await channel.waitForConnect();
    let id = 0;
    await publishSeries(option, async () => {
      const messageId = String(++id);
      await channel.sendToQueue(queue, BODY, {
        persistent: true,
        mandatory: true,
        contentType: 'application/json',
        messageId,
        timeout: 5000,
      });
      if (returned.delete(messageId)) throw new Error('returned');
    });
    await channel.close();
    await manager.close();
  });

  // RPC through Nest's transport with the options of libs/messaging's rmq-options.ts.
  const rpcQueue = `${PREFIX}a.rpc`;
  await withQueues([rpcQueue], async () => {
    const server = new ServerRMQ({
      urls: [URL],
      queue: rpcQueue,
      queueOptions: { durable: true },
      noAck: false,
      prefetchCount: 50,
      socketOptions: SOCKET,
    });
    server.addHandler('bench.ping.v1', async (data, ctx) => {
      ctx.getChannelRef().ack(ctx.getMessage());
      return { pong: data.n };
    });
    await new Promise((resolve, reject) => server.listen((err) => (err ? reject(err) : resolve())));
    const client = new ClientRMQ({
      urls: [URL],
      queue: rpcQueue,
      queueOptions: { durable: true },
      persistent: false,
      socketOptions: SOCKET,
    });
    await client.connect();
    let n = 0;
    await rpcSeries(option, () => firstValueFrom(client.send('bench.ping.v1', { n: ++n })));
    await client.close();
    await server.close();
  });
}

// (b) @golevelup/nestjs-rabbitmq's AmqpConnection (what its RabbitMQModule provides), with Nagle off as well.
async function golevelup() {
  const option = '(b) @golevelup/nestjs-rabbitmq';
  let lib;
  try {
    const require = createRequire(join(args.golevelup, 'package.json'));
    lib = require('@golevelup/nestjs-rabbitmq');
    const pkg = require('@golevelup/nestjs-rabbitmq/package.json');
    record(
      option,
      'version (peer @nestjs/common)',
      `${pkg.version} (${pkg.peerDependencies['@nestjs/common']})`,
    );
  } catch (err) {
    record(option, 'not measured', `cannot load from ${args.golevelup}: ${err.message.split('\n')[0]}`);
    return;
  }
  const exchange = `${PREFIX}b.x`;
  const config = {
    uri: URL,
    exchanges: [{ name: exchange, type: 'direct', options: { durable: false, autoDelete: true } }],
    connectionInitOptions: { wait: true, timeout: 10000 },
    connectionManagerOptions: SOCKET,
    logger: { log() {}, error() {}, warn() {}, debug() {}, verbose() {} },
  };
  const queue = `${PREFIX}b.events`;
  await withQueues([queue], async () => {
    const producer = new lib.AmqpConnection(config);
    await producer.init();
    await publishSeries(option, async () => {
      await producer.publish('', queue, BODY, {
        persistent: true,
        mandatory: true,
        contentType: 'application/json',
      });
    });
    await producer.close();
  });

  const rpcQueue = `${PREFIX}b.rpc`;
  await withQueues([rpcQueue], async () => {
    const server = new lib.AmqpConnection({ ...config, prefetchCount: 50 });
    await server.init();
    await server.createRpc(async (msg) => ({ pong: msg.n }), {
      exchange,
      routingKey: 'ping',
      queue: rpcQueue,
    });
    const client = new lib.AmqpConnection(config);
    await client.init();
    let n = 0;
    await rpcSeries(option, () =>
      client.request({ exchange, routingKey: 'ping', payload: { n: ++n }, timeout: 5000 }),
    );
    await client.close();
    await server.close();
  });
}

process.stdout.write(`AMQP options on ${URL.replace(/\/\/[^@]*@/, '//')}, node ${process.version}\n`);
// Rounds alternate the order (a, b, then b, a, …) so that neither option always runs on a colder broker.
for (let round = 0; round < Number(args.rounds); round++) {
  process.stdout.write(`-- round ${round + 1}\n`);
  const order = round % 2 === 0 ? [sharedConnection, golevelup] : [golevelup, sharedConnection];
  for (const option of order) await option();
}
process.stdout.write(`\n${JSON.stringify(rows)}\n`);
process.exit(0);
