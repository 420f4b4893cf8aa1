import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  EventPattern as E,
  type ItemDto,
  type ItemListDto,
  ItemRef,
  ItemRefreshedEvent,
  MessagePattern as P,
  UserScope,
} from '@app/contracts';
import { ItemsService } from './items.service';

@Controller()
export class ItemsHandler {
  constructor(private readonly items: ItemsService) {}

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

  @EventPattern(E.ItemRefreshed)
  refreshed(@Payload() event: ItemRefreshedEvent): Promise<void> {
    return this.items.applyRefresh(event);
  }
}
