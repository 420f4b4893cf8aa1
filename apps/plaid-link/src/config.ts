import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PlaidServiceConfig } from '@app/plaid';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Matches, Min, MaxLength } from 'class-validator';

export class LinkConfig extends PlaidServiceConfig {
  // Shown by Plaid Link (at most 30 characters are displayed).
  @IsString()
  @MaxLength(30)
  PLAID_CLIENT_NAME = 'Plaid Backend';

  @Matches(/^[A-Z]{2}(,[A-Z]{2})*$/, { message: 'comma-separated ISO country codes, e.g. US,CA' })
  PLAID_COUNTRY_CODES = 'US';

  @Matches(/^[a-z]{2}$/)
  PLAID_LANGUAGE = 'en';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(730)
  PLAID_DAYS_REQUESTED = 730;

  // Per user and window: each link token and each exchange costs Plaid calls, and junk public tokens cost no less.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LINK_TOKEN_RATE_LIMIT = 20;

  // An item whose data (our last sync, or Plaid's last update from the bank) is older than this is `stale`, and
  // counted by the items_stale gauge for alerting.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  ITEM_STALE_AFTER_HOURS = 36;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  EXCHANGE_RATE_LIMIT = 20;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LINK_RATE_WINDOW_SECONDS = 60;

  // The change feed (GET /v1/events) keeps every event of the last FEED_RETENTION_HOURS and, older ones, at least
  // each user's last FEED_MIN_EVENTS: a client that resumes within either gets what it missed. Compaction runs
  // every FEED_COMPACT_INTERVAL_MS (0 = never).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  FEED_RETENTION_HOURS = 24;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  FEED_MIN_EVENTS = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  FEED_COMPACT_INTERVAL_MS = 600_000;

  // On SIGTERM: how long the messages in hand (RPCs, events, a sync) may take before the process exits anyway (exit 0; a message not
  // finished by then returns to its queue). Below the orchestrator's kill timeout (Kubernetes: 30 s).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600)
  SHUTDOWN_GRACE_SECONDS = 20;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

// The config validated at boot, visible to every feature module without each one re-providing it.
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: LinkConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
