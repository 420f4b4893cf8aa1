import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  EventPattern as E,
  MessagePattern as P,
  PlaidWebhookEvent,
  WebhookKeyRequest,
  type WebhookKeyResponse,
} from '@app/contracts';
import { ItemWebhooksService } from './item-webhooks.service';
import { WebhookKeysService } from './webhook-keys.service';

@Controller()
export class WebhooksHandler {
  constructor(
    private readonly itemWebhooks: ItemWebhooksService,
    private readonly keys: WebhookKeysService,
  ) {}

  @EventPattern(E.PlaidItemWebhook)
  itemWebhook(@Payload() event: PlaidWebhookEvent): Promise<void> {
    return this.itemWebhooks.handle(event);
  }

  @MessagePattern(P.WebhookKeyGet)
  key(@Payload() dto: WebhookKeyRequest): Promise<WebhookKeyResponse> {
    return this.keys.get(dto.kid);
  }
}
