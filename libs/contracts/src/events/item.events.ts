import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ITEM_STATUSES, type ItemStatusValue } from '../link/link.dto';

// plaid-link → sync-worker, from the outbox, when an item has been linked (or its token re-keyed).
// The access token travels encrypted (AES-256-GCM, bound to the Plaid item id); never in plaintext.
export class ItemLinkedEvent {
  @IsUUID()
  itemId: string;

  @IsUUID()
  userId: string;

  @IsString()
  @Length(1, 128)
  plaidItemId: string;

  @IsString()
  @Length(10, 1024)
  encryptedAccessToken: string;
}

// plaid-link → sync-worker: the item is gone; delete its accounts and transactions.
export class ItemRemovedEvent {
  @IsUUID()
  itemId: string;

  @IsUUID()
  userId: string;
}

export class ItemErrorPayload {
  @IsString()
  code: string;

  @IsString()
  message: string;
}

// A field that must be present and may be null: absence is a validation error, never a meaning.
const presentOrNull = ValidateIf((_: object, value: unknown) => value !== null);

// An item-level problem and the item status it implies (ITEM_LOGIN_REQUIRED → login_required, …).
export class ItemProblemPayload {
  @IsString()
  @Length(1, 64)
  code: string;

  // Plaid's display_message, or our own wording; never Plaid's error_message.
  @IsString()
  @Length(1, 1024)
  message: string;

  @IsIn(ITEM_STATUSES)
  status: ItemStatusValue;
}

// sync-worker → plaid-link: what /item/get (and the institution cache) said about the item just now.
export class ItemMetadataRefreshedEvent {
  @IsUUID()
  itemId: string;

  @presentOrNull
  @IsString()
  @Length(1, 128)
  institutionId: string | null;

  @presentOrNull
  @IsString()
  @Length(1, 256)
  institutionName: string | null;

  @presentOrNull
  @IsISO8601()
  consentExpiresAt: string | null;

  // Plaid's item.error at the time of the refresh; null: Plaid reports none.
  @presentOrNull
  @IsObject()
  @ValidateNested()
  @Type(() => ItemProblemPayload)
  error: ItemProblemPayload | null;

  @IsISO8601()
  refreshedAt: string;

  // Plaid's own freshness (/item/get → status.transactions.last_successful_update); null: Plaid gives none.
  // Optional only while sync-workers of the previous release (which never send it) may still publish.
  @IsOptional()
  @IsISO8601()
  plaidLastUpdatedAt?: string | null;

  // The owner's account selection (update mode) was applied by this refresh: Plaid's NEW_ACCOUNTS_AVAILABLE is
  // answered. Optional for the same reason as plaidLastUpdatedAt.
  @IsOptional()
  @IsBoolean()
  accountSelectionApplied?: boolean;
}

// sync-worker → plaid-link: one sync run committed (cursor stored); the counts are that run's.
export class ItemSyncedEvent {
  @IsUUID()
  itemId: string;

  @IsISO8601()
  syncedAt: string;

  @IsInt()
  @Min(0)
  added: number;

  @IsInt()
  @Min(0)
  modified: number;

  @IsInt()
  @Min(0)
  removed: number;

  // The user's delta cursor (GET /v1/transactions/changes) right after this run's last page; absent from a
  // sync worker of the previous release.
  @IsOptional()
  @IsString()
  @Length(1, 512)
  changesCursor?: string;
}

// sync-worker → plaid-link, committed with the change: the item's accounts were added, removed or their balances
// changed. `changedAt` tells one change from a redelivery of the same message.
export class ItemAccountsChangedEvent {
  @IsUUID()
  itemId: string;

  @IsISO8601()
  changedAt: string;
}

// sync-worker → plaid-link: the user changed transactions of the item (committed with the change): the feed gets
// transactions.changed with the user's delta cursor right after it. Keyed by editedAt: a redelivery adds nothing.
export class TransactionsEditedEvent {
  @IsUUID()
  itemId: string;

  @IsInt()
  @Min(0)
  modified: number;

  @IsString()
  @Length(1, 512)
  changesCursor: string;

  @IsISO8601()
  editedAt: string;
}

// sync-worker → plaid-link: the Plaid failure policy recorded an item-level error (the user must act, or the
// retries are used up).
export class ItemErrorRecordedEvent {
  @IsUUID()
  itemId: string;

  @IsObject()
  @ValidateNested()
  @Type(() => ItemProblemPayload)
  error: ItemProblemPayload;

  @IsISO8601()
  recordedAt: string;
}

// DEPRECATED (sync.item.refreshed.v1): what sync-workers of the previous release still publish. plaid-link keeps
// consuming it during a rolling upgrade and translates it into the three events below; nothing publishes it now.
export class LegacyItemRefreshedEvent {
  @IsUUID()
  itemId: string;

  @IsOptional()
  @IsString()
  institutionId?: string | null;

  @IsOptional()
  @IsString()
  institutionName?: string | null;

  @IsOptional()
  @IsISO8601()
  consentExpiresAt?: string | null;

  // Set when the refresh met an item-level error; null clears a previous one.
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ItemErrorPayload)
  error?: ItemErrorPayload | null;

  @IsOptional()
  @IsIn(ITEM_STATUSES)
  status?: ItemStatusValue;

  @IsOptional()
  @IsISO8601()
  syncedAt?: string;

  @IsOptional()
  @IsBoolean()
  metadata?: boolean;
}

// plaid-link → sync-worker: delete data the user revoked: the whole item's, or one account's.
export class ItemDataRevokedEvent {
  @IsUUID()
  itemId: string;

  @IsOptional()
  @IsString()
  plaidAccountId?: string;
}

export const SYNC_REASONS = ['webhook', 'manual', 'scheduled', 'linked'] as const;

// Ask the sync worker to pull an item's changes (coalesced: one run plus at most one follow-up).
export class SyncRequestedEvent {
  @IsUUID()
  itemId: string;

  @IsIn(SYNC_REASONS)
  reason: (typeof SYNC_REASONS)[number];
}

// A verified Plaid webhook as the gateway received it. `body` is Plaid's JSON, untouched.
export class PlaidWebhookEvent {
  @IsString()
  @Length(1, 64)
  webhookType: string;

  @IsString()
  @Length(1, 64)
  webhookCode: string;

  @IsOptional()
  @IsString()
  plaidItemId?: string | null;

  @IsObject()
  body: Record<string, unknown>;

  @IsISO8601()
  receivedAt: string;
}
