// The transactions list statement, read out of the sync worker's repository, so that the bare read ceiling and
// the EXPLAIN of each scenario run exactly the SQL the service runs (plain ESM cannot import the TS source: the
// row projection, built from a field map, is transpiled from its dependency-free file and evaluated).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const DIR = join(new URL('../..', import.meta.url).pathname, 'apps', 'sync-worker', 'src', 'transactions');
const REPOSITORY = join(DIR, 'transactions.repository.ts');
const PROJECTION = join(DIR, 'transaction.projection.ts');

async function transactionJson() {
  const { outputText } = ts.transpileModule(readFileSync(PROJECTION, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const mod = await import(`data:text/javascript,${encodeURIComponent(outputText)}`);
  if (typeof mod.TRANSACTION_JSON !== 'string') throw new Error(`bench: TRANSACTION_JSON not found in ${PROJECTION}`);
  return mod.TRANSACTION_JSON;
}

const rowJson = await transactionJson();

export function transactionsListSql() {
  const src = readFileSync(REPOSITORY, 'utf8');
  const sql = /const LIST_SQL = `([\s\S]*?)`;/.exec(src)?.[1];
  if (!sql?.includes('${TRANSACTION_JSON}') || !sql.includes('LIMIT $12')) {
    throw new Error(`bench: the list statement was not found in ${REPOSITORY}`);
  }
  return sql.replace('${TRANSACTION_JSON}', () => rowJson);
}
