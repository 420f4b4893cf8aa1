// Before the e2e suite: are Postgres and RabbitMQ reachable where the tests will look, and is there a Chromium for
// the web app's browser suite? One clear line if not.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pg = require('pg');
const amqp = require('amqplib');

const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const rabbitmqUrl = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const redact = (u) => u.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

async function checkPostgres() {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `Postgres is not reachable at ${redact(databaseUrl)} (${err.code ?? err.message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRabbit() {
  try {
    const conn = await amqp.connect(rabbitmqUrl, { timeout: 3000 });
    await conn.close();
    return null;
  } catch (err) {
    return `RabbitMQ is not reachable at ${redact(rabbitmqUrl)} (${err.code ?? err.message})`;
  }
}

const problems = (await Promise.all([checkPostgres(), checkRabbit()])).filter(Boolean);
if (problems.length > 0) {
  process.stderr.write(
    `${problems.join('; ')}. Start them with \`docker compose up -d postgres rabbitmq\`, or locally with ` +
      '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` and `rabbitmq-server -detached`; ' +
      'or point TEST_DATABASE_URL / TEST_RABBITMQ_URL at running ones.\n',
  );
  process.exit(1);
}

// test/web.e2e-spec.ts drives Debian's Chromium; playwright-core never downloads a browser.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  process.stderr.write(
    `No Chromium at ${chromium} for the web app's browser suite: \`apt-get install -y chromium\` (what .ci/run ` +
      'does), or point CHROMIUM_PATH at one.\n',
  );
  process.exit(1);
}
