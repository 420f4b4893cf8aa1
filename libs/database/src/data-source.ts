import { Client } from 'pg';
import { type DataSourceOptions } from 'typeorm';

export interface ServiceDatabaseSettings {
  url: string;
  schema: string;
  // Entity classes and migration classes of the owning service only.
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  migrationsRun: boolean;
  poolSize?: number;
}

// One DataSource per service, confined to the service's own schema. Never synchronize: migrations only.
export function serviceDataSourceOptions(s: ServiceDatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: s.url,
    schema: s.schema,
    entities: s.entities,
    migrations: s.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: s.migrationsRun,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Migrations use gen_random_uuid() (core since PG 13); no extension is installed behind our back.
    installExtensions: false,
    logging: ['error', 'migration'],
    extra: {
      max: s.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      // Every connection resolves unqualified names in the owning schema first.
      options: `-c search_path=${s.schema},public`,
      application_name: `plaid-backend:${s.schema}`,
    },
  };
}

// The migrations table lives in the service's schema, so the schema must exist before TypeORM starts.
export async function ensureSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}
