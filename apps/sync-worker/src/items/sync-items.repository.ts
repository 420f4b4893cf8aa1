import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface SyncItem {
  itemId: string;
  userId: string;
  plaidItemId: string;
  institutionId: string | null;
  accessTokenEnc: string;
  cursor: string | null;
  lastSyncedAt: Date | null;
}

const COLUMNS = `item_id AS "itemId", user_id AS "userId", plaid_item_id AS "plaidItemId", institution_id AS "institutionId",
  access_token_enc AS "accessTokenEnc", cursor, last_synced_at AS "lastSyncedAt"`;

@Injectable()
export class SyncItemsRepository {
  constructor(private readonly db: DataSource) {}

  // Idempotent: a redelivered "item linked" leaves the same row (and keeps the cursor).
  async setInstitution(itemId: string, institutionId: string | null): Promise<void> {
    await this.db.query(`UPDATE items SET institution_id = $2 WHERE item_id = $1`, [itemId, institutionId]);
  }

  async upsert(item: Pick<SyncItem, 'itemId' | 'userId' | 'plaidItemId' | 'accessTokenEnc'>): Promise<void> {
    await this.db.query(
      `INSERT INTO items (item_id, user_id, plaid_item_id, access_token_enc) VALUES ($1, $2, $3, $4)
       ON CONFLICT (item_id) DO UPDATE SET access_token_enc = EXCLUDED.access_token_enc`,
      [item.itemId, item.userId, item.plaidItemId, item.accessTokenEnc],
    );
  }

  async find(itemId: string): Promise<SyncItem | null> {
    const rows: SyncItem[] = await this.db.query(`SELECT ${COLUMNS} FROM items WHERE item_id = $1`, [itemId]);
    return rows[0] ?? null;
  }

  async findByPlaidItemId(plaidItemId: string): Promise<SyncItem | null> {
    const rows: SyncItem[] = await this.db.query(`SELECT ${COLUMNS} FROM items WHERE plaid_item_id = $1`, [
      plaidItemId,
    ]);
    return rows[0] ?? null;
  }

  // Claims a manual sync for the owner unless one was claimed less than `minIntervalSeconds` ago.
  // Returns null when the item is not the user's, else whether the claim succeeded and when to retry.
  async claimManualSync(
    itemId: string,
    userId: string,
    minIntervalSeconds: number,
  ): Promise<{ claimed: boolean; retryAfterSeconds: number } | null> {
    const rows: { claimed: boolean; retry_after: number }[] = await this.db.query(
      `WITH claim AS (
         UPDATE items SET manual_sync_at = now()
          WHERE item_id = $1 AND user_id = $2
            AND (manual_sync_at IS NULL OR manual_sync_at <= now() - make_interval(secs => $3))
          RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM claim) AS claimed,
              GREATEST(1, ceil(extract(epoch FROM (manual_sync_at + make_interval(secs => $3) - now()))))::int AS retry_after
         FROM items WHERE item_id = $1 AND user_id = $2`,
      [itemId, userId, minIntervalSeconds],
    );
    if (rows.length === 0) return null;
    return { claimed: rows[0].claimed, retryAfterSeconds: rows[0].retry_after ?? 1 };
  }

  // Items whose last successful sync is older than `hours` (webhooks may have been lost).
  async findStale(hours: number, limit: number): Promise<string[]> {
    const rows: { item_id: string }[] = await this.db.query(
      `SELECT item_id FROM items
        WHERE last_sync_error IS NULL
          AND ((last_synced_at IS NULL AND created_at < now() - interval '10 minutes')
               OR last_synced_at < now() - make_interval(hours => $1))
        ORDER BY last_synced_at NULLS FIRST LIMIT $2`,
      [hours, limit],
    );
    return rows.map((r) => r.item_id);
  }

  async deleteAccount(itemId: string, plaidAccountId: string): Promise<void> {
    await this.db.query(`DELETE FROM accounts WHERE item_id = $1 AND plaid_account_id = $2`, [
      itemId,
      plaidAccountId,
    ]);
  }

  async existsForUser(itemId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM items WHERE item_id = $1 AND user_id = $2`, [
      itemId,
      userId,
    ]);
    return rows.length > 0;
  }

  // Accounts and transactions go with it (ON DELETE CASCADE).
  async delete(itemId: string): Promise<void> {
    await this.db.query(`DELETE FROM items WHERE item_id = $1`, [itemId]);
  }

  async saveCursor(em: EntityManager, itemId: string, cursor: string, syncedAt: Date): Promise<void> {
    await em.query(
      `UPDATE items SET cursor = $2, last_synced_at = $3, last_sync_error = NULL WHERE item_id = $1`,
      [itemId, cursor, syncedAt],
    );
  }

  // An item-level error (the user must act) keeps the scheduler away until a sync succeeds again.
  async recordError(itemId: string, code: string): Promise<void> {
    await this.db.query(`UPDATE items SET last_sync_error = $2 WHERE item_id = $1`, [itemId, code]);
  }
}
