import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CATEGORY_CODES } from './categories';

// What a rule matches; every given criterion must hold (at least one is required).
export class RuleMatchDto {
  @ApiPropertyOptional({ description: 'Equal to the merchant name, ignoring case' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  merchantName?: string;

  @ApiPropertyOptional({ description: 'Contained in the transaction name, ignoring case' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  nameContains?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ type: Number, description: 'Inclusive; Plaid sign (positive is money out)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  amountMin?: number;

  @ApiPropertyOptional({ type: Number, description: 'Inclusive; Plaid sign (positive is money out)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  amountMax?: number;

  @ApiPropertyOptional({ description: "Plaid's category, primary or detailed", example: 'TRANSFER_OUT' })
  @IsOptional()
  @IsIn(CATEGORY_CODES, { message: 'plaidCategory must be one of GET /v1/categories' })
  plaidCategory?: string;
}

// What a matching rule sets (at least one field).
export class RuleSetDto {
  @ApiPropertyOptional({
    description: 'A category of GET /v1/categories',
    example: 'RENT_AND_UTILITIES_RENT',
  })
  @IsOptional()
  @IsIn(CATEGORY_CODES, { message: 'category must be one of GET /v1/categories' })
  category?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  hidden?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  excludeFromSpending?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  displayName?: string;
}

export class CreateRuleDto {
  @ApiProperty({ example: 'Rent' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({
    description: 'Lower runs first; per field, the first matching rule wins',
    default: 100,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority?: number;

  @ApiProperty({ type: RuleMatchDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RuleMatchDto)
  match: RuleMatchDto;

  @ApiProperty({ type: RuleSetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RuleSetDto)
  set: RuleSetDto;

  @ApiPropertyOptional({
    description: 'Also re-apply your rules to the transactions you already have (default: only new ones)',
  })
  @IsOptional()
  @IsBoolean()
  applyToExisting?: boolean;
}

export class UpdateRuleDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ type: RuleMatchDto, description: 'Replaces the whole match' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RuleMatchDto)
  match?: RuleMatchDto;

  @ApiPropertyOptional({ type: RuleSetDto, description: 'Replaces the whole set' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RuleSetDto)
  set?: RuleSetDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  applyToExisting?: boolean;
}

export class DeleteRuleQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'Re-apply the remaining rules to existing transactions (default false)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'applyToExisting must be true or false' })
  applyToExisting?: boolean;
}

export class RuleDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  priority: number;

  @ApiProperty({ type: RuleMatchDto })
  match: RuleMatchDto;

  @ApiProperty({ type: RuleSetDto })
  set: RuleSetDto;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class RuleListDto {
  @ApiProperty({ type: [RuleDto] })
  data: RuleDto[];
}

export class RuleCreateRequest extends CreateRuleDto {
  @IsUUID()
  userId: string;
}

export class RuleUpdateRequest extends UpdateRuleDto {
  @IsUUID()
  userId: string;

  @IsUUID()
  id: string;
}

export class RuleRef {
  @IsUUID()
  userId: string;

  @IsUUID()
  id: string;

  @IsOptional()
  @IsBoolean()
  applyToExisting?: boolean;
}

export class RulesListRequest {
  @IsUUID()
  userId: string;
}
