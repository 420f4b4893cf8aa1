import { Injectable } from '@nestjs/common';
import { type BalancePointDto, type NetWorthInterval } from '@app/contracts';
import { DataSource } from 'typeorm';

export interface NetWorthRow {
  currency: string;
  date: string;
  assets: string;
  liabilities: string;
}

// Types whose balance is owed: Plaid reports credit and loan balances as positive amounts owed, but some
// institutions send them negative; either way they count as liabilities of their absolute value.
const LIABILITY_TYPES = `('credit', 'loan')`;

// sync.balance_snapshots: one row per account and day (written by AccountsRepository.writeSnapshots with the
// accounts), read here as daily series carried forward over days without a snapshot.
@Injectable()
export class BalanceSnapshotsRepository {
  constructor(private readonly db: DataSource) {}

  // One point per day from `from` to `to`, each the latest snapshot on or before it; days before the account's
  // first snapshot have none (the account was not known yet).
  async series(accountId: string, from: string, to: string): Promise<BalancePointDto[]> {
    const rows = await this.db.query<
      {
        date: string;
        available: string | null;
        current: string | null;
        credit_limit: string | null;
        iso_currency_code: string | null;
        carried: boolean;
      }[]
    >(
      `SELECT d::date::text AS date, s.available, s.current, s.credit_limit, s.iso_currency_code,
              s.date < d::date AS carried
         FROM generate_series($2::date, $3::date, interval '1 day') d
         JOIN LATERAL (SELECT b.date, b.available, b.current, b.credit_limit, b.iso_currency_code
                         FROM balance_snapshots b
                        WHERE b.account_id = $1 AND b.date <= d::date
                        ORDER BY b.date DESC LIMIT 1) s ON true
        ORDER BY d`,
      [accountId, from, to],
    );
    return rows.map((r) => ({
      date: r.date,
      available: num(r.available),
      current: num(r.current),
      limit: num(r.credit_limit),
      isoCurrencyCode: r.iso_currency_code,
      carriedForward: r.carried,
    }));
  }

  // Assets and liabilities of the user's active, visible accounts at the end of each period (the last point is
  // `to`), per currency, in one statement. A currency's series starts at its first balance: periods before any
  // snapshot are unknown, not zero (padding them with zeros drew a cliff before every new user's first day).
  // No rows: the user had no balance in the range.
  async netWorth(
    userId: string,
    from: string,
    to: string,
    interval: NetWorthInterval,
  ): Promise<NetWorthRow[]> {
    return this.db.query<NetWorthRow[]>(
      `WITH points AS (
         SELECT DISTINCT least(CASE $4::text
                                 WHEN 'day' THEN d::date
                                 WHEN 'week' THEN (date_trunc('week', d) + interval '6 days')::date
                                 ELSE (date_trunc('month', d) + interval '1 month' - interval '1 day')::date
                               END, $3::date) AS p
           FROM generate_series($2::date, $3::date, interval '1 day') d),
       accts AS (SELECT id, type FROM accounts WHERE user_id = $1 AND status = 'active' AND NOT hidden),
       vals AS (
         SELECT pt.p, a.type, s.current,
                coalesce(s.iso_currency_code, s.unofficial_currency_code, 'XXX') AS currency
           FROM points pt CROSS JOIN accts a
           JOIN LATERAL (SELECT b.current, b.iso_currency_code, b.unofficial_currency_code
                           FROM balance_snapshots b
                          WHERE b.account_id = a.id AND b.date <= pt.p
                          ORDER BY b.date DESC LIMIT 1) s ON true),
       sums AS (
         SELECT currency, p,
                sum(CASE WHEN type IN ${LIABILITY_TYPES} THEN 0 ELSE coalesce(current, 0) END) AS assets,
                sum(CASE WHEN type IN ${LIABILITY_TYPES} THEN abs(coalesce(current, 0)) ELSE 0 END) AS liabilities
           FROM vals GROUP BY currency, p),
       currencies AS (SELECT currency, min(p) AS first_p FROM vals GROUP BY currency)
       SELECT c.currency, pt.p::text AS date, coalesce(s.assets, 0)::text AS assets,
              coalesce(s.liabilities, 0)::text AS liabilities
         FROM currencies c JOIN points pt ON pt.p >= c.first_p
         LEFT JOIN sums s ON s.currency = c.currency AND s.p = pt.p
       ORDER BY 1, 2`,
      [userId, from, to, interval],
    );
  }
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));
