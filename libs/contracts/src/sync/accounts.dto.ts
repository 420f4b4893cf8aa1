import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class AccountsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  itemId?: string;
}

export class AccountsListRequest extends AccountsQueryDto {
  @IsUUID()
  userId: string;
}

export class BalancesDto {
  @ApiProperty({ nullable: true, type: Number })
  available: number | null;

  @ApiProperty({ nullable: true, type: Number })
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

  @ApiProperty({ example: 'Plaid Checking' })
  name: string;

  @ApiProperty({ nullable: true, type: String })
  officialName: string | null;

  @ApiProperty({ nullable: true, type: String, example: '0000' })
  mask: string | null;

  @ApiProperty({ example: 'depository' })
  type: string;

  @ApiProperty({ nullable: true, type: String, example: 'checking' })
  subtype: string | null;

  @ApiProperty({ type: BalancesDto })
  balances: BalancesDto;
}

export class AccountListDto {
  @ApiProperty({ type: [AccountDto] })
  data: AccountDto[];
}
