import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  EventPattern as E,
  ItemRef,
  MessagePattern as P,
  PlaidWebhookEvent,
  type SyncRequestAcceptedDto,
  SyncRequestedEvent,
} from '@app/contracts';
import { SyncService } from './sync.service';

@Controller()
export class SyncHandler {
  constructor(private readonly sync: SyncService) {}

  @EventPattern(E.PlaidTransactionsWebhook)
  transactionsWebhook(@Payload() event: PlaidWebhookEvent): Promise<void> {
    return this.sync.onTransactionsWebhook(event);
  }

  @EventPattern(E.SyncRequested)
  syncRequested(@Payload() event: SyncRequestedEvent): Promise<void> {
    return this.sync.onSyncRequested(event);
  }

  @MessagePattern(P.SyncRequest)
  requestSync(@Payload() dto: ItemRef): Promise<SyncRequestAcceptedDto> {
    return this.sync.requestManualSync(dto.userId, dto.itemId);
  }
}
