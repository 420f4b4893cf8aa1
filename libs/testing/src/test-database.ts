import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ensureSchema } from '@app/database';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// A database of its own for one spec file: the service's real migrations, the real Postgres, dropped at the end.
// `options` builds the service's DataSource options from a database URL (its database.ts does exactly that).
export class TestDatabase {
  private constructor(
    readonly url: string,
    readonly name: string,
    readonly dataSource: DataSource,
  ) {}

  static async create(schema: string, options: (url: string) => DataSourceOptions): Promise<TestDatabase> {
    const name = `spec_${schema}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    const url = urlFor(name);
    await ensureSchema(url, schema);
    const dataSource = new DataSource({
      ...options(url),
      migrationsRun: true,
      logging: ['error'],
    });
    await dataSource.initialize();
    return new TestDatabase(url, name, dataSource);
  }

  async destroy(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`));
  }
}

function urlFor(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
