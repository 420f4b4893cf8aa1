import { PlaidApiError } from '../common/plaid-error';
import { decodeCursor, encodeCursor } from './sync-cursor';
import { type Change, type TransactionLog } from './transaction-log';

export interface SyncPage {
  changes: Change[];
  nextCursor: string;
  hasMore: boolean;
}

/**
 * One `/transactions/sync` page over a stable snapshot. Continuing a run (a cursor with offset > 0) after
 * the item's data changed answers TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION, as Plaid does.
 */
export function syncPage(
  log: TransactionLog,
  itemKey: string,
  cursor: string | undefined,
  count: number,
  accountId?: string,
): SyncPage {
  if (cursor === 'now') {
    return {
      changes: [],
      hasMore: false,
      nextCursor: encodeCursor({ item: itemKey, from: log.version, to: log.version, offset: 0 }),
    };
  }
  let from = 0;
  let offset = 0;
  if (cursor !== undefined && cursor !== '') {
    const decoded = decodeCursor(cursor, itemKey);
    if (decoded.to > log.version)
      throw PlaidApiError.invalidField('cursor is invalid: it refers to a future state of this item');
    if (decoded.offset > 0) {
      if (decoded.to !== log.version) throw PlaidApiError.of('TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION');
      from = decoded.from;
      offset = decoded.offset;
    } else {
      from = decoded.to;
    }
  }
  const to = log.version;
  // A per-account stream is the same diff filtered; its cursors carry their own key.
  const all = accountId
    ? log.changesSince(from).filter((c) => c.entry.accountId === accountId)
    : log.changesSince(from);
  const end = Math.min(offset + count, all.length);
  const hasMore = end < all.length;
  const nextCursor = hasMore
    ? encodeCursor({ item: itemKey, from, to, offset: end })
    : encodeCursor({ item: itemKey, from: to, to, offset: 0 });
  return { changes: all.slice(offset, end), hasMore, nextCursor };
}
