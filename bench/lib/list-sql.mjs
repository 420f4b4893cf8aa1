// The transactions list statement, read out of the sync worker's repository, so that the bare read ceiling and
// the EXPLAIN of each scenario run exactly the SQL the service runs. Plain ESM cannot import the TS source: the
// row projection (built from a field map in a dependency-free file) is transpiled and evaluated once in a child
// process, so the ceiling server never loads the TypeScript compiler.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const DIR = join(ROOT, 'apps', 'sync-worker', 'src', 'transactions');
const REPOSITORY = join(DIR, 'transactions.repository.ts');
const PROJECTION = join(DIR, 'transaction.projection.ts');

const EVALUATE = `
import { readFileSync } from 'node:fs';
import ts from 'typescript';
const { outputText } = ts.transpileModule(readFileSync(process.argv[1], 'utf8'), {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
});
const mod = await import('data:text/javascript,' + encodeURIComponent(outputText));
process.stdout.write(JSON.stringify(mod.TRANSACTION_JSON ?? null));
`;

let rowJson;

function transactionJson() {
  rowJson ??= JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', EVALUATE, PROJECTION], { cwd: ROOT, encoding: 'utf8' }),
  );
  if (typeof rowJson !== 'string') throw new Error(`bench: TRANSACTION_JSON not found in ${PROJECTION}`);
  return rowJson;
}

export function transactionsListSql() {
  const src = readFileSync(REPOSITORY, 'utf8');
  const sql = /const LIST_SQL = `([\s\S]*?)`;/.exec(src)?.[1];
  if (!sql?.includes('${TRANSACTION_JSON}') || !sql.includes('LIMIT $12')) {
    throw new Error(`bench: the list statement was not found in ${REPOSITORY}`);
  }
  const json = transactionJson();
  return sql.replace('${TRANSACTION_JSON}', () => json);
}

// The statement's parameters for a query string of GET /v1/transactions (the subset the benches use), in the order
// TransactionsRepository.page passes them.
export function transactionsListParams(userId, query) {
  const q = Object.fromEntries(new URLSearchParams(query));
  const cursor = q.cursor ? JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) : [null, null];
  return [
    userId,
    null,
    null,
    null,
    null,
    q.pending === undefined ? null : q.pending === 'true',
    q.minAmount === undefined ? null : Number(q.minAmount),
    null,
    null,
    cursor[0],
    cursor[1],
    Number(q.limit ?? 50) + 1,
    q.includeHidden === 'true',
  ];
}
