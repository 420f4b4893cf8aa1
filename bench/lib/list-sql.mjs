// The transactions list statement and its parameters, imported from the sync worker's build (dist/bench/exports.cjs,
// built from bench/exports.ts by `npm run build`), so that the bare read ceiling and the EXPLAIN of each scenario
// run exactly the SQL the service runs — one definition, nothing read out of source files.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const require = createRequire(import.meta.url);

// The built statements of a tree (this one unless told: an --ab base tree has its own).
export function benchExports(root = ROOT) {
  const file = join(root, 'dist', 'bench', 'exports.cjs');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return require(file);
}

export function transactionsListSql(root) {
  return benchExports(root).TRANSACTIONS_LIST_SQL;
}

// The statement's parameters for a query string of GET /v1/transactions (the subset the benches use), through the
// repository's own listParams (page size + 1, as TransactionsService asks for, to know whether there is more).
export function transactionsListParams(userId, query, root) {
  const q = Object.fromEntries(new URLSearchParams(query));
  const cursor = q.cursor ? JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) : null;
  return benchExports(root).transactionsListParams({
    userId,
    pending: q.pending === undefined ? undefined : q.pending === 'true',
    minAmount: q.minAmount === undefined ? undefined : Number(q.minAmount),
    maxAmount: q.maxAmount === undefined ? undefined : Number(q.maxAmount),
    after: cursor ? { date: cursor[0], id: cursor[1] } : null,
    limit: Number(q.limit ?? 50) + 1,
    includeHidden: q.includeHidden === 'true',
  });
}
