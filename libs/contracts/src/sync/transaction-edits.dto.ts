import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmpty, IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { CATEGORY_CODES } from './categories';

// PATCH /v1/transactions/:id. A field left out stays as it is; null clears your edit of it (Plaid's value, or a
// rule's, shows again). Stored apart from Plaid's data: every later sync keeps it.
export class TransactionEditDto {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'A Plaid personal finance category, primary or detailed (GET /v1/categories)',
    example: 'FOOD_AND_DRINK_COFFEE',
  })
  @IsOptional()
  @IsIn(CATEGORY_CODES, { message: 'category must be one of GET /v1/categories (primary or detailed)' })
  category?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Boolean })
  @IsOptional()
  @IsBoolean()
  hidden?: boolean | null;

  @ApiPropertyOptional({ nullable: true, type: Boolean })
  @IsOptional()
  @IsBoolean()
  excludeFromSpending?: boolean | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  displayName?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Only null: unpair a transfer (both halves; later syncs do not pair them again)',
  })
  @ValidateIf((o: TransactionEditDto) => o.transferPairId !== undefined && o.transferPairId !== null)
  @IsEmpty({ message: 'transferPairId can only be null (to unpair)' })
  transferPairId?: null;
}

export class TransactionEditRequest extends TransactionEditDto {
  @IsUUID()
  userId: string;

  @IsString()
  @Length(1, 200)
  id: string;
}

export class TransactionRef {
  @IsUUID()
  userId: string;

  @IsString()
  @Length(1, 200)
  id: string;
}
