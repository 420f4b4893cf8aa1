// Creates the database named in DATABASE_URL (resolved as start:all does: local-env.mjs) if it is missing.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { localEnv } from './local-env.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const root = join(import.meta.dirname, '..');
const url = localEnv(root).env.DATABASE_URL;

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
