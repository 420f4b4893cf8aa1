import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, Length } from 'class-validator';

// --- HTTP bodies ---
export class CreateLinkTokenDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'One of your items: the token opens Link in update mode for it.',
  })
  @IsOptional()
  @IsUUID()
  itemId?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'With itemId: update mode with account selection (Plaid update.account_selection_enabled), for sharing new ' +
      'accounts or unsharing some. Afterwards call POST /v1/items/{id}/accounts/refresh.',
  })
  @IsOptional()
  @IsBoolean()
  accountSelection?: boolean;
}

export class ExchangePublicTokenDto {
  @ApiProperty({
    example: 'public-sandbox-6c2c...',
    description: 'The public_token Plaid Link handed to the frontend.',
  })
  @IsString()
  @Length(10, 256)
  publicToken: string;
}

// --- RPC payloads (the gateway adds the authenticated user's id) ---
export class LinkTokenRequest extends CreateLinkTokenDto {
  @IsUUID()
  userId: string;
}

export class ExchangeRequest extends ExchangePublicTokenDto {
  @IsUUID()
  userId: string;
}

export class UserScope {
  @IsUUID()
  userId: string;
}

export class ItemRef {
  @IsUUID()
  userId: string;

  @IsUUID()
  itemId: string;
}

// --- responses ---
export class LinkTokenDto {
  @ApiProperty({ example: 'link-sandbox-af1a0311-...' })
  linkToken: string;

  @ApiProperty({ format: 'date-time' })
  expiration: string;
}

export const ITEM_STATUSES = [
  'pending',
  'healthy',
  'login_required',
  'expiring',
  'revoked',
  'error',
] as const;
// The one list of an item's statuses: the DTOs, the events, the Plaid error map and plaid-link's items use it.
export type ItemStatusValue = (typeof ITEM_STATUSES)[number];

export class ItemErrorDto {
  @ApiProperty({ example: 'ITEM_LOGIN_REQUIRED' })
  code: string;

  @ApiProperty({ example: 'The login details of this item have changed.' })
  message: string;
}

export class ItemDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ nullable: true, type: String, example: 'ins_109508' })
  institutionId: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'First Platypus Bank' })
  institutionName: string | null;

  @ApiProperty({ enum: ITEM_STATUSES })
  status: ItemStatusValue;

  @ApiProperty({ type: ItemErrorDto, nullable: true })
  error: ItemErrorDto | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  consentExpiresAt: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Our last successful sync' })
  lastSyncedAt: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      "Plaid's last successful update from the bank (/item/get status.transactions.last_successful_update)",
  })
  plaidLastUpdatedAt: string | null;

  @ApiProperty({
    description:
      'The data is older than ITEM_STALE_AFTER_HOURS (our last sync or Plaid’s last update from the bank)',
  })
  stale: boolean;

  @ApiProperty({ description: 'Plaid found accounts the user has not shared yet: offer Link update mode.' })
  newAccountsAvailable: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class ExchangeResultDto {
  @ApiProperty({ type: ItemDto })
  item: ItemDto;
}

export class ItemListDto {
  @ApiProperty({ type: [ItemDto] })
  data: ItemDto[];
}
