import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  EventPattern as E,
  MessagePattern as P,
  PlaidWebhookEvent,
  WebhookKeyRequest,
  type WebhookKeyResponse,
} from '@app/contracts';
import { EventHandler, RpcHandler } from '@app/messaging';
import { ItemWebhooksService } from './item-webhooks.service';
import { WebhookKeysService } from './webhook-keys.service';

@Controller()
export class WebhooksHandler {
  constructor(
    private readonly itemWebhooks: ItemWebhooksService,
    private readonly keys: WebhookKeysService,
  ) {}

  @EventHandler(E.PlaidItemWebhook)
  itemWebhook(@Payload() event: PlaidWebhookEvent): Promise<void> {
    return this.itemWebhooks.handle(event);
  }

  @RpcHandler(P.WebhookKeyGet)
  key(@Payload() dto: WebhookKeyRequest): Promise<WebhookKeyResponse> {
    return this.keys.get(dto.kid);
  }
}
