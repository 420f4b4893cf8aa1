import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import amqp, { type ConfirmChannel } from 'amqplib';
import { load } from 'js-yaml';
import { topology } from '@app/contracts';
import { runInfo, startExtra } from './support/api';
import { freePort, ROOT } from './support/processes';
import { waitFor } from './support/wait-for';

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
    [t.events.auth]: 'auth',
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

  it.each(services.filter((s) => s !== 'plaid-link'))(
    "refuses a change-feed event forged with %s's user",
    async (service) => {
      expect(await attempt(service, publishTo(t.userEventsExchange))).toMatch(
        refusedOn('exchange', t.userEventsExchange, service),
      );
    },
  );

  it("lets the gateway's user bind a queue of its own to the user-events exchange plaid-link declared", async () => {
    const subscribe = async (ch: ConfirmChannel) => {
      const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await ch.bindQueue(queue, t.userEventsExchange, '');
      await ch.consume(queue, () => undefined);
    };
    expect(await attempt('gateway', subscribe)).toBe('allowed');
  });

  it("lets the owner's user consume its own queue (the refusals above are not a broken login)", async () => {
    // A second consumer on sync-worker's events queue: cancelled with the connection, before it takes anything
    // that the running worker would have handled (prefetch 1, nothing published in this file).
    expect(await attempt('sync-worker', consume(t.events.sync))).toBe('allowed');
  });
});

// The broker here has no TLS listener: a TLS front on a port of its own, with a certificate no public CA signed,
// forwards to it. A service reaches the broker through it only when RABBITMQ_CA_FILE names that certificate.
describe('amqps://', () => {
  let dir: string;
  let front: TlsServer;
  let port: number;
  const handshakes = { done: 0, refused: [] as string[] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amqps-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const broker = new URL(runInfo().rabbitmqUrl);
    front = createTlsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (client) => {
        handshakes.done++;
        const upstream = tcpConnect(Number(broker.port || 5672), broker.hostname);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      },
    );
    front.on('tlsClientError', (err) => handshakes.refused.push(err.message));
    port = await freePort();
    await new Promise<void>((resolve) => front.listen(port, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => front.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  function amqpsUrl(): string {
    const url = new URL(runInfo().services.auth.env.RABBITMQ_URL);
    url.protocol = 'amqps:';
    url.hostname = 'localhost';
    url.port = String(port);
    return url.toString();
  }

  it('serves over amqps:// with the private CA named by RABBITMQ_CA_FILE', async () => {
    const httpPort = await freePort();
    const auth = startExtra('auth', {
      RABBITMQ_URL: amqpsUrl(),
      RABBITMQ_CA_FILE: join(dir, 'cert.pem'),
      HTTP_PORT: String(httpPort),
    });
    try {
      // The health server starts only once the broker connection and the RPC consumer are up.
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${httpPort}/health`).catch(() => undefined))?.status === 200,
        { timeoutMs: 30_000, what: 'auth over amqps' },
      );
      expect(handshakes.done).toBeGreaterThan(0);
    } finally {
      await auth.stop();
    }
  });

  it('refuses the broker certificate when no CA file vouches for it', async () => {
    const refusedBefore = handshakes.refused.length;
    const auth = startExtra('auth', { RABBITMQ_URL: amqpsUrl(), HTTP_PORT: String(await freePort()) });
    try {
      await waitFor(() => handshakes.refused.length > refusedBefore, { what: 'a refused TLS handshake' });
    } finally {
      await auth.stop();
    }
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
