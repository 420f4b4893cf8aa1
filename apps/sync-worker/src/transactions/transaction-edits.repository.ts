import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

// The fields of an edit to write: a key absent leaves the stored value, null clears it.
export interface EditPatch {
  category?: { primary: string; detailed: string | null } | null;
  note?: string | null;
  hidden?: boolean | null;
  excludeFromSpending?: boolean | null;
  displayName?: string | null;
  transferUnpaired?: true;
}

// sync.transaction_edits: the user's edits, keyed by user and Plaid's transaction id, apart from Plaid's columns.
@Injectable()
export class TransactionEditsRepository {
  // The user's transaction, locked for the edit (its item and transfer pair), or null when it is not theirs.
  async lockTransaction(
    em: EntityManager,
    userId: string,
    plaidTransactionId: string,
  ): Promise<{ itemId: string; transferPairId: string | null } | null> {
    const rows = await em.query<{ itemId: string; transferPairId: string | null }[]>(
      `SELECT item_id AS "itemId", transfer_pair_id AS "transferPairId" FROM transactions
        WHERE user_id = $1 AND plaid_transaction_id = $2 FOR UPDATE`,
      [userId, plaidTransactionId],
    );
    return rows[0] ?? null;
  }

  // Writes the given fields; an edit left with nothing set is deleted.
  async save(
    em: EntityManager,
    userId: string,
    itemId: string,
    plaidTransactionId: string,
    patch: EditPatch,
  ): Promise<void> {
    const has = (k: keyof EditPatch): boolean => patch[k] !== undefined;
    await em.query(
      `INSERT INTO transaction_edits (user_id, plaid_transaction_id, item_id, category_primary, category_detailed,
                                      note, hidden, exclude_from_spending, display_name, transfer_unpaired)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (user_id, plaid_transaction_id) DO UPDATE SET
         category_primary = CASE WHEN $11 THEN EXCLUDED.category_primary ELSE transaction_edits.category_primary END,
         category_detailed = CASE WHEN $11 THEN EXCLUDED.category_detailed
                                  ELSE transaction_edits.category_detailed END,
         note = CASE WHEN $12 THEN EXCLUDED.note ELSE transaction_edits.note END,
         hidden = CASE WHEN $13 THEN EXCLUDED.hidden ELSE transaction_edits.hidden END,
         exclude_from_spending = CASE WHEN $14 THEN EXCLUDED.exclude_from_spending
                                      ELSE transaction_edits.exclude_from_spending END,
         display_name = CASE WHEN $15 THEN EXCLUDED.display_name ELSE transaction_edits.display_name END,
         transfer_unpaired = transaction_edits.transfer_unpaired OR EXCLUDED.transfer_unpaired,
         item_id = EXCLUDED.item_id, orphaned_at = NULL, updated_at = now()`,
      [
        userId,
        plaidTransactionId,
        itemId,
        patch.category?.primary ?? null,
        patch.category?.detailed ?? null,
        patch.note ?? null,
        patch.hidden ?? null,
        patch.excludeFromSpending ?? null,
        patch.displayName ?? null,
        patch.transferUnpaired ?? false,
        has('category'),
        has('note'),
        has('hidden'),
        has('excludeFromSpending'),
        has('displayName'),
      ],
    );
    await em.query(
      `DELETE FROM transaction_edits
        WHERE user_id = $1 AND plaid_transaction_id = $2 AND category_primary IS NULL AND note IS NULL
          AND hidden IS NULL AND exclude_from_spending IS NULL AND display_name IS NULL AND NOT transfer_unpaired`,
      [userId, plaidTransactionId],
    );
  }

  // Unpairs both halves of a transfer pair (recorded on each half's edit, so no later sync pairs them again);
  // answers the item of each half (the rows the change log records).
  async unpair(em: EntityManager, userId: string, transferPairId: string): Promise<string[]> {
    await em.query(
      `INSERT INTO transaction_edits (user_id, plaid_transaction_id, item_id, transfer_unpaired)
       SELECT t.user_id, t.plaid_transaction_id, t.item_id, true FROM transactions t
        WHERE t.user_id = $1 AND t.transfer_pair_id = $2
       ON CONFLICT (user_id, plaid_transaction_id) DO UPDATE SET transfer_unpaired = true, updated_at = now()`,
      [userId, transferPairId],
    );
    const [rows] = await em.query<[{ item_id: string }[], number]>(
      `UPDATE transactions SET transfer_pair_id = NULL, updated_at = now()
        WHERE user_id = $1 AND transfer_pair_id = $2 RETURNING item_id`,
      [userId, transferPairId],
    );
    return rows.map((r) => r.item_id);
  }

  // Rewrites the row's updated_at: the change log (a trigger on sync.transactions) records the edit, so delta
  // clients get the transaction again with its new effective fields.
  async touch(em: EntityManager, userId: string, plaidTransactionId: string): Promise<void> {
    await em.query(
      `UPDATE transactions SET updated_at = now() WHERE user_id = $1 AND plaid_transaction_id = $2`,
      [userId, plaidTransactionId],
    );
  }

  // Marks the item's edits whose transaction is gone (a pending one that posted without pending_transaction_id,
  // or vanished) and answers how many were found this time; each is counted once.
  async markOrphans(em: EntityManager, itemId: string): Promise<number> {
    const [, count] = await em.query<[unknown[], number]>(
      `UPDATE transaction_edits e SET orphaned_at = now()
        WHERE e.item_id = $1 AND e.orphaned_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM transactions t
                           WHERE t.user_id = e.user_id AND t.plaid_transaction_id = e.plaid_transaction_id)`,
      [itemId],
    );
    return count;
  }
}
