import { ApiProperty } from '@nestjs/swagger';

// The answer of login and refresh in a browser session: the refresh token went into the cookie.
export class AccessTokenDto {
  @ApiProperty({ description: 'JWT, valid for `expiresIn` seconds.' })
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ example: 900 })
  expiresIn: number;
}
