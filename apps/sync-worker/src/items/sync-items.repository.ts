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
  // When /accounts/get was last compared with the stored accounts; null: never.
  accountsReconciledAt: Date | null;
  // The owner opened Link's account selection for the item and no reconciliation has applied it yet.
  accountSelectionAt: Date | null;
}

export interface ManualSyncClaim {
  claimed: boolean;
  retryAfterSeconds: number;
}

const COLUMNS = `item_id AS "itemId", user_id AS "userId", plaid_item_id AS "plaidItemId", institution_id AS "institutionId",
  access_token_enc AS "accessTokenEnc", cursor, last_synced_at AS "lastSyncedAt",
  accounts_reconciled_at AS "accountsReconciledAt", account_selection_at AS "accountSelectionAt"`;

// sync.items (the worker's view of an item: owner, encrypted token, cursor, sync flags) and sync.item_owners
// (who owns which item; outlives a revocation, which deletes the item's row and data).
@Injectable()
export class SyncItemsRepository {
  constructor(private readonly db: DataSource) {}

  // Idempotent: a redelivered "item linked" leaves the same row (and keeps the cursor).
  async upsert(item: Pick<SyncItem, 'itemId' | 'userId' | 'plaidItemId' | 'accessTokenEnc'>): Promise<void> {
    await this.db.query<unknown>(
      `WITH owner AS (
         INSERT INTO item_owners (item_id, user_id) VALUES ($1, $2) ON CONFLICT (item_id) DO NOTHING)
       INSERT INTO items (item_id, user_id, plaid_item_id, access_token_enc) VALUES ($1, $2, $3, $4)
       ON CONFLICT (item_id) DO UPDATE SET access_token_enc = EXCLUDED.access_token_enc`,
      [item.itemId, item.userId, item.plaidItemId, item.accessTokenEnc],
    );
  }

  async setInstitution(itemId: string, institutionId: string | null): Promise<void> {
    await this.db.query<unknown>(`UPDATE items SET institution_id = $2 WHERE item_id = $1`, [
      itemId,
      institutionId,
    ]);
  }

  async find(itemId: string): Promise<SyncItem | null> {
    const rows = await this.db.query<SyncItem[]>(`SELECT ${COLUMNS} FROM items WHERE item_id = $1`, [itemId]);
    return rows[0] ?? null;
  }

  async findByPlaidItemId(plaidItemId: string): Promise<SyncItem | null> {
    const rows = await this.db.query<SyncItem[]>(`SELECT ${COLUMNS} FROM items WHERE plaid_item_id = $1`, [
      plaidItemId,
    ]);
    return rows[0] ?? null;
  }

  // Claims a manual sync for the owner unless one was claimed less than `minIntervalSeconds` ago, or less than
  // `inErrorIntervalSeconds` ago while the item's last sync failed on an item-level error: the sync after a repair
  // in Link's update mode must not wait out the "Sync now" that found the error.
  // Returns null when the item is not the user's, else whether the claim succeeded and when to retry.
  async claimManualSync(
    itemId: string,
    userId: string,
    minIntervalSeconds: number,
    inErrorIntervalSeconds = minIntervalSeconds,
  ): Promise<ManualSyncClaim | null> {
    return this.claimWindow('manual_sync_at', itemId, userId, minIntervalSeconds, inErrorIntervalSeconds);
  }

  // Items due for a scheduled sync: no successful sync for `seconds` (webhooks may have been lost), or, when
  // polling, for `seconds` scaled by the item's own factor in [0.8, 1.2) so that items linked together do not all
  // come due together. Items of an institution the breaker paused wait; items in an item-level error wait for
  // the user (a successful sync clears it).
  async findDue(seconds: number, jitter: boolean, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const rows = await this.db.query<{ item_id: string }[]>(
      `SELECT item_id FROM items
        WHERE last_sync_error IS NULL
          AND ((last_synced_at IS NULL AND created_at < now() - interval '10 minutes')
               OR coalesce(last_synced_at, created_at) < now() - make_interval(secs => $1 *
                    CASE WHEN $3 THEN 0.8 + 0.4 * ((hashtext(item_id::text) & 65535) / 65536.0) ELSE 1 END))
          AND NOT EXISTS (SELECT 1 FROM institutions i
                           WHERE i.institution_id = items.institution_id AND i.paused_until > now())
        ORDER BY last_synced_at NULLS FIRST LIMIT $2`,
      [seconds, limit, jitter],
    );
    return rows.map((r) => r.item_id);
  }

  // Plaid's own freshness (/item/get → status.transactions.last_successful_update).
  async saveFreshness(itemId: string, plaidLastUpdatedAt: Date | null): Promise<void> {
    await this.db.query<unknown>(`UPDATE items SET plaid_last_updated_at = $2 WHERE item_id = $1`, [
      itemId,
      plaidLastUpdatedAt,
    ]);
  }

  // The owner opened Link's account selection; false when the item is not theirs.
  async startAccountSelection(itemId: string, userId: string): Promise<boolean> {
    const rows = await this.db.query<{ item_id: string }[]>(
      `WITH started AS (
         UPDATE items SET account_selection_at = now() WHERE item_id = $1 AND user_id = $2 RETURNING item_id)
       SELECT item_id FROM started`,
      [itemId, userId],
    );
    return rows.length > 0;
  }

  // A reconciliation ran; `selectionApplied`: it consumed a pending account selection.
  async markReconciled(
    em: EntityManager,
    itemId: string,
    at: Date,
    selectionApplied: boolean,
  ): Promise<void> {
    await em.query<unknown>(
      `UPDATE items SET accounts_reconciled_at = $2,
                        account_selection_at = CASE WHEN $3 THEN NULL ELSE account_selection_at END
        WHERE item_id = $1`,
      [itemId, at, selectionApplied],
    );
  }

  // The owner's item, or null (another user's or unknown: 404).
  async findOwned(itemId: string, userId: string): Promise<SyncItem | null> {
    const rows = await this.db.query<SyncItem[]>(
      `SELECT ${COLUMNS} FROM items WHERE item_id = $1 AND user_id = $2`,
      [itemId, userId],
    );
    return rows[0] ?? null;
  }

  // Claims a real-time balance refresh unless one was claimed less than `minIntervalSeconds` ago (as
  // claimManualSync). Null when the item is not the user's.
  async claimBalanceRefresh(
    itemId: string,
    userId: string,
    minIntervalSeconds: number,
  ): Promise<ManualSyncClaim | null> {
    return this.claimWindow('balance_refresh_at', itemId, userId, minIntervalSeconds, minIntervalSeconds);
  }

  // One throttle statement for both claims: stamps `column` unless it was stamped less than the interval ago
  // (`inErrorIntervalSeconds` while the item is in an item-level error), and says when to retry. Null when the
  // item is not the user's.
  private async claimWindow(
    column: 'manual_sync_at' | 'balance_refresh_at',
    itemId: string,
    userId: string,
    minIntervalSeconds: number,
    inErrorIntervalSeconds: number,
  ): Promise<ManualSyncClaim | null> {
    const interval = `make_interval(secs => CASE WHEN last_sync_error IS NULL THEN $3::int ELSE $4::int END)`;
    const rows = await this.db.query<{ claimed: boolean; retry_after: number | null }[]>(
      `WITH claim AS (
         UPDATE items SET ${column} = now()
          WHERE item_id = $1 AND user_id = $2
            AND (${column} IS NULL OR ${column} <= now() - ${interval})
          RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM claim) AS claimed,
              GREATEST(1, ceil(extract(epoch FROM (${column} + ${interval} - now()))))::int AS retry_after
         FROM items WHERE item_id = $1 AND user_id = $2`,
      [itemId, userId, minIntervalSeconds, inErrorIntervalSeconds],
    );
    if (rows.length === 0) return null;
    return { claimed: rows[0].claimed, retryAfterSeconds: rows[0].retry_after ?? 1 };
  }

  // A claim whose Plaid call failed is given back, so the user can retry at once.
  async releaseBalanceRefresh(itemId: string): Promise<void> {
    await this.db.query<unknown>(`UPDATE items SET balance_refresh_at = NULL WHERE item_id = $1`, [itemId]);
  }

  // The item is gone for good: its owner record, its row, and (ON DELETE CASCADE) its accounts and transactions.
  async delete(itemId: string): Promise<void> {
    await this.db.query<unknown>(
      `WITH owner AS (DELETE FROM item_owners WHERE item_id = $1)
       DELETE FROM items WHERE item_id = $1`,
      [itemId],
    );
  }

  // Consent was revoked: the item's row and data go, the owner record stays (the item still exists, revoked).
  async deleteSyncState(em: EntityManager, itemId: string): Promise<void> {
    await em.query<unknown>(`DELETE FROM items WHERE item_id = $1`, [itemId]);
  }

  async saveCursor(em: EntityManager, itemId: string, cursor: string, syncedAt: Date): Promise<void> {
    await em.query<unknown>(
      `UPDATE items SET cursor = $2, last_synced_at = $3, last_sync_error = NULL WHERE item_id = $1`,
      [itemId, cursor, syncedAt],
    );
  }

  // An item-level error (the user must act) keeps the scheduler away until a sync succeeds again.
  async recordError(itemId: string, code: string): Promise<void> {
    await this.db.query<unknown>(`UPDATE items SET last_sync_error = $2 WHERE item_id = $1`, [itemId, code]);
  }

  // Sets the item's sync_requested flag; false when the item is unknown.
  async flagSyncRequested(itemId: string): Promise<boolean> {
    const rows = await this.db.query<{ item_id: string }[]>(
      `WITH flagged AS (UPDATE items SET sync_requested = true WHERE item_id = $1 RETURNING item_id)
       SELECT item_id FROM flagged`,
      [itemId],
    );
    return rows.length > 0;
  }

  // Takes the item's pending request (clears the flag); false when there was none.
  async takeSyncRequest(itemId: string): Promise<boolean> {
    const rows = await this.db.query<{ item_id: string }[]>(
      `WITH taken AS (
         UPDATE items SET sync_requested = false WHERE item_id = $1 AND sync_requested RETURNING item_id)
       SELECT item_id FROM taken`,
      [itemId],
    );
    return rows.length > 0;
  }

  async isSyncRequested(itemId: string): Promise<boolean> {
    const rows = await this.db.query<{ sync_requested: boolean }[]>(
      `SELECT sync_requested FROM items WHERE item_id = $1`,
      [itemId],
    );
    return rows[0]?.sync_requested ?? false;
  }

  // For the item_seconds_since_last_sync gauge.
  async secondsSinceLastSync(): Promise<{ itemId: string; seconds: number }[]> {
    const rows = await this.db.query<{ item_id: string; seconds: number }[]>(
      `SELECT item_id, extract(epoch FROM now() - coalesce(last_synced_at, created_at))::float8 AS seconds FROM items`,
    );
    return rows.map((r) => ({ itemId: r.item_id, seconds: Number(r.seconds) }));
  }
}
