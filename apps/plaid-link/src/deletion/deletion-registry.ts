// Every link table that holds a user's data, and the statement that deletes it ($1 = the user id), run in this
// order in one transaction once every item is removed at Plaid. user-deletion.service.int-spec.ts fails when a table of
// the schema with a user_id column is missing here.
export interface DeletionEntry {
  table: string;
  sql: string;
}

export const LINK_DELETION_REGISTRY: readonly DeletionEntry[] = [
  // Exchanges go with their items too (ON DELETE CASCADE); deleted by owner as well, in case of an orphan.
  { table: 'exchanges', sql: `DELETE FROM exchanges WHERE user_id = $1` },
  { table: 'items', sql: `DELETE FROM items WHERE user_id = $1` },
  { table: 'user_events', sql: `DELETE FROM user_events WHERE user_id = $1` },
  { table: 'user_event_heads', sql: `DELETE FROM user_event_heads WHERE user_id = $1` },
  // Per-user request windows, keyed `<action>:<user id>`.
  { table: 'rate_limits', sql: `DELETE FROM rate_limits WHERE right(key, 37) = ':' || $1::text` },
];
