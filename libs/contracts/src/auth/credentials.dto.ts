import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

const normalizeEmail = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class CredentialsDto {
  @ApiProperty({ example: 'ada@example.com', description: 'Trimmed and lower-cased.' })
  @Transform(normalizeEmail)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 8, maxLength: 128, example: 'correct horse battery' })
  @IsString()
  @Length(8, 128, { message: 'password must be 8 to 128 characters' })
  password: string;
}

export class SignupDto extends CredentialsDto {}
export class LoginDto extends CredentialsDto {}

// The gateway adds the client address so the auth service can rate-limit per address.
export class LoginRequest extends CredentialsDto {
  @IsString()
  @MaxLength(64)
  clientIp: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from the last login or refresh.' })
  @IsString()
  @Length(10, 512)
  refreshToken: string;
}

// --- RPC payloads: secrets cross the broker sealed (see Sealer in @app/common) ---
export class SealedSignupRequest {
  @IsEmail()
  @MaxLength(254)
  email: string;

  @IsString()
  @Length(20, 1024)
  sealedPassword: string;

  // For the per-address signup throttle. Optional for one release: a gateway of the previous release omits it.
  @IsOptional()
  @IsString()
  @MaxLength(64)
  clientIp?: string;
}

export class SealedLoginRequest {
  @IsEmail()
  @MaxLength(254)
  email: string;

  @IsString()
  @Length(20, 1024)
  sealedPassword: string;

  @IsString()
  @MaxLength(64)
  clientIp: string;

  // For the user's sessions list; absent from a gateway of the previous release.
  @IsOptional()
  @IsString()
  @MaxLength(512)
  userAgent?: string;
}

export class SealedRefreshRequest {
  @IsString()
  @Length(20, 2048)
  sealedRefreshToken: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  clientIp?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  userAgent?: string;
}
