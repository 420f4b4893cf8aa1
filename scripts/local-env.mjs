// The settings `npm run start:all` and db-create.mjs run with, resolved one way for both: .env.example, then
// .env over it (as docker compose does), then the process environment over both. Compose service names
// (postgres, rabbitmq, plaid-sandbox, gateway) become 127.0.0.1, since here every service runs on this host;
// any other value is used as written, so an override in .env always wins.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const COMPOSE_HOSTS = new Set(['postgres', 'rabbitmq', 'plaid-sandbox', 'gateway']);

export function readEnvFile(path) {
  const env = {};
  if (!existsSync(path)) return env;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

// A URL (or a comma-separated list of them, as RABBITMQ_URL on a cluster) with compose hosts made local.
export function toLocalHosts(value) {
  if (!value.includes('://')) return value;
  return value
    .split(',')
    .map((part) => {
      try {
        const url = new URL(part);
        if (!COMPOSE_HOSTS.has(url.hostname)) return part;
        url.hostname = '127.0.0.1';
        return url.toString().replace(/\/$/, part.endsWith('/') ? '/' : '');
      } catch {
        return part;
      }
    })
    .join(',');
}

// Answers { env, sources }: every variable for the apps, and which files were read.
export function localEnv(root, processEnv = process.env) {
  const example = readEnvFile(join(root, '.env.example'));
  const file = readEnvFile(join(root, '.env'));
  const sources = ['.env.example', ...(existsSync(join(root, '.env')) ? ['.env'] : [])];
  const given = (name) => processEnv[name] ?? file[name];
  const merged = { ...example, ...file };
  for (const [k, v] of Object.entries(merged)) merged[k] = toLocalHosts(v);
  const sandboxPort = given('SANDBOX_PORT') ?? merged.SANDBOX_PORT ?? '8090';
  const gatewayPort = given('PORT') ?? merged.PORT ?? '3000';
  // Derived from the ports unless set: the emulator and the gateway's webhook route on this host.
  const derived = {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/plaid_backend',
    RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
    PLAID_SANDBOX_URL: `http://127.0.0.1:${sandboxPort}`,
    PLAID_WEBHOOK_URL: `http://127.0.0.1:${gatewayPort}/v1/webhooks/plaid`,
    // The browser opens the emulator's Link page itself.
    LINK_EMULATOR_URL: `http://localhost:${sandboxPort}`,
  };
  for (const [k, v] of Object.entries(derived)) if (given(k) === undefined) merged[k] = v;
  return { env: { ...merged, ...processEnv }, sources };
}

// One host: each service's health server needs a port of its own. HTTP_PORT is the first (auth), the next two
// follow (plaid-link, sync-worker), unless AUTH_HTTP_PORT, PLAID_LINK_HTTP_PORT or SYNC_WORKER_HTTP_PORT say
// otherwise; HTTP_PORT=0 turns them all off.
export function healthPort(env, app) {
  const own = env[`${app.toUpperCase().replace(/-/g, '_')}_HTTP_PORT`];
  if (own !== undefined && own !== '') return own;
  const base = Number(env.HTTP_PORT ?? '8081');
  if (base === 0) return '0';
  const offset = { auth: 0, 'plaid-link': 1, 'sync-worker': 2 }[app];
  return offset === undefined ? undefined : String(base + offset);
}
