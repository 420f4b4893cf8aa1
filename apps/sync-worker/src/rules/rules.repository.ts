import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ruleEffectsJoin } from '../transactions/rule-effects.sql';

// A rule as stored (numeric columns arrive as text).
export interface RuleRow {
  id: string;
  name: string;
  priority: number;
  match_merchant_name: string | null;
  match_name_contains: string | null;
  match_account_id: string | null;
  match_amount_min: string | null;
  match_amount_max: string | null;
  match_plaid_category: string | null;
  set_category_primary: string | null;
  set_category_detailed: string | null;
  set_hidden: boolean | null;
  set_exclude_from_spending: boolean | null;
  set_display_name: string | null;
  created_at: Date;
  updated_at: Date;
}

export type RuleFields = Omit<RuleRow, 'id' | 'created_at' | 'updated_at'>;

const COLUMNS: (keyof RuleFields)[] = [
  'name',
  'priority',
  'match_merchant_name',
  'match_name_contains',
  'match_account_id',
  'match_amount_min',
  'match_amount_max',
  'match_plaid_category',
  'set_category_primary',
  'set_category_detailed',
  'set_hidden',
  'set_exclude_from_spending',
  'set_display_name',
];

// Every stored transaction of the user gets what the current rules set (one statement); only rows whose rule
// fields change are written (and so recorded in the change log). Answers the changed rows per item.
const APPLY_SQL = `WITH changed AS (
         UPDATE transactions t
            SET rule_category_primary = rr.category_primary, rule_category_detailed = rr.category_detailed,
                rule_hidden = rr.hidden, rule_exclude_from_spending = rr.exclude_from_spending,
                rule_display_name = rr.display_name, updated_at = now()
           FROM transactions s
           ${ruleEffectsJoin({
             userId: '$1',
             accountId: 's.account_id',
             name: 's.name',
             merchantName: 's.merchant_name',
             amount: 's.amount',
             categoryPrimary: 's.category_primary',
             categoryDetailed: 's.category_detailed',
           })}
          WHERE t.id = s.id AND s.user_id = $1
            AND (t.rule_category_primary, t.rule_category_detailed, t.rule_hidden, t.rule_exclude_from_spending,
                 t.rule_display_name)
                IS DISTINCT FROM (rr.category_primary, rr.category_detailed, rr.hidden, rr.exclude_from_spending,
                                  rr.display_name)
         RETURNING t.item_id
       )
       SELECT item_id AS "itemId", count(*)::int AS modified FROM changed GROUP BY item_id`;

@Injectable()
export class RulesRepository {
  constructor(private readonly db: DataSource) {}

  list(userId: string): Promise<RuleRow[]> {
    return this.db.query<RuleRow[]>(
      `SELECT * FROM rules WHERE user_id = $1 ORDER BY priority, created_at, id`,
      [userId],
    );
  }

  async create(em: EntityManager, userId: string, fields: RuleFields): Promise<RuleRow> {
    const [row] = await em.query<RuleRow[]>(
      `INSERT INTO rules (user_id, ${COLUMNS.join(', ')})
       VALUES ($1, ${COLUMNS.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING *`,
      [userId, ...COLUMNS.map((c) => fields[c])],
    );
    return row;
  }

  // The rule with its new fields, or null when it is not the user's.
  async update(em: EntityManager, userId: string, id: string, fields: RuleFields): Promise<RuleRow | null> {
    const [rows] = await em.query<[RuleRow[], number]>(
      `UPDATE rules SET ${COLUMNS.map((c, i) => `${c} = $${i + 3}`).join(', ')}, updated_at = now()
        WHERE user_id = $1 AND id = $2 RETURNING *`,
      [userId, id, ...COLUMNS.map((c) => fields[c])],
    );
    return rows[0] ?? null;
  }

  async find(em: EntityManager, userId: string, id: string): Promise<RuleRow | null> {
    const rows = await em.query<RuleRow[]>(`SELECT * FROM rules WHERE user_id = $1 AND id = $2 FOR UPDATE`, [
      userId,
      id,
    ]);
    return rows[0] ?? null;
  }

  async delete(em: EntityManager, userId: string, id: string): Promise<boolean> {
    const [, count] = await em.query<[unknown[], number]>(
      `DELETE FROM rules WHERE user_id = $1 AND id = $2`,
      [userId, id],
    );
    return count > 0;
  }

  async accountIsUsers(em: EntityManager, userId: string, accountId: string): Promise<boolean> {
    const rows = await em.query<unknown[]>(`SELECT 1 FROM accounts WHERE id = $1 AND user_id = $2`, [
      accountId,
      userId,
    ]);
    return rows.length > 0;
  }

  async applyToExisting(em: EntityManager, userId: string): Promise<Map<string, number>> {
    const rows = await em.query<{ itemId: string; modified: number }[]>(APPLY_SQL, [userId]);
    return new Map(rows.map((r) => [r.itemId, r.modified]));
  }
}
