// The production statements the bench's ceilings run, built into dist/bench/exports.cjs (scripts/build.mjs), so
// that a ceiling is the service's own SQL with the service taken away: one definition, no copy in the bench.
// The bench imports this file's build and nothing else of the apps; when a statement moves, only the imports
// below change.
export {
  LIST_SQL as TRANSACTIONS_LIST_SQL,
  listParams as transactionsListParams,
} from '../apps/sync-worker/src/transactions/transactions.repository';
export {
  UPSERT_SQL as TRANSACTIONS_UPSERT_SQL,
  upsertParams as transactionsUpsertParams,
} from '../apps/sync-worker/src/transactions/transaction-pages.repository';
