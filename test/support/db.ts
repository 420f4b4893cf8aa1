import { Client } from 'pg';
import { runInfo } from './api';

// Reads the run's database directly, for assertions on rows the API does not expose.
export async function db<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: runInfo().databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
