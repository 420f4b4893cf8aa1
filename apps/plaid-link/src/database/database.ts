import { serviceDataSourceOptions } from '@app/database';
import { type DataSourceOptions } from 'typeorm';
import { type LinkConfig } from '../config';

export const SCHEMA = 'link';

export function dataSourceOptions(config: LinkConfig): DataSourceOptions {
  return serviceDataSourceOptions({
    url: config.DATABASE_URL,
    schema: SCHEMA,
    entities: [],
    migrations: [],
    migrationsRun: config.RUN_MIGRATIONS,
    poolSize: config.DB_POOL_SIZE,
  });
}
