import { Injectable } from '@nestjs/common';
import { type SpendingGroupBy } from '@app/contracts';
import { DataSource } from 'typeorm';

export interface SpendingRow {
  total: boolean;
  key: string | null;
  currency: string | null;
  outflow: number;
  inflow: number;
  count: number;
}

export type SpendingResult =
  { kind: 'rows'; rows: SpendingRow[] } | { kind: 'not-found'; missing: 'item' | 'account' };

// What counts: not hidden, not excluded from spending (the user's edit, else a rule), not half of a transfer pair.
// Two branches so the big one reads only transactions_user_spending_idx (its predicate is written out here): rows
// no rule hid or excluded (unless the user's edit does), and the few a rule did but the user's edit brought back.
const COUNTED = (groupKey: string): string => `
         SELECT t.amount, coalesce(t.iso_currency_code, t.unofficial_currency_code) AS currency, ${groupKey} AS key
           FROM transactions t
           LEFT JOIN transaction_edits e
             ON e.user_id = t.user_id AND e.plaid_transaction_id = t.plaid_transaction_id
          WHERE t.user_id = $1
            AND t.transfer_pair_id IS NULL AND t.rule_hidden IS NOT TRUE AND t.rule_exclude_from_spending IS NOT TRUE
            AND ($2::date IS NULL OR t.date >= $2::date) AND ($3::date IS NULL OR t.date <= $3::date)
            AND ($4::uuid IS NULL OR t.item_id = $4::uuid) AND ($5::uuid IS NULL OR t.account_id = $5::uuid)
            AND e.hidden IS NOT TRUE AND e.exclude_from_spending IS NOT TRUE
         UNION ALL
         SELECT t.amount, coalesce(t.iso_currency_code, t.unofficial_currency_code), ${groupKey}
           FROM transaction_edits e
           JOIN transactions t ON t.user_id = e.user_id AND t.plaid_transaction_id = e.plaid_transaction_id
          WHERE e.user_id = $1 AND (e.hidden IS FALSE OR e.exclude_from_spending IS FALSE)
            AND t.transfer_pair_id IS NULL
            AND (t.rule_hidden IS TRUE OR t.rule_exclude_from_spending IS TRUE)
            AND NOT coalesce(e.hidden, t.rule_hidden, false)
            AND NOT coalesce(e.exclude_from_spending, t.rule_exclude_from_spending, false)
            AND ($2::date IS NULL OR t.date >= $2::date) AND ($3::date IS NULL OR t.date <= $3::date)
            AND ($4::uuid IS NULL OR t.item_id = $4::uuid) AND ($5::uuid IS NULL OR t.account_id = $5::uuid)`;

// The group key of each grouping: the effective primary category, the merchant as the user sees it, the month.
const GROUP_KEYS: Record<SpendingGroupBy, string> = {
  category: 'coalesce(e.category_primary, t.rule_category_primary, t.category_primary)',
  merchant: 'coalesce(e.display_name, t.rule_display_name, t.merchant_name, t.name)',
  month: `to_char(t.date, 'YYYY-MM')`,
};

function spendingSql(groupBy: SpendingGroupBy): string {
  return `WITH x AS (${COUNTED(GROUP_KEYS[groupBy])})
       (SELECT GROUPING(key) = 1 AS total, key, currency,
               coalesce(sum(amount) FILTER (WHERE amount > 0), 0)::float8 AS outflow,
               coalesce(-sum(amount) FILTER (WHERE amount < 0), 0)::float8 AS inflow,
               count(*)::int AS count
          FROM x
         GROUP BY GROUPING SETS ((key, currency), (currency))
         ORDER BY outflow DESC, key NULLS LAST, currency NULLS LAST)
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

const SQL: Record<SpendingGroupBy, string> = {
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
    const rows = await this.db.query<Row[]>(SQL[q.groupBy], [q.userId, q.from, q.to, q.itemId, q.accountId]);
    let missing: 'item' | 'account' | null = null;
    const out: SpendingRow[] = [];
    for (const r of rows) {
      if (r.total === null) {
        if (missing !== 'item') missing = r.key === 'item' ? 'item' : 'account';
      } else {
        out.push({
          total: r.total,
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
