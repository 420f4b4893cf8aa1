import { Injectable } from '@nestjs/common';
import { type AccountDto } from '@app/contracts';
import { type AccountBase } from 'plaid';
import { DataSource, type EntityManager } from 'typeorm';

@Injectable()
export class AccountsRepository {
  constructor(private readonly db: DataSource) {}

  // One statement for all of an item's accounts, keyed by Plaid's account id. A row whose every column is already
  // what Plaid says is left alone; answers how many rows were inserted or actually changed.
  async upsertMany(
    em: EntityManager,
    itemId: string,
    userId: string,
    accounts: AccountBase[],
  ): Promise<number> {
    if (accounts.length === 0) return 0;
    const unique = [...new Map(accounts.map((a) => [a.account_id, a])).values()];
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
         updated_at = now()
       WHERE accounts.item_id = EXCLUDED.item_id
         AND (accounts.name, accounts.official_name, accounts.mask, accounts.type, accounts.subtype,
              accounts.balance_available, accounts.balance_current, accounts.balance_limit,
              accounts.iso_currency_code, accounts.unofficial_currency_code)
             IS DISTINCT FROM
             (EXCLUDED.name, EXCLUDED.official_name, EXCLUDED.mask, EXCLUDED.type, EXCLUDED.subtype,
              EXCLUDED.balance_available, EXCLUDED.balance_current, EXCLUDED.balance_limit,
              EXCLUDED.iso_currency_code, EXCLUDED.unofficial_currency_code)
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

  // Answers how many accounts were deleted (their transactions go with them: ON DELETE CASCADE).
  async deleteOne(em: EntityManager, itemId: string, plaidAccountId: string): Promise<number> {
    // TypeORM answers a DELETE with [rows, count] on Postgres.
    const [, count] = await em.query<[unknown[], number]>(
      `DELETE FROM accounts WHERE item_id = $1 AND plaid_account_id = $2`,
      [itemId, plaidAccountId],
    );
    return count;
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
  async listForUser(userId: string, itemId?: string): Promise<AccountDto[] | null> {
    const rows = await this.db.query<(AccountRow | { id: null })[]>(
      `(SELECT id, item_id, name, official_name, mask, type, subtype, balance_available, balance_current,
               balance_limit, iso_currency_code
          FROM accounts WHERE user_id = $1 AND ($2::uuid IS NULL OR item_id = $2::uuid)
         ORDER BY item_id, name, id)
       UNION ALL
       SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        WHERE $2::uuid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM item_owners o WHERE o.item_id = $2::uuid AND o.user_id = $1)
          AND NOT EXISTS (SELECT 1 FROM items i WHERE i.item_id = $2::uuid AND i.user_id = $1)`,
      [userId, itemId ?? null],
    );
    const accounts: AccountDto[] = [];
    for (const row of rows) {
      if (row.id === null) return null;
      accounts.push(toAccountDto(row));
    }
    return accounts;
  }
}

interface AccountRow {
  id: string;
  item_id: string;
  name: string;
  official_name: string | null;
  mask: string | null;
  type: string;
  subtype: string | null;
  balance_available: string | null;
  balance_current: string | null;
  balance_limit: string | null;
  iso_currency_code: string | null;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

function toAccountDto(r: AccountRow): AccountDto {
  return {
    id: r.id,
    itemId: r.item_id,
    name: r.name,
    officialName: r.official_name,
    mask: r.mask,
    type: r.type,
    subtype: r.subtype,
    balances: {
      available: num(r.balance_available),
      current: num(r.balance_current),
      limit: num(r.balance_limit),
      isoCurrencyCode: r.iso_currency_code,
    },
  };
}
