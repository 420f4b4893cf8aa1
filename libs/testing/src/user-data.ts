import { type DataSource } from 'typeorm';

// Tables of `schema` with a user_id column: each must be in the service's deletion registry.
export async function tablesWithUserId(ds: DataSource, schema: string): Promise<string[]> {
  const rows = await ds.query<{ table_name: string }[]>(
    `SELECT DISTINCT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = $1 AND c.column_name = 'user_id' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.table_name);
}

// Tables of `schema` with a row whose text (every column) contains `value`, with how many such rows.
export async function tablesHolding(
  ds: DataSource,
  schema: string,
  value: string,
): Promise<Record<string, number>> {
  const tables = await ds.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
    [schema],
  );
  const found: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const [{ n }] = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}"."${table}" t WHERE strpos(t::text, $1) > 0`,
      [value],
    );
    if (n > 0) found[table] = n;
  }
  return found;
}
