// TransactionDto as Postgres builds it (no runtime imports: bench/lib/list-sql.mjs transpiles this file alone).
import type { TransactionDto } from '@app/contracts';

// The one field map of the API's transaction: each DTO property and the SQL expression over `t`
// (sync.transactions) that fills it. `satisfies` makes a property added to or dropped from TransactionDto a
// compile error here; transaction.projection.spec.ts checks the value types against a real row.
// Dates are ISO (JSON output ignores DateStyle), datetime is rendered like Date.toISOString(), and category is
// null when it has neither part.
export const TRANSACTION_FIELDS = {
  id: 't.plaid_transaction_id',
  accountId: 't.account_id',
  itemId: 't.item_id',
  amount: 't.amount',
  isoCurrencyCode: 't.iso_currency_code',
  date: 't.date',
  authorizedDate: 't.authorized_date',
  datetime: `to_char(t.datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  name: 't.name',
  merchantName: 't.merchant_name',
  pending: 't.pending',
  pendingTransactionId: 't.pending_transaction_id',
  paymentChannel: 't.payment_channel',
  category: `CASE WHEN coalesce(t.category_primary, '') = '' AND coalesce(t.category_detailed, '') = '' THEN NULL
    ELSE json_build_object('primary', t.category_primary, 'detailed', t.category_detailed) END`,
  logoUrl: 't.logo_url',
} as const satisfies Record<keyof TransactionDto, string>;

// One transaction as JSON text.
export const TRANSACTION_JSON = `json_build_object(${Object.entries(TRANSACTION_FIELDS)
  .map(([key, sql]) => `'${key}', ${sql}`)
  .join(', ')})::text`;
