import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
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

// sync-worker → plaid-link: what a refresh learned about the item (metadata, errors, a successful sync).
export class ItemRefreshedEvent {
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
