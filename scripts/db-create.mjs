// Creates the database named in DATABASE_URL (from the environment, .env or the local default) if it is missing.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const pg = require('pg');
const root = join(import.meta.dirname, '..');
let url = process.env.DATABASE_URL;
if (!url && existsSync(join(root, '.env'))) {
  url = /^DATABASE_URL=(.*)$/m.exec(readFileSync(join(root, '.env'), 'utf8'))?.[1];
}
url ??= 'postgres://postgres@127.0.0.1:5432/plaid_backend';
if (url.includes('@postgres:')) url = url.replace('@postgres:', '@127.0.0.1:');

const target = new URL(url);
const database = target.pathname.slice(1);
target.pathname = '/postgres';
const client = new pg.Client({ connectionString: target.toString(), connectionTimeoutMillis: 3000 });
await client.connect();
const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
if (rowCount === 0) {
  await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  process.stdout.write(`created database ${database}\n`);
}
await client.end();
