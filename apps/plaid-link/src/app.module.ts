import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggingModule } from '@app/common';
import { databaseHealthHandler, outboxRelayProvider } from '@app/messaging';
import { plaidProviders } from '@app/plaid';
import { ItemWebhooksService } from './webhooks/item-webhooks.service';
import { WebhookKeysService } from './webhooks/webhook-keys.service';
import { WebhooksHandler } from './webhooks/webhooks.handler';
import { CONFIG, type LinkConfig } from './config';
import { dataSourceOptions } from './database/database';
import { Item } from './items/item.entity';
import { ItemsHandler } from './items/items.handler';
import { ItemsMetrics } from './items/items.metrics';
import { ItemsRepository } from './items/items.repository';
import { ItemsService } from './items/items.service';
import { LinkHandler } from './link/link.handler';
import { LinkService } from './link/link.service';

@Module({})
export class AppModule {
  static forRoot(config: LinkConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: 'plaid-link', level: config.LOG_LEVEL }),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        TypeOrmModule.forFeature([Item]),
      ],
      controllers: [LinkHandler, ItemsHandler, WebhooksHandler, databaseHealthHandler('plaid-link')],
      providers: [
        { provide: CONFIG, useValue: config },
        ...plaidProviders(CONFIG),
        outboxRelayProvider(CONFIG),
        ItemsRepository,
        ItemsService,
        ItemsMetrics,
        LinkService,
        ItemWebhooksService,
        WebhookKeysService,
      ],
    };
  }
}
