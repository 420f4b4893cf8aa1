// The user's rules as they apply to one row: per field, the first matching rule (priority, then age) that sets
// it. A LEFT JOIN LATERAL over sync.rules that always yields one row (`rr`), NULLs where no rule sets a field.
// Used by the page write (each incoming transaction) and by "apply to existing" (every stored one), so a rule
// means the same thing in both. Each argument is an SQL expression over the row.
export interface RuleSubject {
  userId: string;
  accountId: string;
  name: string;
  merchantName: string;
  amount: string;
  categoryPrimary: string;
  categoryDetailed: string;
}

export function ruleEffectsJoin(s: RuleSubject): string {
  const order = 'ORDER BY r.priority, r.created_at, r.id';
  const first = (column: string, when = column): string =>
    `(array_agg(r.${column} ${order}) FILTER (WHERE r.${when} IS NOT NULL))[1]`;
  return `LEFT JOIN LATERAL (
         SELECT ${first('set_category_primary')} AS category_primary,
                ${first('set_category_detailed', 'set_category_primary')} AS category_detailed,
                ${first('set_hidden')} AS hidden,
                ${first('set_exclude_from_spending')} AS exclude_from_spending,
                ${first('set_display_name')} AS display_name
           FROM rules r
          WHERE r.user_id = ${s.userId}
            AND (r.match_merchant_name IS NULL OR lower(${s.merchantName}) = lower(r.match_merchant_name))
            AND (r.match_name_contains IS NULL OR strpos(lower(${s.name}), lower(r.match_name_contains)) > 0)
            AND (r.match_account_id IS NULL OR r.match_account_id = ${s.accountId})
            AND (r.match_amount_min IS NULL OR ${s.amount} >= r.match_amount_min)
            AND (r.match_amount_max IS NULL OR ${s.amount} <= r.match_amount_max)
            AND (r.match_plaid_category IS NULL
                 OR r.match_plaid_category = ${s.categoryPrimary}
                 OR r.match_plaid_category = ${s.categoryDetailed})
       ) rr ON true`;
}
