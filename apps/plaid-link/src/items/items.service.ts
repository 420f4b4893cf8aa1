import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, EventPattern, type ItemDto, type ItemListDto } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { APP_CONFIG, LinkConfig } from '../config';
import { PlaidItemsService } from '../plaid-items/plaid-items.service';
import { type Item } from './item.entity';
import { toItemDto } from './item.mapper';
import { ItemChangesService } from './item-changes.service';
import { ItemsRepository } from './items.repository';

// A user's items: list, read, remove. Everything is scoped to the owner.
@Injectable()
export class ItemsService {
  private readonly logger = new Logger(ItemsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: LinkConfig,
    private readonly items: ItemsRepository,
    private readonly itemChanges: ItemChangesService,
    private readonly uow: UnitOfWork,
    private readonly plaidItems: PlaidItemsService,
  ) {}

  async list(userId: string): Promise<ItemListDto> {
    const hours = this.config.ITEM_STALE_AFTER_HOURS;
    return { data: (await this.items.listForUser(userId)).map((item) => toItemDto(item, hours)) };
  }

  async get(userId: string, itemId: string): Promise<ItemDto> {
    return toItemDto(await this.owned(userId, itemId), this.config.ITEM_STALE_AFTER_HOURS);
  }

  async owned(userId: string, itemId: string): Promise<Item> {
    const item = await this.items.findForUser(itemId, userId);
    if (!item) throw new DomainError(ErrorCode.NotFound, 'Item not found');
    return item;
  }

  // Removes the item at Plaid (which stops billing), then here; its accounts and transactions follow via event.
  async remove(userId: string, itemId: string): Promise<{ deleted: true }> {
    const item = await this.owned(userId, itemId);
    await this.plaidItems.removeAtPlaid(this.plaidItems.accessToken(item), item.plaidItemId);
    // A concurrent remove that deleted it first has sent the events already.
    await this.uow.run(async (tx) => {
      if (!(await this.itemChanges.remove(tx, item))) return;
      await tx.publish(EventPattern.ItemRemoved, { itemId: item.id, userId });
    });
    this.logger.log({ itemId, userId }, 'item removed');
    return { deleted: true };
  }
}
