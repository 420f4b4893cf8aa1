import { serviceDataSourceOptions } from '@app/database';
import { type DataSourceOptions } from 'typeorm';
import { type LinkConfig } from '../config';
import { Item } from '../items/item.entity';
import { CreateLinkSchema1763900100000 } from './migrations/1763900100000-CreateLinkSchema';
import { ExchangeClaimsAndRateLimits1764500000000 } from './migrations/1764500000000-ExchangeClaimsAndRateLimits';
import { UserEventLog1764700000000 } from './migrations/1764700000000-UserEventLog';
import { ItemPlaidFreshness1765000100000 } from './migrations/1765000100000-ItemPlaidFreshness';

export const SCHEMA = 'link';

export function dataSourceOptions(config: LinkConfig): DataSourceOptions {
  return serviceDataSourceOptions({
    url: config.DATABASE_URL,
    schema: SCHEMA,
    entities: [Item],
    migrations: [
      CreateLinkSchema1763900100000,
      ExchangeClaimsAndRateLimits1764500000000,
      UserEventLog1764700000000,
      ItemPlaidFreshness1765000100000,
    ],
    migrationsRun: config.RUN_MIGRATIONS,
    poolSize: config.DB_POOL_SIZE,
  });
}
