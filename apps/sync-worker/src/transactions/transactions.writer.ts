import { Injectable } from '@nestjs/common';
import { type Transaction } from 'plaid';
import { DataSource, type EntityManager } from 'typeorm';

// Applies one /transactions/sync page in two statements: an upsert of added+modified (unnest arrays, one
// parameter per column) and a delete of removed. Idempotent: a redelivered page leaves the same rows.
@Injectable()
export class TransactionsWriter {
  constructor(private readonly db: DataSource) {}

  async upsert(
    em: EntityManager,
    itemId: string,
    userId: string,
    transactions: Transaction[],
  ): Promise<number> {
    if (transactions.length === 0) return 0;
    // One row per id, the last version wins ("ON CONFLICT cannot affect a row twice").
    const rows = [...new Map(transactions.map((t) => [t.transaction_id, t])).values()];
    const col = <T>(f: (t: Transaction) => T): T[] => rows.map(f);
    await em.query<unknown>(
      `INSERT INTO transactions (plaid_transaction_id, item_id, user_id, account_id, amount, iso_currency_code,
                                 unofficial_currency_code, date, authorized_date, datetime, authorized_datetime, name,
                                 merchant_name, pending, pending_transaction_id, payment_channel, category_primary,
                                 category_detailed, logo_url)
       SELECT u.tid, $1, $2, a.id, u.amount, u.iso, u.unofficial, u.date, u.authorized_date, u.datetime,
              u.authorized_datetime, u.name, u.merchant_name, u.pending, u.pending_transaction_id, u.payment_channel,
              u.category_primary, u.category_detailed, u.logo_url
         FROM unnest($3::text[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::date[], $9::date[],
                     $10::timestamptz[], $11::timestamptz[], $12::text[], $13::text[], $14::boolean[], $15::text[],
                     $16::text[], $17::text[], $18::text[], $19::text[])
           AS u(tid, plaid_account_id, amount, iso, unofficial, date, authorized_date, datetime, authorized_datetime,
                name, merchant_name, pending, pending_transaction_id, payment_channel, category_primary,
                category_detailed, logo_url)
         JOIN accounts a ON a.plaid_account_id = u.plaid_account_id AND a.item_id = $1
       ON CONFLICT (plaid_transaction_id) DO UPDATE SET
         account_id = EXCLUDED.account_id, amount = EXCLUDED.amount, iso_currency_code = EXCLUDED.iso_currency_code,
         unofficial_currency_code = EXCLUDED.unofficial_currency_code, date = EXCLUDED.date,
         authorized_date = EXCLUDED.authorized_date, datetime = EXCLUDED.datetime,
         authorized_datetime = EXCLUDED.authorized_datetime, name = EXCLUDED.name,
         merchant_name = EXCLUDED.merchant_name, pending = EXCLUDED.pending,
         pending_transaction_id = EXCLUDED.pending_transaction_id, payment_channel = EXCLUDED.payment_channel,
         category_primary = EXCLUDED.category_primary, category_detailed = EXCLUDED.category_detailed,
         logo_url = EXCLUDED.logo_url, updated_at = now()
       WHERE transactions.item_id = EXCLUDED.item_id`,
      [
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
      ],
    );
    return rows.length;
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
  async analyze(): Promise<void> {
    await this.db.query<unknown>('ANALYZE transactions');
  }
}
