import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
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
import { EventHandler, RpcHandler } from '@app/messaging';
import { ItemStatusService } from './item-status.service';
import { ItemsService } from './items.service';

@Controller()
export class ItemsHandler {
  constructor(
    private readonly items: ItemsService,
    private readonly status: ItemStatusService,
  ) {}

  @RpcHandler(P.ItemsList)
  list(@Payload() dto: UserScope): Promise<ItemListDto> {
    return this.items.list(dto.userId);
  }

  @RpcHandler(P.ItemsGet)
  get(@Payload() dto: ItemRef): Promise<ItemDto> {
    return this.items.get(dto.userId, dto.itemId);
  }

  @RpcHandler(P.ItemsDelete)
  remove(@Payload() dto: ItemRef): Promise<{ deleted: true }> {
    return this.items.remove(dto.userId, dto.itemId);
  }

  @EventHandler(E.ItemMetadataRefreshed)
  metadataRefreshed(@Payload() event: ItemMetadataRefreshedEvent): Promise<void> {
    return this.status.applyMetadata(event);
  }

  @EventHandler(E.ItemSynced)
  synced(@Payload() event: ItemSyncedEvent): Promise<void> {
    return this.status.applySynced(event);
  }

  @EventHandler(E.ItemErrorRecorded)
  errorRecorded(@Payload() event: ItemErrorRecordedEvent): Promise<void> {
    return this.status.applyError(event);
  }

  @EventHandler(E.ItemAccountsChanged)
  accountsChanged(@Payload() event: ItemAccountsChangedEvent): Promise<void> {
    return this.status.applyAccountsChanged(event);
  }

  @EventHandler(E.TransactionsEdited)
  transactionsEdited(@Payload() event: TransactionsEditedEvent): Promise<void> {
    return this.status.applyTransactionsEdited(event);
  }

  @EventHandler(E.LegacyItemRefreshed)
  legacyRefreshed(@Payload() event: LegacyItemRefreshedEvent): Promise<void> {
    return this.status.applyLegacyRefresh(event);
  }
}
