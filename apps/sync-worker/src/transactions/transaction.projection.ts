// TransactionDto as Postgres builds it (no runtime imports: bench/lib/list-sql.mjs transpiles this file alone).
import type { TransactionDto } from '@app/contracts';

// The one field map of the API's transaction: each DTO property and the SQL expression over `t`
// (sync.transactions) and `e` (the user's edits of it, sync.transaction_edits, LEFT JOINed on the user and
// Plaid's id — every statement that uses it writes that join) that fills it. Effective values: the user's
// edit, else what a rule set when the row was stored, else Plaid's. `satisfies` makes a property added to or dropped from TransactionDto a
// compile error here; transaction.projection.int-spec.ts checks the value types against a real row.
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
  category: `CASE WHEN e.category_primary IS NOT NULL
      THEN json_build_object('primary', e.category_primary, 'detailed', e.category_detailed)
    WHEN t.rule_category_primary IS NOT NULL
      THEN json_build_object('primary', t.rule_category_primary, 'detailed', t.rule_category_detailed)
    WHEN coalesce(t.category_primary, '') = '' AND coalesce(t.category_detailed, '') = '' THEN NULL
    ELSE json_build_object('primary', t.category_primary, 'detailed', t.category_detailed) END`,
  logoUrl: 't.logo_url',
  plaidCategory: `CASE WHEN coalesce(t.category_primary, '') = '' AND coalesce(t.category_detailed, '') = '' THEN NULL
    ELSE json_build_object('primary', t.category_primary, 'detailed', t.category_detailed) END`,
  note: 'e.note',
  hidden: 'coalesce(e.hidden, t.rule_hidden, false)',
  excludeFromSpending: 'coalesce(e.exclude_from_spending, t.rule_exclude_from_spending, false)',
  displayName: 'coalesce(e.display_name, t.rule_display_name)',
  transferPairId: 't.transfer_pair_id',
} as const satisfies Record<keyof TransactionDto, string>;

// One transaction as JSON text.
export const TRANSACTION_JSON = `json_build_object(${Object.entries(TRANSACTION_FIELDS)
  .map(([key, sql]) => `'${key}', ${sql}`)
  .join(', ')})::text`;

// The join every statement that renders TRANSACTION_JSON over `t` needs (bench/lib/list-sql.mjs: the list
// statement writes it out literally).
export const EDITS_JOIN = `LEFT JOIN transaction_edits e
         ON e.user_id = t.user_id AND e.plaid_transaction_id = t.plaid_transaction_id`;
