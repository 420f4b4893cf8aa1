import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggingModule } from '@app/common';
import { databaseHealthHandler, outboxRelayProvider } from '@app/messaging';
import { plaidProviders } from '@app/plaid';
import { AccountsHandler } from './accounts/accounts.handler';
import { AccountsRepository } from './accounts/accounts.repository';
import { CONFIG, type SyncConfig } from './config';
import { dataSourceOptions } from './database/database';
import { SyncItemsRepository } from './items/sync-items.repository';
import { InstitutionsService } from './sync/institutions.service';
import { SyncHandler } from './sync/sync.handler';
import { InstitutionBreaker } from './sync/institution-breaker.service';
import { PlaidRateLimiter } from './sync/plaid-rate-limiter.service';
import { StaleSyncScheduler } from './sync/stale-sync.scheduler';
import { SyncCoordinator } from './sync/sync-coordinator.service';
import { SyncMetrics } from './sync/sync.metrics';
import { SyncService } from './sync/sync.service';
import { TransactionsHandler } from './transactions/transactions.handler';
import { TransactionsRepository } from './transactions/transactions.repository';
import { TransactionsWriter } from './transactions/transactions.writer';

@Module({})
export class AppModule {
  static forRoot(config: SyncConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: 'sync-worker', level: config.LOG_LEVEL }),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
      ],
      controllers: [SyncHandler, AccountsHandler, TransactionsHandler, databaseHealthHandler('sync-worker')],
      providers: [
        { provide: CONFIG, useValue: config },
        ...plaidProviders(CONFIG),
        outboxRelayProvider(CONFIG),
        SyncItemsRepository,
        AccountsRepository,
        TransactionsWriter,
        InstitutionsService,
        SyncService,
        SyncMetrics,
        SyncCoordinator,
        PlaidRateLimiter,
        InstitutionBreaker,
        StaleSyncScheduler,
        TransactionsRepository,
      ],
    };
  }
}
