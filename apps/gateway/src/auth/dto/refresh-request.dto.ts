import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

// RefreshDto with the token optional: a browser session (X-Session-Mode: cookie) sends it in its cookie instead.
export class RefreshRequestDto {
  @ApiPropertyOptional({
    description: 'The refresh token from the last login or refresh; omitted with `X-Session-Mode: cookie`.',
  })
  @IsOptional()
  @IsString()
  @Length(10, 512)
  refreshToken?: string;
}
