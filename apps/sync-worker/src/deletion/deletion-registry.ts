// Every sync table that holds a user's data, and the statement that deletes it ($1 = the user id), run in this
// order in one transaction: readers see all of the user's data or none. user-deletion.service.int-spec.ts fails when a
// table of the schema with a user_id column is missing here.
export interface DeletionEntry {
  table: string;
  sql: string;
}

export const SYNC_DELETION_REGISTRY: readonly DeletionEntry[] = [
  // Per-item Plaid call windows, keyed `<endpoint>:<item id>`: before the items that name them go.
  {
    table: 'plaid_call_windows',
    sql: `DELETE FROM plaid_call_windows
           WHERE right(key, 36) IN (SELECT item_id::text FROM items WHERE user_id = $1)`,
  },
  { table: 'transaction_edits', sql: `DELETE FROM transaction_edits WHERE user_id = $1` },
  { table: 'rules', sql: `DELETE FROM rules WHERE user_id = $1` },
  { table: 'recurring_streams', sql: `DELETE FROM recurring_streams WHERE user_id = $1` },
  { table: 'balance_snapshots', sql: `DELETE FROM balance_snapshots WHERE user_id = $1` },
  { table: 'transactions', sql: `DELETE FROM transactions WHERE user_id = $1` },
  { table: 'accounts', sql: `DELETE FROM accounts WHERE user_id = $1` },
  { table: 'items', sql: `DELETE FROM items WHERE user_id = $1` },
  { table: 'item_owners', sql: `DELETE FROM item_owners WHERE user_id = $1` },
  // Last: deleting transactions logs removals here (the change-log trigger).
  { table: 'transaction_changes', sql: `DELETE FROM transaction_changes WHERE user_id = $1` },
];
