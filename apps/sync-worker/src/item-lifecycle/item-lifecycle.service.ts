import { Injectable, Logger } from '@nestjs/common';
import { type ItemDataRevokedEvent, type ItemLinkedEvent, type ItemRemovedEvent } from '@app/contracts';
import { requestContext } from '@app/common';
import { JobError, UnitOfWork } from '@app/messaging';
import { AccountWritesService } from '../accounts/account-writes.service';
import { ItemMetadataService } from '../accounts/item-metadata.service';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { ItemPlaidClients } from '../plaid/item-plaid.client';
import { PlaidFailurePolicy } from '../sync/plaid-failure-policy.service';
import { SyncService } from '../sync/sync.service';
import { TransfersRepository } from '../transactions/transfers.repository';

// An item's life as plaid-link reports it: linked (metadata, accounts, then the first sync), removed (its data
// goes), its consent revoked (the item's or one account's data goes, the owner is remembered).
@Injectable()
export class ItemLifecycleService {
  private readonly logger = new Logger(ItemLifecycleService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly plaid: ItemPlaidClients,
    private readonly items: SyncItemsRepository,
    private readonly accounts: AccountWritesService,
    private readonly transfers: TransfersRepository,
    private readonly metadata: ItemMetadataService,
    private readonly failures: PlaidFailurePolicy,
    private readonly sync: SyncService,
  ) {}

  // The job behind "item linked": item metadata, institution name, accounts, then the first sync.
  // Safe to run twice: every write is an upsert keyed by Plaid's ids.
  async onItemLinked(event: ItemLinkedEvent): Promise<void> {
    const attempt = requestContext.attempt();
    // Fails fast (and dead-letters) on a token this service cannot decrypt: a key configuration problem.
    const problem = this.plaid.tokenProblem(event.encryptedAccessToken, event.plaidItemId);
    if (problem !== null) {
      throw JobError.permanent(`cannot decrypt access token: ${problem}`, 'TOKEN_DECRYPT_FAILED');
    }
    await this.items.upsert({
      itemId: event.itemId,
      userId: event.userId,
      plaidItemId: event.plaidItemId,
      accessTokenEnc: event.encryptedAccessToken,
    });
    const item = await this.mustFind(event.itemId);
    const plaid = await this.plaid.open(item);
    if (plaid.kind === 'paused') throw this.failures.deferral(item, plaid);
    try {
      await this.metadata.refresh(plaid);
    } catch (err) {
      // Returns when the job should end here (an item-level error is recorded); throws otherwise.
      return this.failures.handle(item, err, attempt);
    }
    await this.sync.requestSync(item.itemId, attempt);
  }

  async onItemRemoved(event: ItemRemovedEvent): Promise<void> {
    await this.items.delete(event.itemId);
    // A transfer between this item and another of the user's is no pair any more.
    await this.uow.run((tx) => this.transfers.pair(tx.manager, event.userId, null, null));
    this.logger.log({ itemId: event.itemId }, 'item data deleted');
  }

  async onDataRevoked(event: ItemDataRevokedEvent): Promise<void> {
    const { itemId, plaidAccountId } = event;
    const owner = await this.items.find(itemId);
    await this.uow.run(async (tx) => {
      if (plaidAccountId) {
        await this.accounts.revokeOne(tx, itemId, plaidAccountId);
      } else {
        await this.accounts.deleteForItem(tx, itemId);
        await this.items.deleteSyncState(tx.manager, itemId);
      }
      if (owner) await this.transfers.pair(tx.manager, owner.userId, null, null);
    });
    this.logger.log(
      { itemId },
      plaidAccountId ? 'revoked account data deleted' : 'revoked item data deleted',
    );
  }

  private async mustFind(itemId: string): Promise<SyncItem> {
    const item = await this.items.find(itemId);
    if (!item) throw JobError.permanent(`unknown item ${itemId}`, 'UNKNOWN_ITEM');
    return item;
  }
}
