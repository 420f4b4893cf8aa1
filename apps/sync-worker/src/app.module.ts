import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggingModule } from '@app/common';
import { databaseHealthHandler } from '@app/messaging';
import { AccountsModule } from './accounts/accounts.module';
import { type SyncConfig } from './config';
import { CoreModule } from './core.module';
import { dataSourceOptions } from './database/database';
import { UserDeletionModule } from './deletion/user-deletion.module';
import { InsightsModule } from './insights/insights.module';
import { ItemLifecycleModule } from './item-lifecycle/item-lifecycle.module';
import { RecurringModule } from './recurring/recurring.module';
import { RulesModule } from './rules/rules.module';
import { SyncModule } from './sync/sync.module';
import { TransactionsModule } from './transactions/transactions.module';

@Module({})
export class AppModule {
  static forRoot(config: SyncConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: 'sync-worker', level: config.LOG_LEVEL }),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        CoreModule.forRoot(config),
        SyncModule,
        ItemLifecycleModule,
        AccountsModule,
        TransactionsModule,
        UserDeletionModule,
        RulesModule,
        RecurringModule,
        InsightsModule,
      ],
      controllers: [databaseHealthHandler('sync-worker')],
    };
  }
}
