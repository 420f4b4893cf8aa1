#!/usr/bin/env node
// Lists and re-drives dead letters of the services' events queues.
//   node scripts/dead-letters.mjs list    [--queue sync|link] [--limit 50]
//   node scripts/dead-letters.mjs redrive [--queue sync|link] [--limit 1000]
// Reads RABBITMQ_URL and QUEUE_PREFIX from the environment. Re-driving moves each message back to the queue it
// died in (attempt count reset), with a publisher confirm before the dead letter is acked: a crash in between
// leaves a duplicate, never a loss, and every consumer is idempotent, so re-driving twice does no harm. The re-drive
// is mandatory: a letter whose queue no longer exists comes back from the broker and stays a dead letter.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const amqp = require('amqplib');

const args = process.argv.slice(2);
const command = args[0];
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
if (!['list', 'redrive'].includes(command)) {
  process.stderr.write('usage: dead-letters.mjs list|redrive [--queue sync|link] [--limit N] [--json]\n');
  process.exit(2);
}
const url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const prefix = process.env.QUEUE_PREFIX ?? '';
const owners = option('queue', 'sync,link').split(',');
const limit = Number(option('limit', command === 'list' ? '50' : '1000'));
const json = args.includes('--json');

// The socket settings of libs/messaging's AMQP_SOCKET_OPTIONS (Nagle off, heartbeats).
const connection = await amqp.connect(url, { noDelay: true });
const channel = await connection.createConfirmChannel();
const returned = new Set();
channel.on('return', (msg) => returned.add(msg.properties.messageId));
let unroutable = 0;
const report = [];
try {
  for (const owner of owners) {
    const queue = `${prefix}${owner}.events`;
    const dead = `${queue}.dead`;
    // Only the letters present now: a re-driven message that dies again must not be picked up twice in one run.
    const { messageCount } = await channel.checkQueue(dead);
    const held = [];
    for (let i = 0; i < Math.min(limit, messageCount); i++) {
      const msg = await channel.get(dead, { noAck: false });
      if (!msg) break;
      const headers = msg.properties.headers ?? {};
      let pattern = null;
      try {
        pattern = JSON.parse(msg.content.toString()).pattern ?? null;
      } catch {
        // not JSON: shown as is
      }
      const entry = {
        queue: dead,
        pattern,
        reason: headers['x-dead-reason'] ?? null,
        deadAt: headers['x-dead-at'] ?? null,
        attempts: headers['x-attempt'] ?? null,
        requestId: headers['x-request-id'] ?? null,
      };
      if (command === 'list') {
        held.push(msg);
        report.push(entry);
        continue;
      }
      const target = headers['x-original-queue'] ?? queue;
      const { 'x-attempt': _a, 'x-dead-reason': _r, 'x-dead-at': _d, 'x-last-error': _l, ...rest } = headers;
      const messageId = `redrive-${Date.now()}-${i}`;
      channel.sendToQueue(target, msg.content, {
        persistent: true,
        mandatory: true,
        messageId,
        contentType: 'application/json',
        headers: { ...rest, 'x-redriven-at': new Date().toISOString() },
      });
      await channel.waitForConfirms();
      if (returned.delete(messageId)) {
        // Nobody declared the target queue: keep the letter where it is.
        held.push(msg);
        unroutable++;
        report.push({ ...entry, notRedriven: `no queue ${target}` });
        continue;
      }
      channel.ack(msg);
      report.push({ ...entry, redrivenTo: target });
    }
    // Listing (or a letter with nowhere to go) leaves the dead letter where it was.
    for (const msg of held) channel.nack(msg, false, true);
  }
} finally {
  await channel.close().catch(() => undefined);
  await connection.close().catch(() => undefined);
}
if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
else {
  for (const r of report)
    process.stdout.write(
      `${r.queue}  ${r.pattern}  attempts=${r.attempts}  ${r.deadAt}  ${r.reason}${r.redrivenTo ? `  → ${r.redrivenTo}` : ''}${r.notRedriven ? `  (kept: ${r.notRedriven})` : ''}\n`,
    );
  process.stdout.write(
    `${report.length - unroutable} dead letter(s) ${command === 'list' ? 'listed' : 're-driven'}${unroutable ? `, ${unroutable} kept (no queue to re-drive to)` : ''}\n`,
  );
}
if (unroutable > 0) process.exitCode = 1;
