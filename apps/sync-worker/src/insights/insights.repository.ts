import { Injectable } from '@nestjs/common';
import { type SpendingGroupBy } from '@app/contracts';
import { DataSource } from 'typeorm';

export interface SpendingRow {
  key: string | null;
  currency: string | null;
  outflow: number;
  inflow: number;
  count: number;
}

export type SpendingResult =
  { kind: 'rows'; rows: SpendingRow[] } | { kind: 'not-found'; missing: 'item' | 'account' };

// What counts: not hidden, not excluded from spending (the user's edit, else a rule), not half of a transfer pair.
// Edits are few and transactions many, so the big branch reads transactions_user_spending_idx alone (index only;
// its predicate is written out here) as if nothing were edited, and two small branches driven by the user's
// edits correct it: minus each edited row as the big branch counted it, plus the row as the user sees it (when it
// counts). `sign` carries the correction; a group whose rows all moved away nets to zero and is dropped.
const FILTERS = `($2::date IS NULL OR t.date >= $2::date) AND ($3::date IS NULL OR t.date <= $3::date)
            AND ($4::uuid IS NULL OR t.item_id = $4::uuid) AND ($5::uuid IS NULL OR t.account_id = $5::uuid)`;
const INDEXED = `t.transfer_pair_id IS NULL AND t.rule_hidden IS NOT TRUE AND t.rule_exclude_from_spending IS NOT TRUE`;
// Each edit's transaction, looked up by its unique id (LIMIT 1 keeps it a per-edit index probe: joined whole, the
// planner would scan all the user's transactions to hash them).
const EDITED = `transaction_edits e
          CROSS JOIN LATERAL (
            SELECT * FROM transactions t
             WHERE t.plaid_transaction_id = e.plaid_transaction_id AND t.user_id = e.user_id LIMIT 1
          ) t
          WHERE e.user_id = $1`;

// Per grouping: the key as the big branch sees a row (no edit), as the user sees it, and as answered.
interface GroupKey {
  raw: string;
  effective: string;
  out: string;
}

const GROUP_KEYS: Record<SpendingGroupBy, GroupKey> = {
  category: {
    raw: 'coalesce(t.rule_category_primary, t.category_primary)',
    effective: 'coalesce(e.category_primary, t.rule_category_primary, t.category_primary)',
    out: 'key',
  },
  merchant: {
    raw: 'coalesce(t.rule_display_name, t.merchant_name, t.name)',
    effective: 'coalesce(e.display_name, t.rule_display_name, t.merchant_name, t.name)',
    out: 'key',
  },
  month: {
    raw: `date_trunc('month', t.date)::date`,
    effective: `date_trunc('month', t.date)::date`,
    out: `to_char(key, 'YYYY-MM')`,
  },
};

function spendingSql(groupBy: SpendingGroupBy): string {
  const k = GROUP_KEYS[groupBy];
  const currency = 'coalesce(t.iso_currency_code, t.unofficial_currency_code)';
  return `WITH x AS (
         SELECT t.amount, ${currency} AS currency, ${k.raw} AS key, 1 AS sign
           FROM transactions t
          WHERE t.user_id = $1 AND ${INDEXED} AND ${FILTERS}
         UNION ALL
         SELECT t.amount, ${currency}, ${k.raw}, -1 FROM ${EDITED} AND ${INDEXED} AND ${FILTERS}
         UNION ALL
         SELECT t.amount, ${currency}, ${k.effective}, 1 FROM ${EDITED}
            AND t.transfer_pair_id IS NULL
            AND NOT coalesce(e.hidden, t.rule_hidden, false)
            AND NOT coalesce(e.exclude_from_spending, t.rule_exclude_from_spending, false)
            AND ${FILTERS}
       ), g AS (
         SELECT key, currency,
                coalesce(sum(amount * sign) FILTER (WHERE amount > 0), 0) AS outflow,
                coalesce(-sum(amount * sign) FILTER (WHERE amount < 0), 0) AS inflow,
                sum(sign)::int AS count
           FROM x
          GROUP BY key, currency
         HAVING sum(sign) <> 0
       )
       (SELECT false AS total, ${k.out} AS key, currency, outflow::float8 AS outflow, inflow::float8 AS inflow, count
          FROM g ORDER BY outflow DESC, key NULLS LAST, currency NULLS LAST)
       UNION ALL
       SELECT NULL, 'item', NULL, NULL, NULL, NULL
        WHERE $4::uuid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM item_owners o WHERE o.item_id = $4::uuid AND o.user_id = $1)
          AND NOT EXISTS (SELECT 1 FROM items i WHERE i.item_id = $4::uuid AND i.user_id = $1)
       UNION ALL
       SELECT NULL, 'account', NULL, NULL, NULL, NULL
        WHERE $5::uuid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = $5::uuid AND a.user_id = $1)`;
}

export const SPENDING_SQL: Record<SpendingGroupBy, string> = {
  category: spendingSql('category'),
  merchant: spendingSql('merchant'),
  month: spendingSql('month'),
};

interface Row {
  total: boolean | null;
  key: string | null;
  currency: string | null;
  outflow: number | null;
  inflow: number | null;
  count: number | null;
}

@Injectable()
export class InsightsRepository {
  constructor(private readonly db: DataSource) {}

  async spending(q: {
    userId: string;
    groupBy: SpendingGroupBy;
    from: string | null;
    to: string | null;
    itemId: string | null;
    accountId: string | null;
  }): Promise<SpendingResult> {
    const rows = await this.db.query<Row[]>(SPENDING_SQL[q.groupBy], [
      q.userId,
      q.from,
      q.to,
      q.itemId,
      q.accountId,
    ]);
    let missing: 'item' | 'account' | null = null;
    const out: SpendingRow[] = [];
    for (const r of rows) {
      if (r.total === null) {
        if (missing !== 'item') missing = r.key === 'item' ? 'item' : 'account';
      } else {
        out.push({
          key: r.key,
          currency: r.currency,
          outflow: r.outflow ?? 0,
          inflow: r.inflow ?? 0,
          count: r.count ?? 0,
        });
      }
    }
    return missing ? { kind: 'not-found', missing } : { kind: 'rows', rows: out };
  }
}
