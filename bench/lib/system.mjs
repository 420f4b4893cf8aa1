// The whole system as real processes (node dist/apps/<app>/main.js) against the bench run's own database and
// queue prefix, like test/support/system.ts does for the e2e suite (same environment variables).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import pg from 'pg';
import definitions from '../../deploy/rabbitmq/render-definitions.cjs';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const ADMIN_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
export const RABBITMQ_URL =
  process.env.BENCH_RABBITMQ_URL ?? process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const run = promisify(execFile);
const BROKER_SERVICES = ['gateway', 'auth', 'plaid-link', 'sync-worker'];

// Retry tiers are passed explicitly so the bench knows every queue name it has to delete.
const RETRY_TIERS_MS = [1000, 10000, 60000, 300000];
const CLIENT_ID = 'bench-client-id';
const SECRET = 'bench-secret';

export function databaseUrlFor(database) {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Mirrors allQueues(prefix, tiers) of libs/contracts/src/queues.ts (plain ESM cannot import the TS source).
export function allQueues(prefix, tiersMs = RETRY_TIERS_MS) {
  const events = [`${prefix}auth.events`, `${prefix}link.events`, `${prefix}sync.events`].flatMap((q) => [
    q,
    `${q}.dead`,
    ...tiersMs.map((d) => `${q}.retry.${d}ms`),
  ]);
  return [`${prefix}auth.rpc`, `${prefix}link.rpc`, `${prefix}sync.rpc`, ...events];
}

export class ServiceProcess {
  // `root`: the tree whose dist/ is run (the current one, or an --ab work tree).
  constructor(name, app, env, logDir, nodeArgs = [], root = ROOT) {
    Object.assign(this, { name, app, env, logDir, nodeArgs, root });
  }

  get pid() {
    return this.child?.pid;
  }

  get running() {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get logFile() {
    return join(this.logDir, `${this.name}.log`);
  }

  start() {
    mkdirSync(this.logDir, { recursive: true });
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const main = join(this.root, 'dist', 'apps', this.app, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
    this.child = spawn(process.execPath, [...this.nodeArgs, main], {
      cwd: this.root,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout.pipe(log);
    this.child.stderr.pipe(log);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  // SIGTERM (lets --cpu-prof write its profile), then SIGKILL after the grace period.
  async stop(graceMs = 10_000) {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export class BenchSystem {
  services = new Map();

  // `root`: the tree whose built apps run (default: this one). `label`: a suffix of the run id ('a'/'b' in --ab).
  // `sandbox`: another system whose emulator this one shares (same items' generator, same signing key), so
  // both trees of an --ab run get identical data and webhooks signed once verify on both.
  constructor({
    sandboxTransactions,
    profile = [],
    profileDir,
    nodeOptions = '',
    root = ROOT,
    label = '',
    sandbox,
  }) {
    this.nodeOptions = nodeOptions;
    this.root = root;
    this.label = label;
    this.sharedSandbox = sandbox;
    this.runId = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}${label ? `_${label}` : ''}`;
    this.database = this.runId;
    this.databaseUrl = databaseUrlFor(this.runId);
    this.queuePrefix = `${this.runId}.`;
    this.logDir = join(ROOT, 'bench', 'results', 'logs', this.runId);
    this.sandboxTransactions = sandboxTransactions;
    this.profile = profile;
    this.profileDir = profileDir;
    this.clientId = CLIENT_ID;
    this.secret = SECRET;
    this.extraQueues = [];
    // Each service as its own broker user, with the permissions docker compose gives it (measured as deployed).
    this.brokerUsers = Object.fromEntries(
      BROKER_SERVICES.map((service) => {
        const name = `${this.runId}_${service}`;
        const password = randomBytes(16).toString('hex');
        const url = new URL(RABBITMQ_URL);
        url.username = name;
        url.password = password;
        return [service, { name, password, url: url.toString() }];
      }),
    );
  }

  // As test/support/system.ts does: one rabbitmqctl call, definitions on stdin (the broker node reads a file itself).
  async createBrokerUsers() {
    const template = JSON.parse(readFileSync(join(ROOT, 'deploy', 'rabbitmq', 'definitions.json'), 'utf8'));
    const { users, permissions } = definitions.renderDefinitions(template, {
      users: this.brokerUsers,
      prefixPattern: definitions.escapeRegex(this.queuePrefix),
    });
    await new Promise((resolve, reject) => {
      const child = execFile(
        'rabbitmqctl',
        ['-q', 'import_definitions', '--format', 'json'],
        (err, _o, stderr) => (err ? reject(new Error(`rabbitmqctl: ${stderr || err.message}`)) : resolve()),
      );
      child.stdin.end(JSON.stringify({ users, permissions }));
    });
    this.usersCreated = true;
  }

  async dropBrokerUsers() {
    await Promise.all(
      Object.values(this.brokerUsers).map((u) =>
        run('rabbitmqctl', ['-q', 'delete_user', u.name]).catch(() => undefined),
      ),
    );
  }

  async start() {
    const [gatewayPort, sandboxPort] = [await freePort(), await freePort()];
    this.gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    this.sandboxUrl = this.sharedSandbox?.sandboxUrl ?? `http://127.0.0.1:${sandboxPort}`;
    this.webhookUrl = `${this.gatewayUrl}/v1/webhooks/plaid`;
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${this.database}`);
    } finally {
      await admin.end();
    }
    this.created = true;
    await this.createBrokerUsers();
    const broker = (service) => ({ RABBITMQ_URL: this.brokerUsers[service].url });
    const common = {
      DATABASE_URL: this.databaseUrl,
      QUEUE_PREFIX: this.queuePrefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      BROKER_SEALING_SECRET: randomBytes(32).toString('hex'),
      // Logging off the hot path; warnings and errors still reach the log files.
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      EVENT_RETRY_DELAYS_MS: RETRY_TIERS_MS.join(','),
    };
    const plaid = {
      PLAID_SANDBOX_URL: this.sandboxUrl,
      PLAID_SANDBOX_CLIENT_ID: CLIENT_ID,
      PLAID_SANDBOX_SECRET: SECRET,
      PLAID_WEBHOOK_URL: this.webhookUrl,
      TOKEN_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    };
    const add = (name, extra) => {
      const file = `${name}${this.label ? `.${this.label}` : ''}.cpuprofile`;
      const nodeArgs = this.profile.includes(name)
        ? ['--cpu-prof', `--cpu-prof-dir=${this.profileDir}`, `--cpu-prof-name=${file}`]
        : [];
      const env = { ...common, ...extra };
      if (this.nodeOptions && name !== 'plaid-sandbox') env.NODE_OPTIONS = this.nodeOptions;
      this.services.set(name, new ServiceProcess(name, name, env, this.logDir, nodeArgs, this.root));
    };
    // The emulator always runs from this tree's build (an --ab base tree gets the same data and keys).
    if (!this.sharedSandbox) {
      add('plaid-sandbox', {
        PORT: String(sandboxPort),
        HOST: '127.0.0.1',
        SANDBOX_CLIENT_ID: CLIENT_ID,
        SANDBOX_SECRET: SECRET,
        SANDBOX_TRANSACTIONS_PER_ITEM: String(this.sandboxTransactions),
        SANDBOX_AUTO_WEBHOOKS: 'false',
      });
      this.services.get('plaid-sandbox').root = ROOT;
    }
    add('auth', broker('auth'));
    add('plaid-link', { ...plaid, ...broker('plaid-link') });
    // The emulator has no rate limit; the per-item pacing of Plaid's real limit (50 /transactions/sync calls a
    // minute) would turn the ingest benchmark into a measure of that limit (200 pages ≥ 4 minutes).
    add('sync-worker', { ...plaid, ...broker('sync-worker'), PLAID_SYNC_CALLS_PER_MINUTE: '0' });
    // Every emulator webhook comes from one address; no metrics port (the bench does not scrape the gateway).
    add('gateway', {
      ...broker('gateway'),
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '10000000',
    });
    for (const s of this.services.values()) s.start();
    await this.waitReady();
  }

  async waitReady(timeoutMs = 90_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const s of this.services.values()) {
        if (!s.running) throw new Error(`${s.name} exited during start-up; see ${s.logFile}`);
      }
      const ok = await fetch(`${this.gatewayUrl}/health/ready`)
        .then((r) => r.status === 200)
        .catch(() => false);
      const sandbox = await fetch(`${this.sandboxUrl}/health`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok && sandbox) return;
      if (Date.now() > deadline)
        throw new Error(`system not ready after ${timeoutMs} ms; logs in ${this.logDir}`);
      await sleep(250);
    }
  }

  pids() {
    const own = Object.fromEntries([...this.services].map(([name, s]) => [name, s.pid]));
    // A shared emulator works for this system too (it serves the ingest's pages).
    const sandbox = this.sharedSandbox?.services.get('plaid-sandbox')?.pid;
    return sandbox ? { 'plaid-sandbox': sandbox, ...own } : own;
  }

  // Where each profiled service's --cpu-prof file lands (written when the service exits).
  profileFiles() {
    return Object.fromEntries(
      this.profile
        .filter((name) => this.services.has(name))
        .map((name) => [
          name,
          join(this.profileDir, `${name}${this.label ? `.${this.label}` : ''}.cpuprofile`),
        ]),
    );
  }

  async stop() {
    await Promise.all([...this.services.values()].map((s) => s.stop()));
    await this.dropBrokerObjects().catch((err) =>
      console.error(`bench: broker clean-up failed: ${err.message}`),
    );
    if (this.usersCreated) await this.dropBrokerUsers();
    if (!this.created) return;
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }

  async dropBrokerObjects() {
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      for (const queue of [...allQueues(this.queuePrefix), ...this.extraQueues])
        await channel.deleteQueue(queue);
      await channel.deleteExchange(`${this.queuePrefix}auth.revocations`);
      await channel.deleteExchange(`${this.queuePrefix}link.user-events`);
      await channel.close();
    } finally {
      await connection.close();
    }
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
