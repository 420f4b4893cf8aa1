import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventPattern,
  type ItemDto,
  type ItemErrorRecordedEvent,
  type ItemListDto,
  type ItemMetadataRefreshedEvent,
  type ItemSyncedEvent,
  type LegacyItemRefreshedEvent,
} from '@app/contracts';
import { OutboxRelay, enqueueEvent } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError, plaidCall, plaidDomainError } from '@app/plaid';
import { PlaidApi } from 'plaid';
import { DataSource } from 'typeorm';
import { CONFIG, LinkConfig } from '../config';
import { type Item } from './item.entity';
import { toItemDto } from './item.mapper';
import { ItemsRepository } from './items.repository';

// Plaid answers these for an item that is already gone there: removing it again is a success.
const ALREADY_GONE = new Set(['ITEM_NOT_FOUND', 'INVALID_ACCESS_TOKEN', 'ITEM_CONCURRENTLY_DELETED']);

@Injectable()
export class ItemsService {
  private readonly logger = new Logger(ItemsService.name);

  constructor(
    @Inject(CONFIG) private readonly config: LinkConfig,
    private readonly items: ItemsRepository,
    private readonly db: DataSource,
    private readonly plaid: PlaidApi,
    private readonly cipher: AccessTokenCipher,
    private readonly relay: OutboxRelay,
  ) {}

  async list(userId: string): Promise<ItemListDto> {
    return { data: (await this.items.listForUser(userId)).map(toItemDto) };
  }

  async get(userId: string, itemId: string): Promise<ItemDto> {
    return toItemDto(await this.owned(userId, itemId));
  }

  async owned(userId: string, itemId: string): Promise<Item> {
    const item = await this.items.findForUser(itemId, userId);
    if (!item) throw new DomainError(ErrorCode.NotFound, 'Item not found');
    return item;
  }

  accessToken(item: Item): string {
    return this.cipher.decrypt(item.accessTokenEnc, item.plaidItemId);
  }

  // Removes the item at Plaid (which stops billing), then here; its accounts and transactions follow via event.
  async remove(userId: string, itemId: string): Promise<{ deleted: true }> {
    const item = await this.owned(userId, itemId);
    await this.removeAtPlaid(this.accessToken(item), item.plaidItemId);
    await this.db.transaction(async (em) => {
      await this.items.delete(em, item.id);
      await enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.ItemRemoved, { itemId: item.id, userId });
    });
    this.relay.kick();
    this.logger.log({ itemId, userId }, 'item removed');
    return { deleted: true };
  }

  async removeAtPlaid(accessToken: string, plaidItemId: string): Promise<void> {
    try {
      await plaidCall(() => this.plaid.itemRemove({ access_token: accessToken }));
    } catch (err) {
      if (err instanceof PlaidApiError && ALREADY_GONE.has(err.errorCode)) {
        this.logger.warn({ plaidItemId, errorCode: err.errorCode }, 'item already gone at Plaid');
        return;
      }
      if (err instanceof PlaidApiError) throw plaidDomainError(err);
      throw err;
    }
  }

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
    await this.items.update(null, item.id, patch);
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
    if (Object.keys(patch).length > 0) await this.items.update(null, item.id, patch);
  }

  async applyError(event: ItemErrorRecordedEvent): Promise<void> {
    const item = await this.knownItem(event.itemId);
    if (!item) return;
    await this.items.update(null, item.id, problemPatch(event.error));
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

function problemPatch(error: ItemMetadataRefreshedEvent['error'] & object): Partial<Item> {
  return { errorCode: error.code, errorMessage: error.message, status: error.status };
}
