import { isDeepStrictEqual } from 'node:util';
import { Inject, Injectable } from '@nestjs/common';
import { type Transaction } from '@app/messaging';
import { APP_CONFIG, LinkConfig } from '../config';
import { FeedService } from '../feed/feed.service';
import { type Item } from './item.entity';
import { toItemDto } from './item.mapper';
import { ItemsRepository } from './items.repository';

export interface ItemUpdate {
  item: Item;
  // The item as GET /v1/items/:id shows it changed (and item.updated was appended).
  changed: boolean;
}

// The one writer of link.items: every change, in the caller's unit of work, with the owner's feed event it
// implies: item.updated carrying the item as GET /v1/items/:id returns it whenever that changed, item.removed
// when the item goes. Comparing the item before and after makes a redelivered message that changes nothing emit
// nothing. SQL stays in ItemsRepository; this decides which changes the feed hears of.
@Injectable()
export class ItemChangesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: LinkConfig,
    private readonly items: ItemsRepository,
    private readonly feed: FeedService,
  ) {}

  // The item as GET /v1/items/:id shows it.
  dto(item: Item): ReturnType<typeof toItemDto> {
    return toItemDto(item, this.config.ITEM_STALE_AFTER_HOURS);
  }

  async create(tx: Transaction, fields: Partial<Item>): Promise<Item> {
    const saved = await this.items.insert(tx.manager, fields);
    // Read back as GET reads it (defaults and timestamps from the database).
    const item = (await this.items.lockById(tx.manager, saved.id)) ?? saved;
    await this.feed.append(tx, item.userId, 'item.updated', { item: this.dto(item) });
    return item;
  }

  // Applies the patch computed from the locked row; null when there is no such item.
  async update(
    tx: Transaction,
    itemId: string,
    patch: (current: Item) => Partial<Item>,
  ): Promise<ItemUpdate | null> {
    const current = await this.items.lockById(tx.manager, itemId);
    if (!current) return null;
    const changes = patch(current);
    await this.items.update(tx.manager, itemId, changes);
    const item: Item = { ...current, ...changes };
    const dto = this.dto(item);
    const changed = !isDeepStrictEqual(this.dto(current), dto);
    if (changed) await this.feed.append(tx, item.userId, 'item.updated', { item: dto });
    return { item, changed };
  }

  // Answers whether the item was there to delete (a concurrent delete already took it: no second event).
  async remove(tx: Transaction, item: Pick<Item, 'id' | 'userId'>): Promise<boolean> {
    if (!(await this.items.delete(tx.manager, item.id))) return false;
    await this.feed.append(tx, item.userId, 'item.removed', { itemId: item.id });
    return true;
  }
}
