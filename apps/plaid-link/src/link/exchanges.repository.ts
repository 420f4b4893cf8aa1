import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

// A public token's exchange: in progress (a claim, no item yet) or done (the item it became).
export interface ExchangeRow {
  userId: string;
  itemId: string | null;
  claimId: string | null;
}

// link.exchanges: which item a public token became (the token is hashed; it is single-use at Plaid), so a retried
// exchange answers with the same item instead of exchanging twice. Each statement is short: no connection is
// held while the exchange talks to Plaid.
@Injectable()
export class ExchangesRepository {
  constructor(private readonly db: DataSource) {}

  async findByTokenHash(publicTokenHash: Buffer): Promise<ExchangeRow | null> {
    const rows = await this.db.query<ExchangeRow[]>(
      `SELECT user_id AS "userId", item_id AS "itemId", claim_id AS "claimId"
       FROM exchanges WHERE public_token_sha256 = $1`,
      [publicTokenHash],
    );
    return rows[0] ?? null;
  }

  // Claims the token for one attempt: a new row, or the same user's claim older than `staleAfterSeconds` (its
  // owner died mid-exchange). True when this attempt holds the claim.
  async claim(
    publicTokenHash: Buffer,
    userId: string,
    claimId: string,
    staleAfterSeconds: number,
  ): Promise<boolean> {
    const rows = await this.db.query<{ claimId: string }[]>(
      `INSERT INTO exchanges (public_token_sha256, user_id, claim_id, claimed_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (public_token_sha256) DO UPDATE SET claim_id = EXCLUDED.claim_id, claimed_at = now()
         WHERE exchanges.item_id IS NULL
           AND exchanges.user_id = EXCLUDED.user_id
           AND exchanges.claimed_at < now() - make_interval(secs => $4)
       RETURNING claim_id AS "claimId"`,
      [publicTokenHash, userId, claimId, staleAfterSeconds],
    );
    return rows.length === 1;
  }

  // In the item's transaction: the exchange gets its item if and only if the item commits, and only while this
  // attempt still holds the claim. False when the claim was taken over meanwhile.
  async complete(
    em: EntityManager,
    publicTokenHash: Buffer,
    claimId: string,
    itemId: string,
  ): Promise<boolean> {
    const [, count] = await em.query<[unknown[], number]>(
      `UPDATE exchanges SET item_id = $3, claim_id = NULL
       WHERE public_token_sha256 = $1 AND claim_id = $2 AND item_id IS NULL`,
      [publicTokenHash, claimId, itemId],
    );
    return count === 1;
  }

  // A failed attempt gives the token back, so a retry can try it again.
  async release(publicTokenHash: Buffer, claimId: string): Promise<void> {
    await this.db.query(
      `DELETE FROM exchanges WHERE public_token_sha256 = $1 AND claim_id = $2 AND item_id IS NULL`,
      [publicTokenHash, claimId],
    );
  }
}
