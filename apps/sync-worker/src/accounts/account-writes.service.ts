import { Injectable } from '@nestjs/common';
import { type AccountDto, EventPattern } from '@app/contracts';
import { type Transaction } from '@app/messaging';
import { type AccountBase } from 'plaid';
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

// The writes of an item's accounts, each in the caller's unit of work with ItemAccountsChanged when a row was
// actually inserted, changed or deleted (plaid-link turns it into the owner's accounts.changed). Every balance
// written is also that day's snapshot. One write per transaction, so at most one event each.
@Injectable()
export class AccountWritesService {
  constructor(private readonly accounts: AccountsRepository) {}

  // Accounts as a /transactions/sync page or a balance call returned them: a page carries only some of an item's
  // accounts, so nothing is concluded about the ones it does not name.
  async upsert(
    tx: Transaction,
    item: { itemId: string; userId: string },
    accounts: AccountBase[],
  ): Promise<number> {
    const changed = await this.accounts.upsertMany(tx.manager, item.itemId, item.userId, accounts);
    await this.accounts.writeSnapshots(tx.manager, item.itemId, accounts);
    if (changed > 0) await this.announce(tx, item.itemId);
    return changed;
  }

  // Every account of the item as /accounts/get returned them: new ones appear, the ones it no longer returns are
  // unlinked (after account selection) or, absent twice a day apart, closed.
  async reconcile(
    tx: Transaction,
    item: { itemId: string; userId: string },
    accounts: AccountBase[],
    options: ReconcileOptions,
  ): Promise<ReconcileOutcome> {
    const upserted = await this.accounts.upsertMany(tx.manager, item.itemId, item.userId, accounts);
    await this.accounts.writeSnapshots(tx.manager, item.itemId, accounts);
    const absent = await this.accounts.markAbsent(
      tx.manager,
      item.itemId,
      accounts.map((a) => a.account_id),
      options.afterSelection,
      options.now,
    );
    const changed = upserted + absent.changed;
    if (changed > 0) await this.announce(tx, item.itemId);
    return { changed, absent: absent.absent };
  }

  // The user's own view (hidden, display name); null when the account is not theirs.
  async update(
    tx: Transaction,
    userId: string,
    accountId: string,
    patch: AccountPatch,
  ): Promise<AccountDto | null> {
    const result = await this.accounts.update(tx.manager, userId, accountId, patch);
    if (!result) return null;
    if (result.changed) await this.announce(tx, result.itemId);
    return result.account;
  }

  // One account's consent was withdrawn: its data goes, the account shows as revoked.
  async revokeOne(tx: Transaction, itemId: string, plaidAccountId: string): Promise<void> {
    if ((await this.accounts.revokeOne(tx.manager, itemId, plaidAccountId)) > 0)
      await this.announce(tx, itemId);
  }

  // The item's consent was withdrawn (the item stays, revoked). Not on the item's removal: plaid-link, which
  // removed it, tells the owner itself (item.removed).
  async deleteForItem(tx: Transaction, itemId: string): Promise<void> {
    if ((await this.accounts.deleteForItem(tx.manager, itemId)) > 0) await this.announce(tx, itemId);
  }

  private announce(tx: Transaction, itemId: string): Promise<void> {
    return tx.publish(EventPattern.ItemAccountsChanged, {
      itemId,
      changedAt: new Date().toISOString(),
    });
  }
}
