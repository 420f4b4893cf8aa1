import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EventPattern as E, ItemLinkedEvent, ItemRemovedEvent } from '@app/contracts';
import { SyncService } from './sync.service';

@Controller()
export class SyncHandler {
  constructor(private readonly sync: SyncService) {}

  @EventPattern(E.ItemLinked)
  itemLinked(@Payload() event: ItemLinkedEvent): Promise<void> {
    return this.sync.onItemLinked(event);
  }

  @EventPattern(E.ItemRemoved)
  itemRemoved(@Payload() event: ItemRemovedEvent): Promise<void> {
    return this.sync.onItemRemoved(event);
  }
}
