import { Injectable } from '@nestjs/common';
import { type RecurringStreamDto } from '@app/contracts';
import { type TransactionStream } from 'plaid';
import { DataSource, type EntityManager } from 'typeorm';

export type RecurringListResult =
  | { kind: 'page'; rows: (RecurringStreamDto & { direction: 'inflow' | 'outflow' })[] }
  | { kind: 'not-found'; missing: 'item' | 'account' };

// Replaces the item's streams with Plaid's answer (streams it no longer lists go): one statement (the streams travel as one JSON array; each
// joins its account by Plaid's id within the item — a stream of an account we do not hold is skipped).
const REPLACE_SQL = `WITH s AS (
         SELECT * FROM jsonb_to_recordset($3::jsonb) AS s(stream_id text, plaid_account_id text, direction text,
              merchant_name text, description text, frequency text, average_amount numeric, last_amount numeric,
              iso_currency_code text, unofficial_currency_code text, first_date date, last_date date,
              predicted_next_date date, status text, is_active boolean, category_primary text,
              category_detailed text, transaction_ids jsonb)
       ), gone AS (
         DELETE FROM recurring_streams r WHERE r.item_id = $1 AND r.stream_id NOT IN (SELECT stream_id FROM s)
       )
       INSERT INTO recurring_streams (stream_id, user_id, item_id, account_id, direction, merchant_name, description,
                                      frequency, average_amount, last_amount, iso_currency_code,
                                      unofficial_currency_code, first_date, last_date, predicted_next_date, status,
                                      is_active, category_primary, category_detailed, transaction_ids)
       SELECT s.stream_id, $2, $1, a.id, s.direction, s.merchant_name, s.description, s.frequency,
              s.average_amount, s.last_amount, s.iso_currency_code, s.unofficial_currency_code, s.first_date,
              s.last_date, s.predicted_next_date, s.status, s.is_active, s.category_primary, s.category_detailed,
              ARRAY(SELECT jsonb_array_elements_text(s.transaction_ids))
         FROM s
         JOIN accounts a ON a.plaid_account_id = s.plaid_account_id AND a.item_id = $1
       ON CONFLICT (stream_id) DO UPDATE SET
         user_id = EXCLUDED.user_id, item_id = EXCLUDED.item_id, account_id = EXCLUDED.account_id,
         direction = EXCLUDED.direction, merchant_name = EXCLUDED.merchant_name,
         description = EXCLUDED.description, frequency = EXCLUDED.frequency,
         average_amount = EXCLUDED.average_amount, last_amount = EXCLUDED.last_amount,
         iso_currency_code = EXCLUDED.iso_currency_code, unofficial_currency_code = EXCLUDED.unofficial_currency_code,
         first_date = EXCLUDED.first_date, last_date = EXCLUDED.last_date,
         predicted_next_date = EXCLUDED.predicted_next_date, status = EXCLUDED.status,
         is_active = EXCLUDED.is_active, category_primary = EXCLUDED.category_primary,
         category_detailed = EXCLUDED.category_detailed, transaction_ids = EXCLUDED.transaction_ids,
         updated_at = now()`;

// The user's streams, with the effective category (the user's edit or a rule on the stream's latest transaction
// that has one, else Plaid's) and the ids of the stream's transactions we hold. The sentinel branches answer
// "not the caller's" for the filters (as the transactions list does).
const LIST_SQL = `(SELECT s.direction, json_build_object(
           'id', s.stream_id, 'itemId', s.item_id, 'accountId', s.account_id, 'merchantName', s.merchant_name,
           'description', s.description, 'frequency', s.frequency, 'averageAmount', s.average_amount,
           'lastAmount', s.last_amount, 'isoCurrencyCode', coalesce(s.iso_currency_code, s.unofficial_currency_code),
           'firstDate', s.first_date, 'lastDate', s.last_date, 'predictedNextDate', s.predicted_next_date,
           'status', s.status, 'isActive', s.is_active,
           'category', CASE WHEN o.primary_code IS NOT NULL
                              THEN json_build_object('primary', o.primary_code, 'detailed', o.detailed_code)
                            WHEN s.category_primary IS NOT NULL
                              THEN json_build_object('primary', s.category_primary, 'detailed', s.category_detailed)
                       END,
           'transactionIds', ARRAY(SELECT t.plaid_transaction_id FROM transactions t
                                    WHERE t.user_id = s.user_id AND t.plaid_transaction_id = ANY(s.transaction_ids)
                                    ORDER BY t.date DESC, t.plaid_transaction_id)
         )::text AS json, NULL::text AS missing
         FROM recurring_streams s
         LEFT JOIN LATERAL (
           SELECT coalesce(e.category_primary, t.rule_category_primary) AS primary_code,
                  CASE WHEN e.category_primary IS NOT NULL THEN e.category_detailed ELSE t.rule_category_detailed END
                    AS detailed_code
             FROM transactions t
             LEFT JOIN transaction_edits e
               ON e.user_id = t.user_id AND e.plaid_transaction_id = t.plaid_transaction_id
            WHERE t.user_id = s.user_id AND t.plaid_transaction_id = ANY(s.transaction_ids)
              AND (e.category_primary IS NOT NULL OR t.rule_category_primary IS NOT NULL)
            ORDER BY t.date DESC LIMIT 1
         ) o ON true
        WHERE s.user_id = $1
          AND ($2::uuid IS NULL OR s.item_id = $2::uuid)
          AND ($3::uuid IS NULL OR s.account_id = $3::uuid)
        ORDER BY s.is_active DESC, abs(s.average_amount) DESC, s.stream_id)
       UNION ALL
       SELECT NULL, NULL, 'item'
        WHERE $2::uuid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM item_owners o WHERE o.item_id = $2::uuid AND o.user_id = $1)
          AND NOT EXISTS (SELECT 1 FROM items i WHERE i.item_id = $2::uuid AND i.user_id = $1)
       UNION ALL
       SELECT NULL, NULL, 'account'
        WHERE $3::uuid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = $3::uuid AND a.user_id = $1)`;

type ListRow =
  | { direction: 'inflow' | 'outflow'; json: string; missing: null }
  | { direction: null; json: null; missing: 'item' | 'account' };

@Injectable()
export class RecurringRepository {
  constructor(private readonly db: DataSource) {}

  // NULL (never asked), 'ok', or the Plaid error code that says the item has no recurring product.
  async status(itemId: string): Promise<string | null> {
    const rows = await this.db.query<{ status: string | null }[]>(
      `SELECT recurring_status AS status FROM items WHERE item_id = $1`,
      [itemId],
    );
    return rows[0]?.status ?? null;
  }

  async setStatus(em: EntityManager | null, itemId: string, status: string): Promise<void> {
    await (em ?? this.db.manager).query(
      `UPDATE items SET recurring_status = $2, recurring_fetched_at = now() WHERE item_id = $1`,
      [itemId, status],
    );
  }

  async replace(
    em: EntityManager,
    itemId: string,
    userId: string,
    inflows: TransactionStream[],
    outflows: TransactionStream[],
  ): Promise<void> {
    const streams = [
      ...inflows.map((s) => toRecord(s, 'inflow')),
      ...outflows.map((s) => toRecord(s, 'outflow')),
    ];
    await em.query(REPLACE_SQL, [itemId, userId, JSON.stringify(streams)]);
  }

  async list(userId: string, itemId: string | null, accountId: string | null): Promise<RecurringListResult> {
    const rows = await this.db.query<ListRow[]>(LIST_SQL, [userId, itemId, accountId]);
    let missing: 'item' | 'account' | null = null;
    const out: (RecurringStreamDto & { direction: 'inflow' | 'outflow' })[] = [];
    for (const row of rows) {
      if (row.missing === null) {
        out.push({ ...(JSON.parse(row.json) as RecurringStreamDto), direction: row.direction });
      } else if (missing !== 'item') missing = row.missing;
    }
    return missing ? { kind: 'not-found', missing } : { kind: 'page', rows: out };
  }
}

function toRecord(s: TransactionStream, direction: 'inflow' | 'outflow'): Record<string, unknown> {
  return {
    stream_id: s.stream_id,
    plaid_account_id: s.account_id,
    direction,
    merchant_name: s.merchant_name ?? null,
    description: s.description,
    frequency: String(s.frequency),
    average_amount: s.average_amount.amount ?? 0,
    last_amount: s.last_amount.amount ?? 0,
    iso_currency_code: s.average_amount.iso_currency_code ?? null,
    unofficial_currency_code: s.average_amount.unofficial_currency_code ?? null,
    first_date: s.first_date,
    last_date: s.last_date,
    predicted_next_date: s.predicted_next_date ?? null,
    status: String(s.status),
    is_active: s.is_active,
    category_primary: s.personal_finance_category?.primary ?? null,
    category_detailed: s.personal_finance_category?.detailed ?? null,
    transaction_ids: s.transaction_ids,
  };
}
