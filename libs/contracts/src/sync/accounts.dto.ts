import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { IsCalendarDate } from '../calendar-date';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class AccountsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  itemId?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Include the accounts you hid (default false)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'includeHidden must be true or false' })
  includeHidden?: boolean;
}

export class AccountsListRequest extends AccountsQueryDto {
  @IsUUID()
  userId: string;
}

export const ACCOUNT_STATUSES = ['active', 'unlinked', 'closed', 'revoked'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

// Available and current are two different numbers and stay apart: `current` is the balance, `available` what can
// be spent now (null when the institution does not say).
export class BalancesDto {
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'What can be spent or withdrawn now; never "the balance"',
  })
  available: number | null;

  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'The balance (owed, for credit and loan accounts)',
  })
  current: number | null;

  @ApiProperty({ nullable: true, type: Number })
  limit: number | null;

  @ApiProperty({ nullable: true, type: String, example: 'USD' })
  isoCurrencyCode: string | null;
}

export class AccountDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  itemId: string;

  @ApiProperty({ example: 'Plaid Checking', description: "The institution's name for the account" })
  name: string;

  @ApiProperty({ nullable: true, type: String, description: 'Your own name for it (survives every sync)' })
  displayName: string | null;

  @ApiProperty({ nullable: true, type: String })
  officialName: string | null;

  @ApiProperty({ nullable: true, type: String, example: '0000' })
  mask: string | null;

  @ApiProperty({ example: 'depository' })
  type: string;

  @ApiProperty({ nullable: true, type: String, example: 'checking' })
  subtype: string | null;

  @ApiProperty({
    enum: ACCOUNT_STATUSES,
    description:
      'active; unlinked (you stopped sharing it); closed (gone at the bank on two checks a day apart); revoked (consent withdrawn, data deleted)',
  })
  status: AccountStatus;

  @ApiProperty({ description: 'Hidden accounts leave net worth and, unless includeHidden, the lists' })
  hidden: boolean;

  @ApiProperty({ type: BalancesDto })
  balances: BalancesDto;
}

export class AccountListDto {
  @ApiProperty({ type: [AccountDto] })
  data: AccountDto[];
}

// PATCH /v1/accounts/:id
export class UpdateAccountDto {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @IsBoolean()
  hidden?: boolean;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null restores the institution’s name' })
  @IsOptional()
  @ValidateIf((_: object, v: unknown) => v !== null)
  @IsString()
  @Length(1, 100)
  displayName?: string | null;
}

export class AccountUpdateRequest extends UpdateAccountDto {
  @IsUUID()
  userId: string;

  @IsUUID()
  accountId: string;
}

export class DateRangeQueryDto {
  @ApiPropertyOptional({
    format: 'date',
    description: 'Inclusive, YYYY-MM-DD (default: 30 days before `to`)',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Inclusive, YYYY-MM-DD (default: today, UTC)' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class AccountBalancesRequest extends DateRangeQueryDto {
  @IsUUID()
  userId: string;

  @IsUUID()
  accountId: string;
}

export class BalancePointDto {
  @ApiProperty({ format: 'date' })
  date: string;

  @ApiProperty({ nullable: true, type: Number })
  available: number | null;

  @ApiProperty({ nullable: true, type: Number })
  current: number | null;

  @ApiProperty({ nullable: true, type: Number })
  limit: number | null;

  @ApiProperty({ nullable: true, type: String })
  isoCurrencyCode: string | null;

  @ApiProperty({ description: 'No balance was learned that day: the last one before it is carried forward' })
  carriedForward: boolean;
}

export class AccountBalancesDto {
  @ApiProperty({ format: 'uuid' })
  accountId: string;

  @ApiProperty({
    type: [BalancePointDto],
    description: 'One point per day, from the first day the account was seen',
  })
  data: BalancePointDto[];
}

export const NET_WORTH_INTERVALS = ['day', 'week', 'month'] as const;
export type NetWorthInterval = (typeof NET_WORTH_INTERVALS)[number];

export class NetWorthQueryDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ enum: NET_WORTH_INTERVALS, default: 'day' })
  @IsOptional()
  @IsIn(NET_WORTH_INTERVALS)
  interval?: NetWorthInterval;
}

export class NetWorthRequest extends NetWorthQueryDto {
  @IsUUID()
  userId: string;
}

export class NetWorthPointDto {
  @ApiProperty({ format: 'date', description: 'The last day of the period (or `to`)' })
  date: string;

  @ApiProperty({ description: 'Depository, investment and other balances' })
  assets: number;

  @ApiProperty({
    description: 'Credit and loan balances, as positive amounts owed whatever sign the bank reports',
  })
  liabilities: number;

  @ApiProperty()
  netWorth: number;
}

export class NetWorthSeriesDto {
  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({ type: [NetWorthPointDto] })
  series: NetWorthPointDto[];
}

export class NetWorthDto extends NetWorthSeriesDto {
  @ApiProperty({
    type: [NetWorthSeriesDto],
    description: 'Accounts in other currencies, one series each (never added together)',
  })
  otherCurrencies: NetWorthSeriesDto[];
}

// POST /v1/accounts/balance/refresh
export class BalanceRefreshDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  itemId: string;
}

export class BalanceRefreshRequest extends BalanceRefreshDto {
  @IsUUID()
  userId: string;
}

// Sent by the gateway when it opens Link in update mode with account selection for an item.
export class AccountSelectionStartedRequest {
  @IsUUID()
  userId: string;

  @IsUUID()
  itemId: string;
}
