import { type Pool } from 'pg';

export interface StoredToken {
  // The row's primary key.
  id: string;
  // The token's owner, bound into its encryption (AAD).
  plaidItemId: string;
  accessTokenEnc: string;
}

export interface Replacement {
  id: string;
  from: string;
  to: string;
}

// A table that stores encrypted Plaid access tokens: plaid-link's link.items and the sync worker's sync.items.
// Its queries live here, as a repository's would: the command owns no other SQL.
export class TokenTable {
  constructor(
    readonly name: 'link.items' | 'sync.items',
    private readonly idColumn: 'id' | 'item_id',
    private readonly pool: Pool,
  ) {}

  // The next rows after `afterId` (keyset, so a long run never rescans) whose token is under another key.
  async tokensNotUnder(keyId: string, afterId: string | null, limit: number): Promise<StoredToken[]> {
    const { rows } = await this.pool.query<StoredToken>(
      `SELECT ${this.idColumn}::text AS "id", plaid_item_id AS "plaidItemId", access_token_enc AS "accessTokenEnc"
         FROM ${this.name}
        WHERE ($1::uuid IS NULL OR ${this.idColumn} > $1::uuid)
          AND split_part(access_token_enc, '.', 2) <> $2
        ORDER BY ${this.idColumn}
        LIMIT $3`,
      [afterId, keyId, limit],
    );
    return rows;
  }

  // One statement per batch. A row is replaced only if it still holds the token that was read: a service that
  // wrote a new token meanwhile (a re-link) wins, and that token is under the current key already.
  async replace(replacements: Replacement[]): Promise<number> {
    if (replacements.length === 0) return 0;
    const result = await this.pool.query(
      `UPDATE ${this.name} AS t SET access_token_enc = r.to_enc
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS r(id, from_enc, to_enc)
        WHERE t.${this.idColumn} = r.id AND t.access_token_enc = r.from_enc`,
      [replacements.map((r) => r.id), replacements.map((r) => r.from), replacements.map((r) => r.to)],
    );
    return result.rowCount ?? 0;
  }

  async countNotUnder(keyId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.name} WHERE split_part(access_token_enc, '.', 2) <> $1`,
      [keyId],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
