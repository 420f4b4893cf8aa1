import { envBoolean } from '@app/common';
import { PlaidServiceConfig } from '@app/plaid';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, Matches, Max, Min } from 'class-validator';

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

  // POST /v1/items/:id/sync is refused (429) when the item's last manual request is more recent than this.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  MANUAL_SYNC_MIN_INTERVAL_SECONDS = 60;

  // The same limit while the item's last sync failed on an item-level error (login required, …): the sync that
  // follows a repair in Link's update mode must not wait out the minute, yet a broken item cannot be hammered.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  REPAIR_SYNC_MIN_INTERVAL_SECONDS = 5;

  // Items with no successful sync for this long are synced by the scheduler (webhooks can be lost).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  STALE_SYNC_HOURS = 24;

  // How often the scheduler looks for stale items; 0 turns it off.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  STALE_SYNC_CHECK_SECONDS = 600;

  // Calls to /transactions/sync per item per minute (Plaid's limit is 50); 0 = no limiter.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  PLAID_SYNC_CALLS_PER_MINUTE = 50;

  // How long an institution that Plaid reports down is left alone.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  INSTITUTION_PAUSE_SECONDS = 300;

  // The transaction change log (GET /v1/transactions/changes) keeps this long; older cursors answer 410.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  CHANGE_LOG_RETENTION_HOURS = 168;

  // How often one instance deletes log rows past retention, in batches of CHANGE_LOG_COMPACTION_BATCH; 0 = off.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  CHANGE_LOG_COMPACTION_SECONDS = 3600;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  CHANGE_LOG_COMPACTION_BATCH = 10_000;

  // POST /v1/items/:id/sync first asks Plaid to refresh the item (/transactions/refresh, billed per call by Plaid);
  // false: the manual sync only pulls what Plaid already has.
  @Transform(envBoolean)
  @IsBoolean()
  TRANSACTIONS_REFRESH_ON_MANUAL_SYNC = true;

  // With PLAID_WEBHOOK_URL empty (no public URL: no webhooks), every item is synced about this often (each item
  // at its own jittered moment, ±20%). Fractions are allowed (tests).
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.05)
  POLL_INTERVAL_MINUTES = 60;

  // POST /v1/accounts/balance/refresh (Plaid's real-time /accounts/balance/get) at most once per item this often.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  BALANCE_REFRESH_MIN_INTERVAL_SECONDS = 300;

  // A sync also asks /item/get (Plaid's own freshness) and reconciles the item's accounts with /accounts/get when
  // the last reconciliation is older than this (and always on a manual sync or after account selection).
  @Type(() => Number)
  @IsInt()
  @Min(0)
  ACCOUNTS_RECONCILE_MINUTES = 60;

  // On SIGTERM: how long the messages in hand (RPCs, events, a sync) may take before the process exits anyway (exit 0; a message not
  // finished by then returns to its queue). Below the orchestrator's kill timeout (Kubernetes: 30 s).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600)
  SHUTDOWN_GRACE_SECONDS = 20;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

// No webhook URL: Plaid can tell us nothing, so items are polled.
export function pollingMode(config: SyncConfig): boolean {
  return !config.PLAID_WEBHOOK_URL;
}
