import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface SyncItem {
  itemId: string;
  userId: string;
  plaidItemId: string;
  accessTokenEnc: string;
  cursor: string | null;
  lastSyncedAt: Date | null;
}

const COLUMNS = `item_id AS "itemId", user_id AS "userId", plaid_item_id AS "plaidItemId",
  access_token_enc AS "accessTokenEnc", cursor, last_synced_at AS "lastSyncedAt"`;

@Injectable()
export class SyncItemsRepository {
  constructor(private readonly db: DataSource) {}

  // Idempotent: a redelivered "item linked" leaves the same row (and keeps the cursor).
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
    await em.query(`UPDATE items SET cursor = $2, last_synced_at = $3 WHERE item_id = $1`, [
      itemId,
      cursor,
      syncedAt,
    ]);
  }
}
