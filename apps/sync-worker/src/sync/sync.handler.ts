import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  EventPattern as E,
  ItemRef,
  MessagePattern as P,
  PlaidWebhookEvent,
  type SyncRequestAcceptedDto,
  SyncRequestedEvent,
} from '@app/contracts';
import { EventHandler, RpcHandler } from '@app/messaging';
import { SyncService } from './sync.service';

@Controller()
export class SyncHandler {
  constructor(private readonly sync: SyncService) {}

  @EventHandler(E.PlaidTransactionsWebhook)
  transactionsWebhook(@Payload() event: PlaidWebhookEvent): Promise<void> {
    return this.sync.onTransactionsWebhook(event);
  }

  @EventHandler(E.SyncRequested)
  syncRequested(@Payload() event: SyncRequestedEvent): Promise<void> {
    return this.sync.onSyncRequested(event);
  }

  @RpcHandler(P.SyncRequest)
  requestSync(@Payload() dto: ItemRef): Promise<SyncRequestAcceptedDto> {
    return this.sync.requestManualSync(dto.userId, dto.itemId);
  }
}
