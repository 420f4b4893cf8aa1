import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import amqp, { type ConfirmChannel } from 'amqplib';
import { load } from 'js-yaml';
import { topology } from '@app/contracts';
import { runInfo } from './support/api';
import { ROOT } from './support/processes';

// What a service's broker identity (the RABBITMQ_URL the running service was given) is allowed to do, against the
// real broker. Every service used to share guest (an administrator), so each of these succeeded.
type Service = 'gateway' | 'auth' | 'plaid-link' | 'sync-worker';

function urlOf(service: Service): string {
  const name = service === 'gateway' ? 'gateway-0' : service;
  return runInfo().services[name].env.RABBITMQ_URL;
}

// Runs `op` on a fresh channel and answers how the broker took it: 'allowed', or the reason it closed the channel.
// The connection itself must open: a refused login is not the refusal under test.
async function attempt(service: Service, op: (ch: ConfirmChannel) => Promise<unknown>): Promise<string> {
  const connection = await amqp.connect(urlOf(service));
  try {
    const ch = await connection.createConfirmChannel();
    const outcome = new Promise<string>((resolve) => {
      ch.once('error', (err: Error) => resolve(err.message));
      ch.once('close', () => resolve('allowed'));
    });
    await op(ch).then(
      () => ch.close(),
      () => undefined,
    );
    return await outcome;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

const consume = (queue: string) => (ch: ConfirmChannel) => ch.consume(queue, () => undefined);
const redeclare = (queue: string) => (ch: ConfirmChannel) => ch.assertQueue(queue, { durable: true });
const publishTo = (exchange: string) => async (ch: ConfirmChannel) => {
  ch.publish(exchange, '', Buffer.from(JSON.stringify({ sessionId: 'forged', until: 9_999_999_999 })), {
    type: 'auth.session.revoked.v1',
  });
  await ch.waitForConfirms();
};

function refusedOn(kind: 'queue' | 'exchange', name: string, service: Service): RegExp {
  const user = runInfo().brokerUsers[service].name;
  return new RegExp(`ACCESS_REFUSED - access to ${kind} '${name.replace(/\./g, '\\.')}' .* user '${user}'`);
}

describe('broker access', () => {
  const t = topology(runInfo().queuePrefix);
  const owned: Record<string, Service> = {
    [t.authRpc]: 'auth',
    [t.linkRpc]: 'plaid-link',
    [t.syncRpc]: 'sync-worker',
    [t.events.link]: 'plaid-link',
    [t.events.sync]: 'sync-worker',
  };
  const services: Service[] = ['gateway', 'auth', 'plaid-link', 'sync-worker'];
  const foreign = services.flatMap((service) =>
    Object.entries(owned)
      .filter(([, owner]) => owner !== service)
      .map(([queue]) => ({ service, queue })),
  );

  it('gives each service a broker user of its own', () => {
    const users = services.map((s) => new URL(urlOf(s)).username);
    expect(new Set(users).size).toBe(4);
    expect(users).not.toContain('guest');
  });

  it.each(foreign)("refuses $service's user consuming $queue", async ({ service, queue }) => {
    expect(await attempt(service, consume(queue))).toMatch(refusedOn('queue', queue, service));
  });

  it.each(foreign)("refuses $service's user declaring (or deleting) $queue", async ({ service, queue }) => {
    expect(await attempt(service, redeclare(queue))).toMatch(refusedOn('queue', queue, service));
  });

  it.each(services.filter((s) => s !== 'auth'))(
    "refuses a session revocation forged with %s's user",
    async (service) => {
      expect(await attempt(service, publishTo(t.revocationsExchange))).toMatch(
        refusedOn('exchange', t.revocationsExchange, service),
      );
    },
  );

  it("lets the owner's user consume its own queue (the refusals above are not a broken login)", async () => {
    // A second consumer on sync-worker's events queue: cancelled with the connection, before it takes anything
    // that the running worker would have handled (prefetch 1, nothing published in this file).
    expect(await attempt('sync-worker', consume(t.events.sync))).toBe('allowed');
  });
});

describe('deployment files', () => {
  const compose = load(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as any;
  const dev = load(readFileSync(join(ROOT, 'docker-compose.dev.yml'), 'utf8')) as any;
  const definitions = JSON.parse(readFileSync(join(ROOT, 'deploy/rabbitmq/definitions.json'), 'utf8'));

  it('publishes no broker port by default and the dev ports on localhost only', () => {
    expect(compose.services.rabbitmq.ports).toBeUndefined();
    const ports: string[] = dev.services.rabbitmq.ports;
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it.each(['gateway', 'auth', 'plaid-link', 'sync-worker'])(
    'connects %s with its own user of the definitions file',
    (service) => {
      const url = new URL(compose.services[service].environment.RABBITMQ_URL.replace(/\$\{[^}]*\}/, 'pw'));
      expect(url.username).toBe(service);
      expect(definitions.users.map((u: { name: string }) => u.name)).toContain(service);
    },
  );
});
