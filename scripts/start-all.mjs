// Runs every app from dist/ against a local Postgres and RabbitMQ, settings as local-env.mjs resolves them
// (.env over .env.example, the environment over both).
// Output lines are prefixed with the app's name; Ctrl+C stops them all.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { healthPort, localEnv } from './local-env.mjs';

const root = join(import.meta.dirname, '..');
const APPS = ['plaid-sandbox', 'auth', 'plaid-link', 'sync-worker', 'gateway'];

const { env: baseEnv, sources } = localEnv(root);
process.stdout.write(`start:all using ${sources.join(' + ')} and the environment\n`);

const children = APPS.filter((app) => existsSync(join(root, 'dist', 'apps', app, 'main.js'))).map((app) => {
  const env = { ...baseEnv };
  if (app === 'plaid-sandbox') env.PORT = baseEnv.SANDBOX_PORT ?? '8090';
  const health = healthPort(baseEnv, app);
  if (health !== undefined) env.HTTP_PORT = health;
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
