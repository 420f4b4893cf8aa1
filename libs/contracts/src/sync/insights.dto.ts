import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsCalendarDate } from '../calendar-date';

export const SPENDING_GROUPS = ['category', 'merchant', 'month'] as const;
export type SpendingGroupBy = (typeof SPENDING_GROUPS)[number];

export class SpendingQueryDto {
  @ApiPropertyOptional({ format: 'date', description: 'Inclusive, YYYY-MM-DD' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Inclusive, YYYY-MM-DD' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ enum: SPENDING_GROUPS, default: 'category' })
  @IsOptional()
  @IsIn(SPENDING_GROUPS)
  groupBy?: SpendingGroupBy;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  itemId?: string;
}

export class SpendingRequest extends SpendingQueryDto {
  @IsUUID()
  userId: string;
}

export class SpendingGroupDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Primary category, merchant (your display name, else the merchant, else the name) or YYYY-MM',
  })
  key: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'ISO code, else the unofficial code' })
  currency: string | null;

  @ApiProperty({ description: 'Money out (sum of positive amounts)' })
  outflow: number;

  @ApiProperty({ description: 'Money in (sum of negative amounts, as a positive number)' })
  inflow: number;

  @ApiProperty()
  count: number;
}

export class SpendingTotalDto {
  @ApiProperty({ nullable: true, type: String })
  currency: string | null;

  @ApiProperty()
  outflow: number;

  @ApiProperty()
  inflow: number;

  @ApiProperty()
  count: number;
}

// Hidden transactions, those excluded from spending and both halves of a transfer pair are left out.
export class SpendingDto {
  @ApiProperty({ enum: SPENDING_GROUPS })
  groupBy: SpendingGroupBy;

  @ApiProperty({
    type: [SpendingGroupDto],
    description: 'Largest outflow first; one row per group and currency',
  })
  groups: SpendingGroupDto[];

  @ApiProperty({
    type: [SpendingTotalDto],
    description: 'One row per currency (never summed across currencies)',
  })
  totals: SpendingTotalDto[];
}
