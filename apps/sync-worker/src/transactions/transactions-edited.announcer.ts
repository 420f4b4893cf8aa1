import { Injectable } from '@nestjs/common';
import { EventPattern, encodeTransactionChangesCursor } from '@app/contracts';
import { type Transaction } from '@app/messaging';
import { TransactionChangesRepository } from './transaction-changes.repository';

// Tells the owner's feed (transactions.changed, through plaid-link) that the user changed transactions of items
// outside a sync: an edit, rules applied to existing rows, an unpaired transfer. In the change's database
// transaction, with the delta cursor as of its commit.
@Injectable()
export class TransactionsEditedAnnouncer {
  constructor(private readonly changes: TransactionChangesRepository) {}

  // modifiedByItem: how many rows of each item changed.
  async announce(tx: Transaction, userId: string, modifiedByItem: Map<string, number>): Promise<void> {
    if (modifiedByItem.size === 0) return;
    const seq = await this.changes.positionForUser(tx.manager, userId);
    const changesCursor = encodeTransactionChangesCursor({ phase: 'log', userId, itemId: null, seq });
    const editedAt = new Date().toISOString();
    for (const [itemId, modified] of modifiedByItem) {
      await tx.publish(EventPattern.TransactionsEdited, {
        itemId,
        modified,
        changesCursor,
        editedAt,
      });
    }
  }
}

export function countByItem(itemIds: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of itemIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
