import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  EventPattern as E,
  type ItemDto,
  type ItemListDto,
  ItemAccountsChangedEvent,
  TransactionsEditedEvent,
  ItemErrorRecordedEvent,
  ItemMetadataRefreshedEvent,
  ItemRef,
  ItemSyncedEvent,
  LegacyItemRefreshedEvent,
  MessagePattern as P,
  UserScope,
} from '@app/contracts';
import { ItemStatusService } from './item-status.service';
import { ItemsService } from './items.service';

@Controller()
export class ItemsHandler {
  constructor(
    private readonly items: ItemsService,
    private readonly status: ItemStatusService,
  ) {}

  @MessagePattern(P.ItemsList)
  list(@Payload() dto: UserScope): Promise<ItemListDto> {
    return this.items.list(dto.userId);
  }

  @MessagePattern(P.ItemsGet)
  get(@Payload() dto: ItemRef): Promise<ItemDto> {
    return this.items.get(dto.userId, dto.itemId);
  }

  @MessagePattern(P.ItemsDelete)
  remove(@Payload() dto: ItemRef): Promise<{ deleted: true }> {
    return this.items.remove(dto.userId, dto.itemId);
  }

  @EventPattern(E.ItemMetadataRefreshed)
  metadataRefreshed(@Payload() event: ItemMetadataRefreshedEvent): Promise<void> {
    return this.status.applyMetadata(event);
  }

  @EventPattern(E.ItemSynced)
  synced(@Payload() event: ItemSyncedEvent): Promise<void> {
    return this.status.applySynced(event);
  }

  @EventPattern(E.ItemErrorRecorded)
  errorRecorded(@Payload() event: ItemErrorRecordedEvent): Promise<void> {
    return this.status.applyError(event);
  }

  @EventPattern(E.ItemAccountsChanged)
  accountsChanged(@Payload() event: ItemAccountsChangedEvent): Promise<void> {
    return this.status.applyAccountsChanged(event);
  }

  @EventPattern(E.TransactionsEdited)
  transactionsEdited(@Payload() event: TransactionsEditedEvent): Promise<void> {
    return this.status.applyTransactionsEdited(event);
  }

  @EventPattern(E.LegacyItemRefreshed)
  legacyRefreshed(@Payload() event: LegacyItemRefreshedEvent): Promise<void> {
    return this.status.applyLegacyRefresh(event);
  }
}
