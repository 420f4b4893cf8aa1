import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface ExchangeRow {
  userId: string;
  itemId: string;
}

// link.exchanges: which item a public token became (the token is hashed; it is single-use at Plaid), so a retried
// exchange answers with the same item instead of exchanging twice.
@Injectable()
export class ExchangesRepository {
  constructor(private readonly db: DataSource) {}

  async findByTokenHash(publicTokenHash: Buffer): Promise<ExchangeRow | null> {
    const rows = await this.db.query<ExchangeRow[]>(
      `SELECT user_id AS "userId", item_id AS "itemId" FROM exchanges WHERE public_token_sha256 = $1`,
      [publicTokenHash],
    );
    return rows[0] ?? null;
  }

  // In the item's transaction: the exchange is recorded if and only if the item is.
  async insert(em: EntityManager, publicTokenHash: Buffer, userId: string, itemId: string): Promise<void> {
    await em.query(`INSERT INTO exchanges (public_token_sha256, user_id, item_id) VALUES ($1, $2, $3)`, [
      publicTokenHash,
      userId,
      itemId,
    ]);
  }

  // Serialises concurrent exchanges of one public token: a session-level advisory lock on its hash, held on one
  // connection while `work` runs (work itself uses other connections).
  async withTokenLock<T>(publicTokenHash: Buffer, work: () => Promise<T>): Promise<T> {
    const lockKey = publicTokenHash.readBigInt64BE(0).toString();
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1::bigint)', [lockKey]);
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey]);
      }
    } finally {
      await runner.release();
    }
  }
}
