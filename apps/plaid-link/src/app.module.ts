import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggingModule } from '@app/common';
import { databaseHealthHandler } from '@app/messaging';
import { AppConfigModule, type LinkConfig } from './config';
import { dataSourceOptions } from './database/database';
import { UserDeletionModule } from './deletion/user-deletion.module';
import { FeedModule } from './feed/feed.module';
import { UserEventsExchange } from './feed/user-events-exchange';
import { ItemsModule } from './items/items.module';
import { LinkModule } from './link/link.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: LinkConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRoot({ service: 'plaid-link', level: config.LOG_LEVEL }),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        LinkModule,
        ItemsModule,
        WebhooksModule,
        FeedModule,
        UserDeletionModule,
      ],
      controllers: [databaseHealthHandler('plaid-link')],
      providers: [UserEventsExchange],
    };
  }
}
