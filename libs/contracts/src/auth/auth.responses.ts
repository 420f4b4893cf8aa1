import { ApiProperty } from '@nestjs/swagger';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'JWT, valid for `expiresIn` seconds.' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque, single use; rotates on every refresh.' })
  refreshToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ example: 900 })
  expiresIn: number;
}

// Claims of our access tokens.
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  typ: 'access';
}

// The token pair as auth answers over the broker; the gateway opens it for the client.
export interface SealedTokenPair {
  sealedAccessToken: string;
  sealedRefreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}
