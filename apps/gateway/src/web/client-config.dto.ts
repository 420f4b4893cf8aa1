import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LinkConfigDto {
  @ApiProperty({ enum: ['plaid', 'emulator'] })
  mode: 'plaid' | 'emulator';

  @ApiPropertyOptional({ description: "The emulator's Link page origin (mode emulator)" })
  url?: string;
}

export class ClientConfigDto {
  @ApiProperty({ type: LinkConfigDto })
  link: LinkConfigDto;
}
