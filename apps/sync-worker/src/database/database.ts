import { serviceDataSourceOptions } from '@app/database';
import { type DataSourceOptions } from 'typeorm';
import { type SyncConfig } from '../config';

export const SCHEMA = 'sync';

export function dataSourceOptions(config: SyncConfig): DataSourceOptions {
  return serviceDataSourceOptions({
    url: config.DATABASE_URL,
    schema: SCHEMA,
    entities: [],
    migrations: [],
    migrationsRun: config.RUN_MIGRATIONS,
    poolSize: config.DB_POOL_SIZE,
  });
}
