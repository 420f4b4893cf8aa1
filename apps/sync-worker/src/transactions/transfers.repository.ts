import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

// Plaid's categories that make a pair more likely to be a transfer between the user's own accounts.
const TRANSFER_CATEGORIES = `('TRANSFER_IN', 'TRANSFER_OUT', 'LOAN_PAYMENTS')`;

// A pair whose other half is gone (removed by a sync, or a pending that posted) is no pair.
const UNPAIR_ORPHANS_SQL = `UPDATE transactions t SET transfer_pair_id = NULL, updated_at = now()
        WHERE t.user_id = $1 AND t.transfer_pair_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM transactions o
                           WHERE o.user_id = $1 AND o.transfer_pair_id = t.transfer_pair_id AND o.id <> t.id)`;

// Pairs the user's posted, unpaired transactions dated $2…$3 (± 3 days) in one statement: money out of one
// account and the same amount into another of the user's accounts (any of their items), same currency, at
// most 3 days apart, neither half unpaired by the user. Each transaction pairs once: a candidate pair is kept
// only when each half is the other's best match (a transfer category on either side first, then the closest
// dates, then the ids: deterministic). The pair id is derived from both halves (the same pair, the same id).
const PAIR_SQL = `WITH cand AS (
         SELECT t.id, t.account_id, t.amount, t.date,
                coalesce(t.iso_currency_code, t.unofficial_currency_code) AS currency,
                coalesce(t.category_primary IN ${TRANSFER_CATEGORIES}, false) AS transferish
           FROM transactions t
           LEFT JOIN transaction_edits e
             ON e.user_id = t.user_id AND e.plaid_transaction_id = t.plaid_transaction_id
          WHERE t.user_id = $1 AND NOT t.pending AND t.amount <> 0 AND t.transfer_pair_id IS NULL
            AND t.date BETWEEN $2::date - 3 AND $3::date + 3
            AND NOT coalesce(e.transfer_unpaired, false)
       ), edges AS (
         SELECT o.id AS out_id, i.id AS in_id, o.transferish::int + i.transferish::int AS score,
                abs(o.date - i.date) AS gap
           FROM cand o
           JOIN cand i ON i.amount = -o.amount AND i.account_id <> o.account_id
                      AND i.currency IS NOT DISTINCT FROM o.currency AND abs(o.date - i.date) <= 3
          WHERE o.amount > 0
       ), ranked AS (
         SELECT out_id, in_id,
                row_number() OVER (PARTITION BY out_id ORDER BY score DESC, gap, in_id) AS by_out,
                row_number() OVER (PARTITION BY in_id ORDER BY score DESC, gap, out_id) AS by_in
           FROM edges
       ), pairs AS (
         SELECT out_id, in_id, md5(out_id::text || in_id::text)::uuid AS pair_id
           FROM ranked WHERE by_out = 1 AND by_in = 1
       ), halves AS (
         SELECT out_id AS id, pair_id FROM pairs UNION ALL SELECT in_id, pair_id FROM pairs
       )
       UPDATE transactions t SET transfer_pair_id = h.pair_id, updated_at = now()
         FROM halves h WHERE t.id = h.id`;

// Transfer pairs between a user's own accounts, found in bulk after a sync run (never row by row).
@Injectable()
export class TransfersRepository {
  // Answers how many rows it changed (unpaired orphans plus both halves of each new pair).
  async pair(em: EntityManager, userId: string, from: string | null, to: string | null): Promise<number> {
    const [, orphans] = await em.query<[unknown[], number]>(UNPAIR_ORPHANS_SQL, [userId]);
    if (from === null || to === null) return orphans;
    const [, paired] = await em.query<[unknown[], number]>(PAIR_SQL, [userId, from, to]);
    return orphans + paired;
  }
}
