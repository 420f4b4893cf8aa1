import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { CategoryDto } from './transactions.dto';

export class RecurringQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  itemId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;
}

export class RecurringListRequest extends RecurringQueryDto {
  @IsUUID()
  userId: string;
}

// One of Plaid's recurring streams (/transactions/recurring/get), as last fetched for its item.
export class RecurringStreamDto {
  @ApiProperty({ description: "Plaid's stream_id" })
  id: string;

  @ApiProperty({ format: 'uuid' })
  itemId: string;

  @ApiProperty({ format: 'uuid' })
  accountId: string;

  @ApiProperty({ nullable: true, type: String })
  merchantName: string | null;

  @ApiProperty()
  description: string;

  @ApiProperty({
    example: 'MONTHLY',
    description: 'WEEKLY, BIWEEKLY, SEMI_MONTHLY, MONTHLY, ANNUALLY or UNKNOWN',
  })
  frequency: string;

  @ApiProperty({ description: 'Plaid sign: positive is money out' })
  averageAmount: number;

  @ApiProperty()
  lastAmount: number;

  @ApiProperty({ nullable: true, type: String })
  isoCurrencyCode: string | null;

  @ApiProperty({ format: 'date' })
  firstDate: string;

  @ApiProperty({ format: 'date' })
  lastDate: string;

  @ApiProperty({ nullable: true, type: String, format: 'date' })
  predictedNextDate: string | null;

  @ApiProperty({ example: 'MATURE', description: 'MATURE, EARLY_DETECTION, TOMBSTONED or UNKNOWN' })
  status: string;

  @ApiProperty()
  isActive: boolean;

  @ApiProperty({
    type: CategoryDto,
    nullable: true,
    description: "Effective: your edit or a rule on its latest transaction, else Plaid's",
  })
  category: CategoryDto | null;

  @ApiProperty({ type: [String], description: "Plaid's ids of its transactions" })
  transactionIds: string[];
}

export class RecurringListDto {
  @ApiProperty({ type: [RecurringStreamDto] })
  inflows: RecurringStreamDto[];

  @ApiProperty({ type: [RecurringStreamDto] })
  outflows: RecurringStreamDto[];
}
