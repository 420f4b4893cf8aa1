import { Injectable } from '@nestjs/common';
import { type Transaction } from 'plaid';
import { DataSource, type EntityManager } from 'typeorm';
import { ruleEffectsJoin } from './rule-effects.sql';

// The page's rows ($3…$19, one array per column) for the user ($2) of the item ($1). In the same statement:
// - a posted transaction that names its pending one takes over the user's edit of it (unless it has its own), so
//   an edit survives pending → posted whether the pending row was removed on this page, an earlier one or a later
//   one (edits are keyed by Plaid's id, not by our row);
// - the user's rules set their fields on every incoming row (rule_*; Plaid's columns stay as Plaid sent them).
// Exported for the bench (bench/exports.ts): the ingest ceiling runs this statement bare.
export const UPSERT_SQL = `WITH moved AS (
         UPDATE transaction_edits e
            SET plaid_transaction_id = p.tid, item_id = $1, orphaned_at = NULL, updated_at = now()
           FROM unnest($3::text[], $15::text[], $14::boolean[]) AS p(tid, pending_tid, pending)
          WHERE e.user_id = $2 AND NOT p.pending AND p.pending_tid IS NOT NULL
            AND e.plaid_transaction_id = p.pending_tid
            AND NOT EXISTS (SELECT 1 FROM transaction_edits x WHERE x.user_id = $2 AND x.plaid_transaction_id = p.tid)
       )
       INSERT INTO transactions (plaid_transaction_id, item_id, user_id, account_id, amount, iso_currency_code,
                                 unofficial_currency_code, date, authorized_date, datetime, authorized_datetime, name,
                                 merchant_name, pending, pending_transaction_id, payment_channel, category_primary,
                                 category_detailed, logo_url, rule_category_primary, rule_category_detailed,
                                 rule_hidden, rule_exclude_from_spending, rule_display_name)
       SELECT u.tid, $1, $2, a.id, u.amount, u.iso, u.unofficial, u.date, u.authorized_date, u.datetime,
              u.authorized_datetime, u.name, u.merchant_name, u.pending, u.pending_transaction_id, u.payment_channel,
              u.category_primary, u.category_detailed, u.logo_url, rr.category_primary, rr.category_detailed,
              rr.hidden, rr.exclude_from_spending, rr.display_name
         FROM unnest($3::text[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::date[], $9::date[],
                     $10::timestamptz[], $11::timestamptz[], $12::text[], $13::text[], $14::boolean[], $15::text[],
                     $16::text[], $17::text[], $18::text[], $19::text[])
           AS u(tid, plaid_account_id, amount, iso, unofficial, date, authorized_date, datetime, authorized_datetime,
                name, merchant_name, pending, pending_transaction_id, payment_channel, category_primary,
                category_detailed, logo_url)
         JOIN accounts a ON a.plaid_account_id = u.plaid_account_id AND a.item_id = $1
         ${ruleEffectsJoin({
           userId: '$2',
           accountId: 'a.id',
           name: 'u.name',
           merchantName: 'u.merchant_name',
           amount: 'u.amount',
           categoryPrimary: 'u.category_primary',
           categoryDetailed: 'u.category_detailed',
         })}
       ON CONFLICT (plaid_transaction_id) DO UPDATE SET
         account_id = EXCLUDED.account_id, amount = EXCLUDED.amount, iso_currency_code = EXCLUDED.iso_currency_code,
         unofficial_currency_code = EXCLUDED.unofficial_currency_code, date = EXCLUDED.date,
         authorized_date = EXCLUDED.authorized_date, datetime = EXCLUDED.datetime,
         authorized_datetime = EXCLUDED.authorized_datetime, name = EXCLUDED.name,
         merchant_name = EXCLUDED.merchant_name, pending = EXCLUDED.pending,
         pending_transaction_id = EXCLUDED.pending_transaction_id, payment_channel = EXCLUDED.payment_channel,
         category_primary = EXCLUDED.category_primary, category_detailed = EXCLUDED.category_detailed,
         logo_url = EXCLUDED.logo_url, rule_category_primary = EXCLUDED.rule_category_primary,
         rule_category_detailed = EXCLUDED.rule_category_detailed, rule_hidden = EXCLUDED.rule_hidden,
         rule_exclude_from_spending = EXCLUDED.rule_exclude_from_spending,
         rule_display_name = EXCLUDED.rule_display_name, updated_at = now()
       WHERE transactions.item_id = EXCLUDED.item_id`;

// UPSERT_SQL's parameters for a page: one row per id, the last version wins ("ON CONFLICT cannot affect a row
// twice").
export function upsertParams(
  itemId: string,
  userId: string,
  transactions: Transaction[],
): { rows: number; params: unknown[] } {
  const rows = [...new Map(transactions.map((t) => [t.transaction_id, t])).values()];
  const col = <T>(f: (t: Transaction) => T): T[] => rows.map(f);
  const params: unknown[] = [
    itemId,
    userId,
    col((t) => t.transaction_id),
    col((t) => t.account_id),
    col((t) => t.amount),
    col((t) => t.iso_currency_code ?? null),
    col((t) => t.unofficial_currency_code ?? null),
    col((t) => t.date),
    col((t) => t.authorized_date ?? null),
    col((t) => t.datetime ?? null),
    col((t) => t.authorized_datetime ?? null),
    col((t) => t.name ?? t.merchant_name ?? ''),
    col((t) => t.merchant_name ?? null),
    col((t) => t.pending),
    col((t) => t.pending_transaction_id ?? null),
    col((t) => (t.payment_channel ? String(t.payment_channel) : null)),
    col((t) => t.personal_finance_category?.primary ?? null),
    col((t) => t.personal_finance_category?.detailed ?? null),
    col((t) => t.logo_url ?? null),
  ];
  return { rows: rows.length, params };
}

// Applies one /transactions/sync page in two statements: an upsert of added+modified (unnest arrays, one
// parameter per column; with the user's rules and the pending → posted move of edits) and a delete of removed. Idempotent: a redelivered page leaves the same rows.
@Injectable()
export class TransactionPagesRepository {
  constructor(private readonly db: DataSource) {}

  async upsert(
    em: EntityManager,
    itemId: string,
    userId: string,
    transactions: Transaction[],
  ): Promise<number> {
    if (transactions.length === 0) return 0;
    const { rows, params } = upsertParams(itemId, userId, transactions);
    await em.query<unknown>(UPSERT_SQL, params);
    return rows;
  }

  async remove(em: EntityManager, itemId: string, plaidTransactionIds: string[]): Promise<number> {
    if (plaidTransactionIds.length === 0) return 0;
    // TypeORM answers a DELETE with [rows, count] on Postgres.
    const [, count] = await em.query<[unknown[], number]>(
      `DELETE FROM transactions WHERE item_id = $1 AND plaid_transaction_id = ANY($2::text[])`,
      [itemId, plaidTransactionIds],
    );
    return count;
  }

  // Fresh planner statistics after a big write (a first sync), so the list reads use their index.
  async analyze(em: EntityManager): Promise<void> {
    await em.query<unknown>('ANALYZE transactions');
  }
}
