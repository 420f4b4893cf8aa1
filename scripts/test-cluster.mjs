#!/usr/bin/env node
// npm run test:cluster — issue #17's proof: a three-node RabbitMQ cluster on loopback, the system started against
// it (RABBITMQ_URL lists the three nodes), and test/cluster/*.cluster-spec.ts, which stops nodes under load.
// Everything the cluster needs lives under one temporary folder: node names, ports, data and log directories,
// its own Erlang cookie and an empty plugin list, through RABBITMQ_* variables. The system's broker (and its
// /etc/rabbitmq files) is never touched; the nodes are stopped and the folder removed at the end.
//   node scripts/test-cluster.mjs [jest args] | --run '<command>' (e.g. a bench against the cluster)
// Needs the RabbitMQ server package (the scripts under /usr/lib/rabbitmq/bin) and a built system (npm run build).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const RABBIT_BIN = process.env.RABBITMQ_BIN_DIR ?? '/usr/lib/rabbitmq/bin';
const NODES = 3;
const run = promisify(execFile);

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'rabbit-cluster-'));
const tag = randomBytes(3).toString('hex');
const cookie = randomBytes(20).toString('hex');
writeFileSync(join(dir, '.erlang.cookie'), cookie);
chmodSync(join(dir, '.erlang.cookie'), 0o400);
writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
// Replaces /etc/rabbitmq/rabbitmq-env.conf (which names the system's node).
writeFileSync(join(dir, 'rabbitmq-env.conf'), '');

// What every RabbitMQ script (server and CLI) of this cluster runs with: HOME holds the cookie.
const baseEnv = {
  ...process.env,
  HOME: dir,
  RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
  RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
  ERL_EPMD_ADDRESS: '127.0.0.1',
};

const nodes = [];
for (let i = 1; i <= NODES; i++) {
  const name = `cluster${tag}n${i}@localhost`;
  const port = await freePort();
  const distPort = await freePort();
  const base = join(dir, `n${i}`);
  mkdirSync(join(base, 'log'), { recursive: true });
  writeFileSync(join(base, 'rabbitmq.conf'), `listeners.tcp.default = ${port}\nloopback_users = none\n`);
  nodes.push({
    name,
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    env: {
      ...baseEnv,
      RABBITMQ_NODENAME: name,
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(base, 'mnesia'),
      RABBITMQ_LOG_BASE: join(base, 'log'),
      RABBITMQ_CONFIG_FILE: join(base, 'rabbitmq.conf'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    },
  });
}

const ctl = (node, ...args) =>
  run(join(RABBIT_BIN, 'rabbitmqctl'), ['-q', '-n', node.name, ...args], { env: node.env });

function startNode(node) {
  const child = spawn(join(RABBIT_BIN, 'rabbitmq-server'), [], {
    env: node.env,
    stdio: 'ignore',
    detached: true,
  });
  child.unref();
}

async function waitBooted(node) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      await ctl(node, 'await_startup', '--timeout', '5');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${node.name} did not start: ${err.message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function stopAll() {
  await Promise.all(nodes.map((n) => ctl(n, 'stop').catch(() => undefined)));
}

// The cluster's description for the specs (they stop and restart nodes with the same settings).
const info = {
  dir,
  rabbitBin: RABBIT_BIN,
  nodes: nodes.map(({ name, port, url, env }) => ({
    name,
    port,
    url,
    env: Object.fromEntries(
      Object.entries(env).filter(([k]) => k.startsWith('RABBITMQ_') || k.startsWith('ERL') || k === 'HOME'),
    ),
  })),
};
writeFileSync(join(dir, 'cluster.json'), JSON.stringify(info, null, 2));

// TestSystem calls `rabbitmqctl` for the run's broker users: a shim first on PATH sends it to this cluster.
mkdirSync(join(dir, 'bin'));
const shim = join(dir, 'bin', 'rabbitmqctl');
writeFileSync(
  shim,
  `#!/bin/sh\nexport HOME='${dir}' RABBITMQ_CONF_ENV_FILE='${join(dir, 'rabbitmq-env.conf')}'\nexec '${join(RABBIT_BIN, 'rabbitmqctl')}' -n '${nodes[0].name}' "$@"\n`,
);
chmodSync(shim, 0o755);

let code = 1;
try {
  process.stdout.write(`starting a ${NODES}-node cluster under ${dir}\n`);
  nodes.forEach(startNode);
  await Promise.all(nodes.map(waitBooted));
  for (const node of nodes.slice(1)) {
    await ctl(node, 'stop_app');
    await ctl(node, 'join_cluster', nodes[0].name);
    await ctl(node, 'start_app');
  }
  process.stdout.write((await ctl(nodes[0], 'cluster_status')).stdout);
  const env = {
    ...process.env,
    PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    TEST_RABBITMQ_URL: nodes.map((n) => n.url).join(','),
    // The ordinary e2e run declares classic queues (test/support/system.ts); this one is about quorum queues.
    TEST_QUEUE_TYPE: 'quorum',
    // bench/*.mjs take one node.
    BENCH_RABBITMQ_URL: nodes[0].url,
    CLUSTER_INFO: join(dir, 'cluster.json'),
  };
  // `--run '<command>'` runs that instead of the specs, e.g. a bench against the cluster.
  const child =
    process.argv[2] === '--run'
      ? spawn('sh', ['-c', process.argv[3]], { stdio: 'inherit', env })
      : spawn(
          process.execPath,
          [
            '--experimental-vm-modules',
            '--no-warnings=ExperimentalWarning',
            'node_modules/jest/bin/jest.js',
            '--config',
            'test/cluster/jest.config.cjs',
            ...process.argv.slice(2),
          ],
          { stdio: 'inherit', env },
        );
  code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
} catch (err) {
  process.stderr.write(`${err.stack ?? err}\n`);
} finally {
  await stopAll();
  if (code === 0 || !process.env.KEEP_CLUSTER_DIR) rmSync(dir, { recursive: true, force: true });
  else process.stdout.write(`cluster logs kept under ${dir}\n`);
}
process.exit(code);
