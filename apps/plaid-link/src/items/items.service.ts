import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventPattern,
  type ItemDto,
  type ItemListDto,
  type ItemRefreshedEvent,
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

  // What the sync worker learned about an item: metadata, an error, or a successful sync.
  async applyRefresh(event: ItemRefreshedEvent): Promise<void> {
    const item = await this.items.findById(event.itemId);
    if (!item) {
      this.logger.warn({ itemId: event.itemId }, 'refresh for an unknown item; ignored');
      return;
    }
    const patch: Partial<Item> = {};
    if (event.institutionId !== undefined) patch.institutionId = event.institutionId;
    if (event.institutionName !== undefined) patch.institutionName = event.institutionName;
    if (event.consentExpiresAt !== undefined) {
      patch.consentExpiresAt = event.consentExpiresAt ? new Date(event.consentExpiresAt) : null;
    }
    if (event.error) {
      patch.errorCode = event.error.code;
      patch.errorMessage = event.error.message;
      patch.status = event.status ?? 'error';
    } else if (event.syncedAt) {
      // A successful sync proves the item works: it clears a previous error, including login_required.
      // A revoked item stays revoked, with its reason.
      const syncedAt = new Date(event.syncedAt);
      if (!item.lastSyncedAt || syncedAt > item.lastSyncedAt) patch.lastSyncedAt = syncedAt;
      if (item.status !== 'revoked') {
        patch.errorCode = null;
        patch.errorMessage = null;
      }
      if (item.status !== 'revoked' && item.status !== 'expiring') patch.status = 'healthy';
    } else if (event.error === null && item.status === 'pending') {
      patch.status = 'healthy';
    }
    if (event.status && !event.error && event.status !== item.status) patch.status = event.status;
    if (Object.keys(patch).length > 0) await this.items.update(null, item.id, patch);
  }
}
