import { Inject, Injectable } from '@nestjs/common';
import { EventPattern, encodeTransactionChangesCursor } from '@app/contracts';
import { enqueueEvent } from '@app/messaging';
import { type EntityManager } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';
import { TransactionChangesRepository } from './transaction-changes.repository';

// Tells the owner's feed (transactions.changed, through plaid-link) that the user changed transactions of items
// outside a sync: an edit, rules applied to existing rows, an unpaired transfer. In the change's database
// transaction, with the delta cursor as of its commit.
@Injectable()
export class TransactionsEditedAnnouncer {
  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly changes: TransactionChangesRepository,
  ) {}

  // modifiedByItem: how many rows of each item changed.
  async announce(em: EntityManager, userId: string, modifiedByItem: Map<string, number>): Promise<void> {
    if (modifiedByItem.size === 0) return;
    const seq = await this.changes.positionForUser(em, userId);
    const changesCursor = encodeTransactionChangesCursor({ phase: 'log', userId, itemId: null, seq });
    const editedAt = new Date().toISOString();
    for (const [itemId, modified] of modifiedByItem) {
      await enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.TransactionsEdited, {
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
