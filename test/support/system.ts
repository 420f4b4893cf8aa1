import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { Client } from 'pg';
// A relative import: global setup runs outside Jest's module mapper, and queues.ts has no Nest imports.
import { allQueues } from '../../libs/contracts/src/queues';
import { databaseUrlFor, TEST_DATABASE_URL, TEST_RABBITMQ_URL } from './infra';
import { freePort, ROOT, ServiceProcess } from './processes';
import { waitFor } from './wait-for';

// A broker user of this run: the service's user of deploy/rabbitmq/definitions.json, under a name of the run's own.
export interface BrokerUser {
  name: string;
  password: string;
  url: string;
}

export type BrokerService = 'gateway' | 'auth' | 'plaid-link' | 'sync-worker';
const BROKER_SERVICES: BrokerService[] = ['gateway', 'auth', 'plaid-link', 'sync-worker'];

// The deployment's renderer (CommonJS, also run by docker compose), so that the suite proves the very permissions
// compose loads.
interface DefinitionsRenderer {
  renderDefinitions(
    template: unknown,
    options: { users: Record<string, { name: string; password: string }>; prefixPattern: string },
  ): { users: unknown[]; permissions: unknown[] };
  escapeRegex(text: string): string;
}

export interface RunInfo {
  runId: string;
  database: string;
  databaseUrl: string;
  // The administrator's URL: tests and clean-up use it; no service does.
  rabbitmqUrl: string;
  brokerUsers: Record<BrokerService, BrokerUser>;
  queuePrefix: string;
  jwtSecret: string;
  gateways: string[];
  // Each gateway's operators' port (METRICS_PORT): /metrics and /health/ready with details.
  gatewayMetrics: string[];
  sandboxUrl: string;
  logDir: string;
  services: Record<string, { app: string; pid: number | undefined; env: Record<string, string> }>;
}

const run = promisify(execFile);

export const E2E_RETRY_TIERS_MS = [200, 500, 1000];

export const RUN_FILE = join(ROOT, '.e2e-logs', 'current-run.json');

// Every app of the system, started as real processes against this run's own database and queue prefix.
export class TestSystem {
  readonly services = new Map<string, ServiceProcess>();

  constructor(
    readonly info: RunInfo,
    private readonly ports: { gateways: number[]; gatewayMetrics: number[]; sandbox: number },
  ) {}

  static async create(): Promise<TestSystem> {
    const runId = `e2e_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const gateways = [await freePort(), await freePort()];
    const gatewayMetrics = [await freePort(), await freePort()];
    const sandbox = await freePort();
    const brokerUser = (service: BrokerService): BrokerUser => {
      const name = `${runId}_${service}`;
      const password = randomBytes(16).toString('hex');
      // TEST_RABBITMQ_URL may list a cluster's nodes (npm run test:cluster): the user's URL lists them too.
      const url = TEST_RABBITMQ_URL.split(',')
        .map((node) => {
          const u = new URL(node.trim());
          u.username = name;
          u.password = password;
          return u.toString();
        })
        .join(',');
      return { name, password, url };
    };
    const info: RunInfo = {
      runId,
      database: runId,
      databaseUrl: databaseUrlFor(runId),
      rabbitmqUrl: TEST_RABBITMQ_URL,
      brokerUsers: Object.fromEntries(BROKER_SERVICES.map((s) => [s, brokerUser(s)])) as Record<
        BrokerService,
        BrokerUser
      >,
      queuePrefix: `${runId}.`,
      jwtSecret: randomBytes(32).toString('hex'),
      gateways: gateways.map((p) => `http://127.0.0.1:${p}`),
      gatewayMetrics: gatewayMetrics.map((p) => `http://127.0.0.1:${p}`),
      sandboxUrl: `http://127.0.0.1:${sandbox}`,
      logDir: join(ROOT, '.e2e-logs', runId),
      services: {},
    };
    return new TestSystem(info, { gateways, gatewayMetrics, sandbox });
  }

  static load(): RunInfo {
    if (!existsSync(RUN_FILE))
      throw new Error(`no e2e run found at ${RUN_FILE}; run the suite through jest's globalSetup`);
    return JSON.parse(readFileSync(RUN_FILE, 'utf8')) as RunInfo;
  }

  private commonEnv(): Record<string, string> {
    return {
      DATABASE_URL: this.info.databaseUrl,
      QUEUE_PREFIX: this.info.queuePrefix,
      JWT_SECRET: this.info.jwtSecret,
      BROKER_SEALING_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      // Short retry tiers so that retries and dead letters are observable within a test.
      EVENT_RETRY_DELAYS_MS: E2E_RETRY_TIERS_MS.join(','),
      EVENT_MAX_ATTEMPTS: '4',
      // Classic queues here; quorum queues (the production default) are proven by `npm run test:cluster` (which
      // sets TEST_QUEUE_TYPE=quorum) with two instances of every service, and by libs/messaging's durable-queues
      // spec. On RabbitMQ 3.10 a quorum queue keeps a max-length limit after its policy is cleared, and the linking
      // suite refuses publishes with one.
      QUEUE_TYPE: process.env.TEST_QUEUE_TYPE ?? 'classic',
    };
  }

  // What the services that call Plaid get: the run's emulator, a fresh encryption key, the webhook URL.
  private plaidEnv(): Record<string, string> {
    return {
      PLAID_SANDBOX_URL: this.info.sandboxUrl,
      PLAID_SANDBOX_CLIENT_ID: 'e2e-client-id',
      PLAID_SANDBOX_SECRET: 'e2e-secret',
      PLAID_WEBHOOK_URL: `${this.info.gateways[0]}/v1/webhooks/plaid`,
      TOKEN_ENCRYPTION_KEYS: `e2e:${randomBytes(32).toString('base64')}`,
      PLAID_TIMEOUT_MS: '5000',
    };
  }

  async start(): Promise<void> {
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${this.info.database}`);
    } finally {
      await admin.end();
    }
    await this.createBrokerUsers();
    const env = this.commonEnv();
    const broker = (service: BrokerService): Record<string, string> => ({
      RABBITMQ_URL: this.info.brokerUsers[service].url,
    });
    const add = (name: string, app: string, extra: Record<string, string> = {}): void => {
      this.services.set(name, new ServiceProcess(name, app, { ...env, ...extra }, this.info.logDir));
      this.info.services[name] = { app, pid: undefined, env: { ...env, ...extra } };
    };
    add('auth', 'auth', {
      ...broker('auth'),
      HTTP_PORT: String(await freePort()),
      LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP: '5',
      LOGIN_RATE_LIMIT_PER_IP: '12',
      LOGIN_RATE_WINDOW_SECONDS: '600',
      // The per-email delay starts after 5 failures, at 5 s: long enough for a test to see it hold.
      LOGIN_EMAIL_DELAY_AFTER_FAILURES: '5',
      LOGIN_EMAIL_DELAY_SECONDS: '5',
    });
    add('plaid-sandbox', 'plaid-sandbox', {
      PORT: String(this.ports.sandbox),
      HOST: '127.0.0.1',
      SANDBOX_CLIENT_ID: 'e2e-client-id',
      SANDBOX_SECRET: 'e2e-secret',
      SANDBOX_WEBHOOK_DELAY_MS: '200',
    });
    const plaid = this.plaidEnv();
    add('plaid-link', 'plaid-link', {
      ...plaid,
      ...broker('plaid-link'),
      HTTP_PORT: String(await freePort()),
    });
    add('sync-worker', 'sync-worker', {
      ...plaid,
      ...broker('sync-worker'),
      INSTITUTION_PAUSE_SECONDS: '4',
      HTTP_PORT: String(await freePort()),
    });
    this.ports.gateways.forEach((port, i) =>
      add(`gateway-${i}`, 'gateway', {
        ...broker('gateway'),
        PORT: String(port),
        METRICS_PORT: String(this.ports.gatewayMetrics[i]),
        HOST: '127.0.0.1',
        // Tests choose their client address with X-Forwarded-For (test/hostile-clients.e2e-spec.ts covers hop counts).
        TRUST_PROXY: 'true',
        WEBHOOK_KEY_CACHE_SECONDS: '1',
        // Every emulator webhook of the run comes from one address.
        WEBHOOK_RATE_LIMIT_PER_MINUTE: '100000',
      }),
    );
    for (const [name, s] of this.services) {
      s.start();
      this.info.services[name].pid = s.pid;
    }
    writeFileSync(RUN_FILE, JSON.stringify(this.info, null, 2));
    await Promise.all(this.info.gateways.map((g) => this.waitReady(g)));
  }

  async waitReady(gateway: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        this.assertAlive();
        const res = await fetch(`${gateway}/health/ready`);
        return res.status === 200;
      },
      { timeoutMs, intervalMs: 250, what: `${gateway}/health/ready` },
    );
  }

  private assertAlive(): void {
    for (const s of this.services.values()) {
      if (!s.running)
        throw new Error(`${s.name} exited during start-up; see ${this.info.logDir}/${s.name}.log`);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => s.stop()));
    this.killExtras();
    await this.dropBrokerObjects();
    await this.dropBrokerUsers();
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${this.info.database} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }

  // Instances tests started (startExtra) and left running, e.g. a worker that replaced a killed one.
  private killExtras(): void {
    const file = join(this.info.logDir, 'extra-pids');
    if (!existsSync(file)) return;
    for (const pid of readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  // One rabbitmqctl call for all four users (each call starts an Erlang VM): the deployment's definitions, rendered
  // with this run's user names and passwords, permissions narrowed to its queue prefix and the prefixes tests nest
  // under it (`<run>.orphan.auth.rpc`).
  private async createBrokerUsers(): Promise<void> {
    const renderer = createRequire(join(ROOT, 'package.json'))(
      './deploy/rabbitmq/render-definitions.cjs',
    ) as DefinitionsRenderer;
    const template: unknown = JSON.parse(
      readFileSync(join(ROOT, 'deploy', 'rabbitmq', 'definitions.json'), 'utf8'),
    );
    const { users, permissions } = renderer.renderDefinitions(template, {
      users: this.info.brokerUsers,
      prefixPattern: `${renderer.escapeRegex(this.info.queuePrefix)}(?:[^.]+\\.)*`,
    });
    // On stdin: the broker node (its own OS user) reads a file argument itself. Users and permissions only: the
    // shared vhost is not this run's to redefine.
    await new Promise<void>((resolve, reject) => {
      const child = execFile(
        'rabbitmqctl',
        ['-q', 'import_definitions', '--format', 'json'],
        (err, _stdout, stderr) =>
          err ? reject(new Error(`rabbitmqctl: ${stderr || err.message}`)) : resolve(),
      );
      child.stdin?.end(JSON.stringify({ users, permissions }));
    });
  }

  private async dropBrokerUsers(): Promise<void> {
    await Promise.all(
      Object.values(this.info.brokerUsers).map((u) =>
        run('rabbitmqctl', ['-q', 'delete_user', u.name]).catch(() => undefined),
      ),
    );
  }

  private async dropBrokerObjects(): Promise<void> {
    const connection = await amqp.connect(this.info.rabbitmqUrl.split(',')[0]);
    try {
      const channel = await connection.createChannel();
      for (const queue of allQueues(this.info.queuePrefix, E2E_RETRY_TIERS_MS))
        await channel.deleteQueue(queue);
      await channel.deleteExchange(`${this.info.queuePrefix}auth.revocations`);
      await channel.deleteExchange(`${this.info.queuePrefix}link.user-events`);
      await channel.close();
    } finally {
      await connection.close();
    }
  }
}
