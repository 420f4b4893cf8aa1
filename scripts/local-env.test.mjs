// node --test scripts/: how start:all and db-create.mjs resolve their settings.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { healthPort, localEnv } from './local-env.mjs';

function root(files) {
  const dir = mkdtempSync(join(tmpdir(), 'local-env-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const EXAMPLE = [
  'DATABASE_URL=postgres://postgres:postgres@postgres:5432/plaid_backend',
  'RABBITMQ_URL=amqp://guest:guest@rabbitmq:5672',
  'PLAID_SANDBOX_URL=http://plaid-sandbox:8090',
  'HTTP_PORT=8081',
  'SANDBOX_PORT=8090',
  'PORT=3000',
].join('\n');

test('a DATABASE_URL and RABBITMQ_URL in .env win over the local defaults', () => {
  const dir = root({
    '.env.example': EXAMPLE,
    '.env': 'DATABASE_URL=postgres://me@127.0.0.1:5432/mine\nRABBITMQ_URL=amqp://u:p@10.0.0.5:5672\n',
  });

  const { env, sources } = localEnv(dir, {});

  assert.deepEqual(sources, ['.env.example', '.env']);
  assert.equal(env.DATABASE_URL, 'postgres://me@127.0.0.1:5432/mine');
  assert.equal(env.RABBITMQ_URL, 'amqp://u:p@10.0.0.5:5672');
});

test('compose service names become 127.0.0.1; the environment wins over .env', () => {
  const dir = root({
    '.env.example': EXAMPLE,
    '.env': 'RABBITMQ_URL=amqp://a:b@rabbitmq:5672,amqp://a:b@other:5672',
  });

  const { env } = localEnv(dir, { DATABASE_URL: 'postgres://ci@127.0.0.1/ci' });

  assert.equal(env.DATABASE_URL, 'postgres://ci@127.0.0.1/ci');
  assert.equal(env.RABBITMQ_URL, 'amqp://a:b@127.0.0.1:5672,amqp://a:b@other:5672');
  assert.equal(env.PLAID_SANDBOX_URL, 'http://127.0.0.1:8090');
});

test('without .env: local defaults, and the emulator and webhook URLs follow the ports', () => {
  const { env } = localEnv(root({ '.env.example': EXAMPLE }), { SANDBOX_PORT: '9100', PORT: '4000' });

  assert.equal(env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/plaid_backend');
  assert.equal(env.PLAID_SANDBOX_URL, 'http://127.0.0.1:9100');
  assert.equal(env.PLAID_WEBHOOK_URL, 'http://127.0.0.1:4000/v1/webhooks/plaid');
  assert.equal(env.LINK_EMULATOR_URL, 'http://localhost:9100');
});

test('health ports follow HTTP_PORT, each overridable, all off with 0', () => {
  const apps = ['auth', 'plaid-link', 'sync-worker'];
  assert.deepEqual(
    apps.map((a) => healthPort({ HTTP_PORT: '9000' }, a)),
    ['9000', '9001', '9002'],
  );
  assert.deepEqual(
    apps.map((a) => healthPort({ HTTP_PORT: '9000', SYNC_WORKER_HTTP_PORT: '7000' }, a)),
    ['9000', '9001', '7000'],
  );
  assert.deepEqual(
    apps.map((a) => healthPort({ HTTP_PORT: '0' }, a)),
    ['0', '0', '0'],
  );
  assert.equal(healthPort({ HTTP_PORT: '9000' }, 'gateway'), undefined);
});
