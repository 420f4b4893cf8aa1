import { Injectable } from '@nestjs/common';
import { type AccountDto, type AccountStatus } from '@app/contracts';
import { type AccountBase } from 'plaid';
import { DataSource, type EntityManager } from 'typeorm';

export interface AccountPatch {
  hidden?: boolean;
  displayName?: string | null;
}

const ACCOUNT_COLUMNS = `id, item_id, name, display_name, official_name, mask, type, subtype, status, hidden,
  balance_available, balance_current, balance_limit, iso_currency_code`;

@Injectable()
export class AccountsRepository {
  constructor(private readonly db: DataSource) {}

  // One statement for all of an item's accounts, keyed by Plaid's account id. An account Plaid returns is active
  // (whatever it was), and the user's own columns (hidden, display name) are never touched. A row whose every
  // column is already what Plaid says is left alone; answers how many rows were inserted or actually changed.
  async upsertMany(
    em: EntityManager,
    itemId: string,
    userId: string,
    accounts: AccountBase[],
  ): Promise<number> {
    if (accounts.length === 0) return 0;
    const unique = dedupe(accounts);
    const rows = await em.query<unknown[]>(
      `INSERT INTO accounts (item_id, user_id, plaid_account_id, name, official_name, mask, type, subtype,
                             balance_available, balance_current, balance_limit, iso_currency_code, unofficial_currency_code)
       SELECT $1, $2, u.* FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                                      $9::numeric[], $10::numeric[], $11::numeric[], $12::text[], $13::text[]) AS u
       ON CONFLICT (plaid_account_id) DO UPDATE SET
         name = EXCLUDED.name, official_name = EXCLUDED.official_name, mask = EXCLUDED.mask, type = EXCLUDED.type,
         subtype = EXCLUDED.subtype, balance_available = EXCLUDED.balance_available,
         balance_current = EXCLUDED.balance_current, balance_limit = EXCLUDED.balance_limit,
         iso_currency_code = EXCLUDED.iso_currency_code, unofficial_currency_code = EXCLUDED.unofficial_currency_code,
         status = 'active', missing_since = NULL, updated_at = now()
       WHERE accounts.item_id = EXCLUDED.item_id
         AND (accounts.status <> 'active' OR accounts.missing_since IS NOT NULL
              OR (accounts.name, accounts.official_name, accounts.mask, accounts.type, accounts.subtype,
                  accounts.balance_available, accounts.balance_current, accounts.balance_limit,
                  accounts.iso_currency_code, accounts.unofficial_currency_code)
                 IS DISTINCT FROM
                 (EXCLUDED.name, EXCLUDED.official_name, EXCLUDED.mask, EXCLUDED.type, EXCLUDED.subtype,
                  EXCLUDED.balance_available, EXCLUDED.balance_current, EXCLUDED.balance_limit,
                  EXCLUDED.iso_currency_code, EXCLUDED.unofficial_currency_code))
       RETURNING 1`,
      [
        itemId,
        userId,
        unique.map((a) => a.account_id),
        unique.map((a) => a.name),
        unique.map((a) => a.official_name ?? null),
        unique.map((a) => a.mask ?? null),
        unique.map((a) => String(a.type)),
        unique.map((a) => (a.subtype ? String(a.subtype) : null)),
        unique.map((a) => a.balances.available ?? null),
        unique.map((a) => a.balances.current ?? null),
        unique.map((a) => a.balances.limit ?? null),
        unique.map((a) => a.balances.iso_currency_code ?? null),
        unique.map((a) => a.balances.unofficial_currency_code ?? null),
      ],
    );
    return rows.length;
  }

  // That day's balance of each account, one statement: the day is the institution's last_updated_datetime when
  // it gives one (never in the future), else today (UTC). A later balance of the same day replaces the earlier.
  async writeSnapshots(em: EntityManager, itemId: string, accounts: AccountBase[]): Promise<void> {
    if (accounts.length === 0) return;
    const unique = dedupe(accounts);
    await em.query<unknown>(
      `INSERT INTO balance_snapshots (account_id, date, user_id, item_id, available, current, credit_limit,
                                      iso_currency_code, unofficial_currency_code, recorded_at)
       SELECT a.id, (least(coalesce(u.as_of, now()), now()) AT TIME ZONE 'UTC')::date, a.user_id, a.item_id,
              u.available, u.current, u.credit_limit, u.iso, u.unofficial, now()
         FROM unnest($2::text[], $3::timestamptz[], $4::numeric[], $5::numeric[], $6::numeric[], $7::text[], $8::text[])
           AS u(plaid_account_id, as_of, available, current, credit_limit, iso, unofficial)
         JOIN accounts a ON a.plaid_account_id = u.plaid_account_id AND a.item_id = $1
       ON CONFLICT (account_id, date) DO UPDATE SET
         available = EXCLUDED.available, current = EXCLUDED.current, credit_limit = EXCLUDED.credit_limit,
         iso_currency_code = EXCLUDED.iso_currency_code, unofficial_currency_code = EXCLUDED.unofficial_currency_code,
         recorded_at = EXCLUDED.recorded_at`,
      [
        itemId,
        unique.map((a) => a.account_id),
        unique.map((a) => a.balances.last_updated_datetime ?? null),
        unique.map((a) => a.balances.available ?? null),
        unique.map((a) => a.balances.current ?? null),
        unique.map((a) => a.balances.limit ?? null),
        unique.map((a) => a.balances.iso_currency_code ?? null),
        unique.map((a) => a.balances.unofficial_currency_code ?? null),
      ],
    );
  }

  // The item's active accounts that /accounts/get no longer returns. After the user went through account
  // selection they are `unlinked` at once; otherwise the first absence is only noted (missing_since) and a second
  // one at least a day later marks the account `closed`. Answers how many statuses changed.
  async markAbsent(
    em: EntityManager,
    itemId: string,
    presentPlaidIds: string[],
    afterSelection: boolean,
    now: Date,
  ): Promise<{ changed: number; absent: number }> {
    const rows = await em.query<{ changed: boolean }[]>(
      `WITH marked AS (
         UPDATE accounts SET
           status = CASE WHEN $3 THEN 'unlinked'
                         WHEN missing_since IS NOT NULL AND missing_since <= $4::timestamptz - interval '1 day' THEN 'closed'
                         ELSE status END,
           missing_since = CASE WHEN $3 THEN NULL ELSE coalesce(missing_since, $4::timestamptz) END,
           updated_at = now()
         WHERE item_id = $1 AND status = 'active' AND plaid_account_id <> ALL($2::text[])
         RETURNING status)
       SELECT status <> 'active' AS changed FROM marked`,
      [itemId, presentPlaidIds, afterSelection, now],
    );
    return { changed: rows.filter((r) => r.changed).length, absent: rows.length };
  }

  // One account's consent was withdrawn: its transactions and balance history go (the change log's triggers see
  // the delete), the row stays as `revoked` without balances so the user sees what happened.
  async revokeOne(em: EntityManager, itemId: string, plaidAccountId: string): Promise<number> {
    const rows = await em.query<{ id: string }[]>(
      `WITH revoked AS (
         UPDATE accounts SET status = 'revoked', balance_available = NULL, balance_current = NULL,
                             balance_limit = NULL, missing_since = NULL, updated_at = now()
          WHERE item_id = $1 AND plaid_account_id = $2 AND status <> 'revoked'
          RETURNING id),
       gone AS (DELETE FROM transactions WHERE account_id IN (SELECT id FROM revoked)),
       history AS (DELETE FROM balance_snapshots WHERE account_id IN (SELECT id FROM revoked))
       SELECT id FROM revoked`,
      [itemId, plaidAccountId],
    );
    return rows.length;
  }

  async deleteForItem(em: EntityManager, itemId: string): Promise<number> {
    const [, count] = await em.query<[unknown[], number]>(`DELETE FROM accounts WHERE item_id = $1`, [
      itemId,
    ]);
    return count;
  }

  // The user's accounts (of one item when given); null when that item is not the user's (or not known yet),
  // answered by the same statement: the sentinel branch yields a row only then, and the first is then empty.
  // `items` is asked too: during a rolling upgrade, workers of the previous release write no item_owners row.
  async listForUser(
    userId: string,
    itemId: string | undefined,
    includeHidden: boolean,
  ): Promise<AccountDto[] | null> {
    const rows = await this.db.query<(AccountRow | { id: null })[]>(
      `(SELECT ${ACCOUNT_COLUMNS}
          FROM accounts WHERE user_id = $1 AND ($2::uuid IS NULL OR item_id = $2::uuid) AND ($3 OR NOT hidden)
         ORDER BY item_id, coalesce(display_name, name), id)
       UNION ALL
       SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        WHERE $2::uuid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM item_owners o WHERE o.item_id = $2::uuid AND o.user_id = $1)
          AND NOT EXISTS (SELECT 1 FROM items i WHERE i.item_id = $2::uuid AND i.user_id = $1)`,
      [userId, itemId ?? null, includeHidden],
    );
    const accounts: AccountDto[] = [];
    for (const row of rows) {
      if (row.id === null) return null;
      accounts.push(toAccountDto(row));
    }
    return accounts;
  }

  // The user's own view of one account; null when it is not theirs. `changed`: whether anything differed.
  async update(
    em: EntityManager,
    userId: string,
    accountId: string,
    patch: AccountPatch,
  ): Promise<{ account: AccountDto; itemId: string; changed: boolean } | null> {
    const rows = await em.query<(AccountRow & { changed: boolean })[]>(
      `WITH before AS (SELECT id, hidden, display_name FROM accounts WHERE id = $2 AND user_id = $1 FOR UPDATE),
       after AS (
         UPDATE accounts a SET
           hidden = coalesce($3::boolean, a.hidden),
           display_name = CASE WHEN $4 THEN $5::text ELSE a.display_name END
          FROM before b WHERE a.id = b.id
          RETURNING a.*, (a.hidden, a.display_name) IS DISTINCT FROM (b.hidden, b.display_name) AS changed)
       SELECT ${ACCOUNT_COLUMNS}, changed FROM after`,
      [userId, accountId, patch.hidden ?? null, patch.displayName !== undefined, patch.displayName ?? null],
    );
    if (rows.length === 0) return null;
    return { account: toAccountDto(rows[0]), itemId: rows[0].item_id, changed: rows[0].changed };
  }

  async findOwned(userId: string, accountId: string): Promise<{ id: string } | null> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id FROM accounts WHERE id = $1 AND user_id = $2`,
      [accountId, userId],
    );
    return rows[0] ?? null;
  }
}

export interface AccountRow {
  id: string;
  item_id: string;
  name: string;
  display_name: string | null;
  official_name: string | null;
  mask: string | null;
  type: string;
  subtype: string | null;
  status: AccountStatus;
  hidden: boolean;
  balance_available: string | null;
  balance_current: string | null;
  balance_limit: string | null;
  iso_currency_code: string | null;
}

// One row per Plaid id, the last version wins ("ON CONFLICT cannot affect a row twice").
function dedupe(accounts: AccountBase[]): AccountBase[] {
  return [...new Map(accounts.map((a) => [a.account_id, a])).values()];
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

export function toAccountDto(r: AccountRow): AccountDto {
  return {
    id: r.id,
    itemId: r.item_id,
    name: r.name,
    displayName: r.display_name,
    officialName: r.official_name,
    mask: r.mask,
    type: r.type,
    subtype: r.subtype,
    status: r.status,
    hidden: r.hidden,
    balances: {
      available: num(r.balance_available),
      current: num(r.balance_current),
      limit: num(r.balance_limit),
      isoCurrencyCode: r.iso_currency_code,
    },
  };
}
