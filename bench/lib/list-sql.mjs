// The transactions list statement, read out of the sync worker's repository, so that the bare read ceiling and
// the EXPLAIN of each scenario run exactly the SQL the service runs (plain ESM cannot import the TS source).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPOSITORY = join(
  new URL('../..', import.meta.url).pathname,
  'apps',
  'sync-worker',
  'src',
  'transactions',
  'transactions.repository.ts',
);

export function transactionsListSql() {
  const src = readFileSync(REPOSITORY, 'utf8');
  const rowJson = /const TRANSACTION_JSON = `([\s\S]*?)`;/.exec(src)?.[1];
  const sql = /`(SELECT t\.id[\s\S]*?LIMIT \$12)`/.exec(src)?.[1];
  if (!rowJson || !sql?.includes('${TRANSACTION_JSON}')) {
    throw new Error(`bench: the list statement was not found in ${REPOSITORY}`);
  }
  return sql.replace('${TRANSACTION_JSON}', () => rowJson);
}
