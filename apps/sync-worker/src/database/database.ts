import { serviceDataSourceOptions } from '@app/database';
import { type DataSourceOptions } from 'typeorm';
import { type SyncConfig } from '../config';
import { CreateSyncSchema1763900200000 } from './migrations/1763900200000-CreateSyncSchema';
import { SyncCoordination1763900300000 } from './migrations/1763900300000-SyncCoordination';
import { RateLimitsAndBreaker1763900400000 } from './migrations/1763900400000-RateLimitsAndBreaker';
import { ItemOwnersAndInstitutionNames1764400000000 } from './migrations/1764400000000-ItemOwnersAndInstitutionNames';
import { TransactionChangeLog1764600000000 } from './migrations/1764600000000-TransactionChangeLog';
import { AccountLifecycleAndBalances1765000000000 } from './migrations/1765000000000-AccountLifecycleAndBalances';
import { EditsRulesTransfersRecurring1765100000000 } from './migrations/1765100000000-EditsRulesTransfersRecurring';

export const SCHEMA = 'sync';

// The sync worker works in SQL (bulk statements); it maps no entities.
export function dataSourceOptions(config: SyncConfig): DataSourceOptions {
  return serviceDataSourceOptions({
    url: config.DATABASE_URL,
    schema: SCHEMA,
    entities: [],
    migrations: [
      CreateSyncSchema1763900200000,
      SyncCoordination1763900300000,
      RateLimitsAndBreaker1763900400000,
      ItemOwnersAndInstitutionNames1764400000000,
      TransactionChangeLog1764600000000,
      AccountLifecycleAndBalances1765000000000,
      EditsRulesTransfersRecurring1765100000000,
    ],
    migrationsRun: config.RUN_MIGRATIONS,
    poolSize: config.DB_POOL_SIZE,
  });
}
