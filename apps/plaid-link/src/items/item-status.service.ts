import { Injectable, Logger } from '@nestjs/common';
import {
  type ItemAccountsChangedEvent,
  type ItemErrorRecordedEvent,
  type ItemMetadataRefreshedEvent,
  type ItemProblemPayload,
  type ItemSyncedEvent,
  type LegacyItemRefreshedEvent,
  type TransactionsEditedEvent,
} from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { FeedService } from '../feed/feed.service';
import { type Item } from './item.entity';
import { ItemChangesService } from './item-changes.service';
import { ItemsRepository } from './items.repository';

// The item-news rules: what the sync worker's events do to an item's status, error and timestamps, and what
// they put in the owner's feed. Each message is applied in one transaction with its feed events; a redelivered
// message finds nothing left to change (or its dedup key already in the feed) and adds no event.
@Injectable()
export class ItemStatusService {
  private readonly logger = new Logger(ItemStatusService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly items: ItemsRepository,
    private readonly itemChanges: ItemChangesService,
    private readonly feed: FeedService,
  ) {}

  // What /item/get said: institution, consent expiry, and Plaid's own item error (none: a pending item is healthy).
  async applyMetadata(event: ItemMetadataRefreshedEvent): Promise<void> {
    await this.update(event.itemId, (item) => {
      const patch: Partial<Item> = {
        institutionId: event.institutionId,
        institutionName: event.institutionName,
        consentExpiresAt: event.consentExpiresAt ? new Date(event.consentExpiresAt) : null,
      };
      // Absent from a previous release's sync worker: keep what is known.
      if (event.plaidLastUpdatedAt !== undefined) {
        patch.plaidLastUpdatedAt = event.plaidLastUpdatedAt ? new Date(event.plaidLastUpdatedAt) : null;
      }
      if (event.accountSelectionApplied) patch.newAccountsAvailable = false;
      if (event.error) Object.assign(patch, problemPatch(event.error));
      else if (item.status === 'pending') patch.status = 'healthy';
      return patch;
    });
  }

  // A successful sync proves the item works: it clears a previous error, including login_required.
  // A revoked item stays revoked, with its reason; an expiring one keeps its warning. The run's transaction
  // counts follow the item in the feed (transactions.changed, once per run: keyed by its syncedAt).
  async applySynced(event: ItemSyncedEvent): Promise<void> {
    await this.uow.run(async (tx) => {
      const update = await this.itemChanges.update(tx, event.itemId, (item) => syncedPatch(item, event));
      if (!update) return this.unknown(event.itemId);
      if (event.added + event.modified + event.removed === 0) return;
      await this.feed.append(
        tx,
        update.item.userId,
        'transactions.changed',
        {
          itemId: event.itemId,
          added: event.added,
          modified: event.modified,
          removed: event.removed,
          cursor: event.changesCursor ?? null,
        },
        `sync:${event.itemId}:${event.syncedAt}`,
      );
    });
  }

  async applyError(event: ItemErrorRecordedEvent): Promise<void> {
    await this.update(event.itemId, () => problemPatch(event.error));
  }

  // The item's accounts changed at the sync worker (keyed by changedAt: a redelivery adds nothing).
  async applyAccountsChanged(event: ItemAccountsChangedEvent): Promise<void> {
    await this.uow.run(async (tx) => {
      const item = await this.items.lockById(tx.manager, event.itemId);
      if (!item) return this.unknown(event.itemId);
      await this.feed.append(
        tx,
        item.userId,
        'accounts.changed',
        { itemId: item.id },
        `accounts:${item.id}:${event.changedAt}`,
      );
    });
  }

  // The user changed transactions of the item (edit, rule, unpaired transfer): transactions.changed in the feed,
  // as after a sync, keyed by editedAt (a redelivery adds nothing). The item's status does not change.
  async applyTransactionsEdited(event: TransactionsEditedEvent): Promise<void> {
    await this.uow.run(async (tx) => {
      const item = await this.items.lockById(tx.manager, event.itemId);
      if (!item) return this.unknown(event.itemId);
      await this.feed.append(
        tx,
        item.userId,
        'transactions.changed',
        { itemId: item.id, added: 0, modified: event.modified, removed: 0, cursor: event.changesCursor },
        `edit:${item.id}:${event.editedAt}`,
      );
    });
  }

  // sync.item.refreshed.v1 from a sync worker of the previous release, during a rolling upgrade: the same news in
  // one message with optional fields; told apart here, and only here, then applied as the new events are.
  async applyLegacyRefresh(event: LegacyItemRefreshedEvent): Promise<void> {
    const error = event.error ? { ...event.error, status: event.status ?? 'error' } : null;
    if (event.metadata) {
      await this.applyMetadata({
        itemId: event.itemId,
        institutionId: event.institutionId ?? null,
        institutionName: event.institutionName ?? null,
        consentExpiresAt: event.consentExpiresAt ?? null,
        error,
        refreshedAt: new Date().toISOString(),
      });
    } else if (error) {
      await this.applyError({ itemId: event.itemId, error, recordedAt: new Date().toISOString() });
    } else if (event.syncedAt) {
      await this.applySynced({
        itemId: event.itemId,
        syncedAt: event.syncedAt,
        added: 0,
        modified: 0,
        removed: 0,
      });
    }
  }

  private async update(itemId: string, patch: (item: Item) => Partial<Item>): Promise<void> {
    await this.uow.run(async (tx) => {
      if (!(await this.itemChanges.update(tx, itemId, patch))) this.unknown(itemId);
    });
  }

  private unknown(itemId: string): void {
    this.logger.warn({ itemId }, 'news about an unknown item; ignored');
  }
}

function syncedPatch(item: Item, event: ItemSyncedEvent): Partial<Item> {
  const patch: Partial<Item> = {};
  const syncedAt = new Date(event.syncedAt);
  if (!item.lastSyncedAt || syncedAt > item.lastSyncedAt) patch.lastSyncedAt = syncedAt;
  if (item.status !== 'revoked') {
    patch.errorCode = null;
    patch.errorMessage = null;
  }
  if (item.status !== 'revoked' && item.status !== 'expiring') patch.status = 'healthy';
  return patch;
}

function problemPatch(error: ItemProblemPayload): Partial<Item> {
  return { errorCode: error.code, errorMessage: error.message, status: error.status };
}
