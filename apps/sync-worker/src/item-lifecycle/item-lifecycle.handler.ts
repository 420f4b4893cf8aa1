import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EventPattern as E, ItemDataRevokedEvent, ItemLinkedEvent, ItemRemovedEvent } from '@app/contracts';
import { ItemLifecycleService } from './item-lifecycle.service';

@Controller()
export class ItemLifecycleHandler {
  constructor(private readonly lifecycle: ItemLifecycleService) {}

  @EventPattern(E.ItemLinked)
  itemLinked(@Payload() event: ItemLinkedEvent): Promise<void> {
    return this.lifecycle.onItemLinked(event);
  }

  @EventPattern(E.ItemRemoved)
  itemRemoved(@Payload() event: ItemRemovedEvent): Promise<void> {
    return this.lifecycle.onItemRemoved(event);
  }

  @EventPattern(E.ItemDataRevoked)
  dataRevoked(@Payload() event: ItemDataRevokedEvent): Promise<void> {
    return this.lifecycle.onDataRevoked(event);
  }
}
