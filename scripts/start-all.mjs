// Runs every app from dist/ against a local Postgres and RabbitMQ, settings from .env (or .env.example).
// Output lines are prefixed with the app's name; Ctrl+C stops them all.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const APPS = ['plaid-sandbox', 'auth', 'plaid-link', 'sync-worker', 'gateway'];

function readEnvFile(path) {
  const env = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

const envFile = existsSync(join(root, '.env')) ? '.env' : '.env.example';
const fileEnv = readEnvFile(join(root, envFile));
// Inside docker compose services find each other by name; here everything is on localhost.
const local = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/plaid_backend',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  PLAID_SANDBOX_URL: `http://127.0.0.1:${fileEnv.SANDBOX_PORT ?? 8090}`,
  PLAID_WEBHOOK_URL: `http://127.0.0.1:${fileEnv.PORT ?? 3000}/v1/webhooks/plaid`,
  // The browser opens the emulator's Link page itself.
  LINK_EMULATOR_URL: `http://localhost:${fileEnv.SANDBOX_PORT ?? 8090}`,
};
// One host: each service's health server needs its own port.
const HTTP_PORTS = { auth: '8081', 'plaid-link': '8082', 'sync-worker': '8083' };
process.stdout.write(`start:all using ${envFile}\n`);

const children = APPS.filter((app) => existsSync(join(root, 'dist', 'apps', app, 'main.js'))).map((app) => {
  const env = { ...fileEnv, ...local, ...process.env };
  if (app === 'plaid-sandbox') env.PORT = fileEnv.SANDBOX_PORT ?? '8090';
  if (HTTP_PORTS[app]) env.HTTP_PORT = HTTP_PORTS[app];
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', app, 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${app}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code) => process.stdout.write(`${prefix}exited with ${code}\n`));
  return child;
});

const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
