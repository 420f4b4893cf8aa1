import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../calendar-date';
import { IsTransactionsCursor } from './transactions-cursor';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class TransactionsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  itemId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Inclusive, YYYY-MM-DD' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Inclusive, YYYY-MM-DD' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'pending must be true or false' })
  pending?: boolean;

  @ApiPropertyOptional({ type: Number, description: 'Plaid sign: positive is money out' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  minAmount?: number;

  @ApiPropertyOptional({ type: Number })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  maxAmount?: number;

  @ApiPropertyOptional({
    description: 'Case-insensitive match on name, merchant name, your display name or note',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  search?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsTransactionsCursor()
  cursor?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'Include the transactions you hid and those of accounts you hid (default false)',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'includeHidden must be true or false' })
  includeHidden?: boolean;
}

export class TransactionsListRequest extends TransactionsQueryDto {
  @IsUUID()
  userId: string;
}

export class CategoryDto {
  @ApiProperty({ nullable: true, type: String, example: 'FOOD_AND_DRINK' })
  primary: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'FOOD_AND_DRINK_COFFEE' })
  detailed: string | null;
}

export class TransactionDto {
  @ApiProperty({ description: "Plaid's transaction_id" })
  id: string;

  @ApiProperty({ format: 'uuid' })
  accountId: string;

  @ApiProperty({ format: 'uuid' })
  itemId: string;

  @ApiProperty({ description: 'Positive: money out; negative: money in' })
  amount: number;

  @ApiProperty({ nullable: true, type: String })
  isoCurrencyCode: string | null;

  @ApiProperty({ format: 'date' })
  date: string;

  @ApiProperty({ nullable: true, type: String, format: 'date' })
  authorizedDate: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  datetime: string | null;

  @ApiProperty()
  name: string;

  @ApiProperty({ nullable: true, type: String })
  merchantName: string | null;

  @ApiProperty()
  pending: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'For a posted transaction: the id of the pending one it replaced',
  })
  pendingTransactionId: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'in store' })
  paymentChannel: string | null;

  @ApiProperty({
    type: CategoryDto,
    nullable: true,
    description: "Effective category: your edit, else the first rule that sets one, else Plaid's",
  })
  category: CategoryDto | null;

  @ApiProperty({ nullable: true, type: String })
  logoUrl: string | null;

  @ApiProperty({ type: CategoryDto, nullable: true, description: 'The category Plaid gave (never edited)' })
  plaidCategory: CategoryDto | null;

  @ApiProperty({ nullable: true, type: String, description: 'Your note' })
  note: string | null;

  @ApiProperty({ description: 'Hidden from lists and totals (your edit, else a rule)' })
  hidden: boolean;

  @ApiProperty({ description: 'Left out of spending insights (your edit, else a rule)' })
  excludeFromSpending: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Your name for it (edit, else a rule); null: use name',
  })
  displayName: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description:
      'Shared with the other half of a transfer between two of your accounts (left out of spending)',
  })
  transferPairId: string | null;
}

export class TransactionPageDto {
  @ApiProperty({ type: [TransactionDto] })
  data: TransactionDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor: string | null;
}

export class SyncRequestAcceptedDto {
  @ApiProperty({ example: true })
  accepted: true;
}
