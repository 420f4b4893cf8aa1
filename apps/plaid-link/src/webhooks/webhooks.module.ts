import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { OutboxModule } from '../outbox/outbox.module';
import { PlaidItemsModule } from '../plaid-items/plaid-items.module';
import { ItemWebhooksService } from './item-webhooks.service';
import { WebhookKeysService } from './webhook-keys.service';
import { WebhooksHandler } from './webhooks.handler';

// Plaid's ITEM webhooks (verified by the gateway) and the verification keys the gateway looks up here.
@Module({
  imports: [ItemsModule, PlaidItemsModule, OutboxModule],
  controllers: [WebhooksHandler],
  providers: [ItemWebhooksService, WebhookKeysService],
})
export class WebhooksModule {}
