import { Inject, Injectable } from '@nestjs/common';
import { type AccountDto, EventPattern } from '@app/contracts';
import { enqueueEvent } from '@app/messaging';
import { type AccountBase } from 'plaid';
import { type EntityManager } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';
import { type AccountPatch, AccountsRepository } from './accounts.repository';

export interface ReconcileOptions {
  // The user just went through Link's account selection: accounts no longer returned were unshared.
  afterSelection: boolean;
  now: Date;
}

export interface ReconcileOutcome {
  // Accounts inserted, changed, unlinked or closed.
  changed: number;
  // Active accounts Plaid did not return (unlinked, closed or only noted as missing).
  absent: number;
}

// The writes of an item's accounts, each in the caller's transaction with ItemAccountsChanged when a row was
// actually inserted, changed or deleted (plaid-link turns it into the owner's accounts.changed). Every balance
// written is also that day's snapshot. One write per transaction, so at most one event each; the caller kicks
// the outbox relay after its commit.
@Injectable()
export class AccountWritesService {
  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly accounts: AccountsRepository,
  ) {}

  // Accounts as a /transactions/sync page or a balance call returned them: a page carries only some of an item's
  // accounts, so nothing is concluded about the ones it does not name.
  async upsert(
    em: EntityManager,
    item: { itemId: string; userId: string },
    accounts: AccountBase[],
  ): Promise<number> {
    const changed = await this.accounts.upsertMany(em, item.itemId, item.userId, accounts);
    await this.accounts.writeSnapshots(em, item.itemId, accounts);
    if (changed > 0) await this.announce(em, item.itemId);
    return changed;
  }

  // Every account of the item as /accounts/get returned them: new ones appear, the ones it no longer returns are
  // unlinked (after account selection) or, absent twice a day apart, closed.
  async reconcile(
    em: EntityManager,
    item: { itemId: string; userId: string },
    accounts: AccountBase[],
    options: ReconcileOptions,
  ): Promise<ReconcileOutcome> {
    const upserted = await this.accounts.upsertMany(em, item.itemId, item.userId, accounts);
    await this.accounts.writeSnapshots(em, item.itemId, accounts);
    const absent = await this.accounts.markAbsent(
      em,
      item.itemId,
      accounts.map((a) => a.account_id),
      options.afterSelection,
      options.now,
    );
    const changed = upserted + absent.changed;
    if (changed > 0) await this.announce(em, item.itemId);
    return { changed, absent: absent.absent };
  }

  // The user's own view (hidden, display name); null when the account is not theirs.
  async update(
    em: EntityManager,
    userId: string,
    accountId: string,
    patch: AccountPatch,
  ): Promise<AccountDto | null> {
    const result = await this.accounts.update(em, userId, accountId, patch);
    if (!result) return null;
    if (result.changed) await this.announce(em, result.itemId);
    return result.account;
  }

  // One account's consent was withdrawn: its data goes, the account shows as revoked.
  async revokeOne(em: EntityManager, itemId: string, plaidAccountId: string): Promise<void> {
    if ((await this.accounts.revokeOne(em, itemId, plaidAccountId)) > 0) await this.announce(em, itemId);
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
