import { Inject, Injectable } from '@nestjs/common';
import { EventPattern } from '@app/contracts';
import { enqueueEvent } from '@app/messaging';
import { type AccountBase } from 'plaid';
import { type EntityManager } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';
import { AccountsRepository } from './accounts.repository';

// The writes of an item's accounts the sync path makes, each in the caller's transaction with ItemAccountsChanged
// when a row was actually inserted, changed or deleted (plaid-link turns it into the owner's accounts.changed).
// One write per transaction, so at most one event each; the caller kicks the outbox relay after its commit.
@Injectable()
export class AccountsWriter {
  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly accounts: AccountsRepository,
  ) {}

  async upsert(
    em: EntityManager,
    item: { itemId: string; userId: string },
    accounts: AccountBase[],
  ): Promise<void> {
    const changed = await this.accounts.upsertMany(em, item.itemId, item.userId, accounts);
    if (changed > 0) await this.announce(em, item.itemId);
  }

  // One account's consent was withdrawn.
  async deleteOne(em: EntityManager, itemId: string, plaidAccountId: string): Promise<void> {
    if ((await this.accounts.deleteOne(em, itemId, plaidAccountId)) > 0) await this.announce(em, itemId);
  }

  // The item's consent was withdrawn (the item stays, revoked). Not on the item's removal: plaid-link, which
  // removed it, tells the owner itself (item.removed).
  async deleteForItem(em: EntityManager, itemId: string): Promise<void> {
    if ((await this.accounts.deleteForItem(em, itemId)) > 0) await this.announce(em, itemId);
  }

  private announce(em: EntityManager, itemId: string): Promise<void> {
    return enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.ItemAccountsChanged, {
      itemId,
      changedAt: new Date().toISOString(),
    });
  }
}
