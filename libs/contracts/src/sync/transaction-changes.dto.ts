import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IsTransactionChangesCursor } from './transaction-changes-cursor';
import { TransactionDto } from './transactions.dto';

export const TRANSACTION_CHANGES_MAX_LIMIT = 500;

export class TransactionChangesQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page; none: from the beginning' })
  @IsOptional()
  @IsTransactionChangesCursor()
  cursor?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: TRANSACTION_CHANGES_MAX_LIMIT, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(TRANSACTION_CHANGES_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this item; the cursor is bound to this filter' })
  @IsOptional()
  @IsUUID()
  itemId?: string;
}

export class TransactionChangesRequest extends TransactionChangesQueryDto {
  @IsUUID()
  userId: string;
}

export class RemovedTransactionDto {
  @ApiProperty({ description: "Plaid's transaction_id" })
  id: string;
}

export class TransactionChangesDto {
  @ApiProperty({ type: [TransactionDto], description: 'New since the cursor: upsert' })
  added: TransactionDto[];

  @ApiProperty({ type: [TransactionDto], description: 'Changed since the cursor: upsert' })
  modified: TransactionDto[];

  @ApiProperty({
    type: [RemovedTransactionDto],
    description: 'Gone since the cursor: delete (may be unknown)',
  })
  removed: RemovedTransactionDto[];

  @ApiProperty({ description: 'Pass as `cursor` next time; store it with the data it brought' })
  nextCursor: string;

  @ApiProperty({ description: 'More changes are ready now: ask again with nextCursor' })
  hasMore: boolean;
}
