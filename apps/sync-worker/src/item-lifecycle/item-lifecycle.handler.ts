import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventPattern as E, ItemDataRevokedEvent, ItemLinkedEvent, ItemRemovedEvent } from '@app/contracts';
import { EventHandler } from '@app/messaging';
import { ItemLifecycleService } from './item-lifecycle.service';

@Controller()
export class ItemLifecycleHandler {
  constructor(private readonly lifecycle: ItemLifecycleService) {}

  @EventHandler(E.ItemLinked)
  itemLinked(@Payload() event: ItemLinkedEvent): Promise<void> {
    return this.lifecycle.onItemLinked(event);
  }

  @EventHandler(E.ItemRemoved)
  itemRemoved(@Payload() event: ItemRemovedEvent): Promise<void> {
    return this.lifecycle.onItemRemoved(event);
  }

  @EventHandler(E.ItemDataRevoked)
  dataRevoked(@Payload() event: ItemDataRevokedEvent): Promise<void> {
    return this.lifecycle.onDataRevoked(event);
  }
}
