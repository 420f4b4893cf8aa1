import { Injectable, Logger } from '@nestjs/common';
import {
  type ItemErrorRecordedEvent,
  type ItemMetadataRefreshedEvent,
  type ItemProblemPayload,
  type ItemSyncedEvent,
  type LegacyItemRefreshedEvent,
} from '@app/contracts';
import { type Item } from './item.entity';
import { ItemsRepository } from './items.repository';

// The item-news rules: what the sync worker's events do to an item's status, error and timestamps.
@Injectable()
export class ItemStatusService {
  private readonly logger = new Logger(ItemStatusService.name);

  constructor(private readonly items: ItemsRepository) {}

  // What /item/get said: institution, consent expiry, and Plaid's own item error (none: a pending item is healthy).
  async applyMetadata(event: ItemMetadataRefreshedEvent): Promise<void> {
    const item = await this.knownItem(event.itemId);
    if (!item) return;
    const patch: Partial<Item> = {
      institutionId: event.institutionId,
      institutionName: event.institutionName,
      consentExpiresAt: event.consentExpiresAt ? new Date(event.consentExpiresAt) : null,
    };
    if (event.error) Object.assign(patch, problemPatch(event.error));
    else if (item.status === 'pending') patch.status = 'healthy';
    await this.items.update(item.id, patch);
  }

  // A successful sync proves the item works: it clears a previous error, including login_required.
  // A revoked item stays revoked, with its reason; an expiring one keeps its warning.
  async applySynced(event: ItemSyncedEvent): Promise<void> {
    const item = await this.knownItem(event.itemId);
    if (!item) return;
    const patch: Partial<Item> = {};
    const syncedAt = new Date(event.syncedAt);
    if (!item.lastSyncedAt || syncedAt > item.lastSyncedAt) patch.lastSyncedAt = syncedAt;
    if (item.status !== 'revoked') {
      patch.errorCode = null;
      patch.errorMessage = null;
    }
    if (item.status !== 'revoked' && item.status !== 'expiring') patch.status = 'healthy';
    await this.items.update(item.id, patch);
  }

  async applyError(event: ItemErrorRecordedEvent): Promise<void> {
    const item = await this.knownItem(event.itemId);
    if (!item) return;
    await this.items.update(item.id, problemPatch(event.error));
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

  private async knownItem(itemId: string): Promise<Item | null> {
    const item = await this.items.findById(itemId);
    if (!item) this.logger.warn({ itemId }, 'news about an unknown item; ignored');
    return item;
  }
}

function problemPatch(error: ItemProblemPayload): Partial<Item> {
  return { errorCode: error.code, errorMessage: error.message, status: error.status };
}
