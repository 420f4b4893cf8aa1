import { Injectable } from '@nestjs/common';
import { type TransactionsCursor, type TransactionsListRequest } from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { EDITS_JOIN, TRANSACTION_JSON } from './transaction.projection';

export interface TransactionsPageQuery extends Omit<TransactionsListRequest, 'cursor' | 'limit'> {
  after: TransactionsCursor | null;
  limit: number;
}

// Rows of a page, or (alone) what the caller asked for that is not theirs.
export type TransactionsPageResult =
  | { kind: 'page'; rows: { id: string; date: string; json: string }[] }
  | { kind: 'not-found'; missing: 'item' | 'account' };

type ListRow = { id: string; date: string; json: string; missing: null } | { missing: 'item' | 'account' };

// Newest first, keyset on (date, id); hidden transactions and those of hidden accounts only with includeHidden
// ($13; the accounts subquery is an init plan, run once). The two sentinel branches answer "not the caller's" in
// the same round trip: they only produce a row when the item (as item_owners knows it) or the account is not the user's, and
// then the first branch is empty (every row carries its owner's user_id). An item the worker does not know yet
// counts as not the user's. `items` is asked too: during a rolling upgrade, workers of the previous release
// link items without an item_owners row. Exported for the bench (bench/exports.ts): its read ceiling runs it.
export const LIST_SQL = `(SELECT t.id, t.date::text AS date, ${TRANSACTION_JSON} AS json, NULL::text AS missing
         FROM transactions t
         LEFT JOIN transaction_edits e
           ON e.user_id = t.user_id AND e.plaid_transaction_id = t.plaid_transaction_id
        WHERE t.user_id = $1
          AND ($2::uuid IS NULL OR t.item_id = $2::uuid)
          AND ($3::uuid IS NULL OR t.account_id = $3::uuid)
          AND ($4::date IS NULL OR t.date >= $4::date)
          AND ($5::date IS NULL OR t.date <= $5::date)
          AND ($6::boolean IS NULL OR t.pending = $6::boolean)
          AND ($7::numeric IS NULL OR t.amount >= $7::numeric)
          AND ($8::numeric IS NULL OR t.amount <= $8::numeric)
          AND ($9::text IS NULL OR t.name ILIKE $9::text OR t.merchant_name ILIKE $9::text
               OR coalesce(e.display_name, t.rule_display_name) ILIKE $9::text OR e.note ILIKE $9::text)
          AND ($10::date IS NULL OR (t.date, t.id) < ($10::date, $11::uuid))
          AND ($13::boolean IS TRUE OR NOT (coalesce(e.hidden, t.rule_hidden, false)
               OR t.account_id = ANY (ARRAY(SELECT id FROM accounts WHERE user_id = $1 AND hidden))))
        ORDER BY t.date DESC, t.id DESC
        LIMIT $12)
       UNION ALL
       SELECT NULL, NULL, NULL, 'item'
        WHERE $2::uuid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM item_owners o WHERE o.item_id = $2::uuid AND o.user_id = $1)
          AND NOT EXISTS (SELECT 1 FROM items i WHERE i.item_id = $2::uuid AND i.user_id = $1)
       UNION ALL
       SELECT NULL, NULL, NULL, 'account'
        WHERE $3::uuid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = $3::uuid AND a.user_id = $1)`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// LIST_SQL's parameters for a page query, in its order.
export function listParams(q: TransactionsPageQuery): unknown[] {
  return [
    q.userId,
    q.itemId ?? null,
    q.accountId ?? null,
    q.from ?? null,
    q.to ?? null,
    q.pending ?? null,
    q.minAmount ?? null,
    q.maxAmount ?? null,
    q.search ? `%${escapeLike(q.search)}%` : null,
    q.after?.date ?? null,
    q.after?.id ?? null,
    q.limit,
    q.includeHidden ?? false,
  ];
}

@Injectable()
export class TransactionsRepository {
  constructor(private readonly db: DataSource) {}

  // Up to `limit` rows, each with its TransactionDto already rendered as JSON text by Postgres.
  async page(q: TransactionsPageQuery): Promise<TransactionsPageResult> {
    const rows = await this.db.query<ListRow[]>(LIST_SQL, listParams(q));
    const page: { id: string; date: string; json: string }[] = [];
    // The item first: it is what the gateway used to check before the account.
    let missing: 'item' | 'account' | null = null;
    for (const row of rows) {
      if (row.missing === null) page.push(row);
      else if (missing !== 'item') missing = row.missing;
    }
    return missing ? { kind: 'not-found', missing } : { kind: 'page', rows: page };
  }

  // One of the user's transactions (hidden or not) as JSON text, or null.
  async one(userId: string, plaidTransactionId: string, em?: EntityManager): Promise<string | null> {
    const rows = await (em ?? this.db.manager).query<{ json: string }[]>(
      `SELECT ${TRANSACTION_JSON} AS json FROM transactions t ${EDITS_JOIN}
        WHERE t.user_id = $1 AND t.plaid_transaction_id = $2`,
      [userId, plaidTransactionId],
    );
    return rows[0]?.json ?? null;
  }
}
