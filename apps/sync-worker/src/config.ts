import { PlaidServiceConfig } from '@app/plaid';
import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';

export class SyncConfig extends PlaidServiceConfig {
  @Matches(/^[A-Z]{2}(,[A-Z]{2})*$/, { message: 'comma-separated ISO country codes, e.g. US,CA' })
  PLAID_COUNTRY_CODES = 'US';

  // How long an institution's name is trusted before /institutions/get_by_id is asked again.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  INSTITUTION_CACHE_SECONDS = 24 * 3600;

  // Restarts of one sync run after TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION before giving up (and retrying later).
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(20)
  SYNC_MAX_RESTARTS = 3;
}

export const CONFIG = Symbol('CONFIG');
