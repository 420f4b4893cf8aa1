import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ServiceBaseConfig } from '@app/common';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';

export class AuthConfig extends ServiceBaseConfig {
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET: string;

  // Seals passwords and tokens on the broker (Sealer); its own secret, so that it never doubles as the JWT key.
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  BROKER_SEALING_SECRET: string;

  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(900, { message: 'access tokens live at most 15 minutes' })
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(300)
  REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT_PER_EMAIL = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT_PER_IP = 100;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_WINDOW_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(8192)
  ARGON2_MEMORY_KIB = 19456;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  ARGON2_TIME_COST = 2;
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

// The config validated at boot, visible to every feature module without each one re-providing it.
@Global()
@Module({})
export class AuthConfigModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthConfigModule,
      providers: [{ provide: AUTH_CONFIG, useValue: config }],
      exports: [AUTH_CONFIG],
    };
  }
}
