import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { envBoolean } from '@app/common';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';

export class GatewayConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^amqps?:\/\//, { message: 'must be an amqp:// URL' })
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

  @Matches(/^[A-Za-z0-9._-]*$/)
  QUEUE_PREFIX = '';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET: string;

  // Seals passwords and tokens on the broker (Sealer); its own secret, so that it never doubles as the JWT key.
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  BROKER_SEALING_SECRET: string;

  // The longest life of an access token (auth's ACCESS_TOKEN_TTL_SECONDS): no revocation is kept longer.
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(900)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  // The revocation list is re-read this often even when no broadcast went missing (a safety net).
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  REVOCATIONS_RELOAD_MS = 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60000)
  RPC_TIMEOUT_MS = 5000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(30000)
  HEALTH_TIMEOUT_MS = 2000;

  // Honour X-Forwarded-For (behind a load balancer) when computing the client address.
  @Transform(envBoolean)
  @IsBoolean()
  TRUST_PROXY = false;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  // How long a Plaid webhook key without an expiry is trusted before it is re-read (a rotation takes effect
  // on every instance within this time).
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  WEBHOOK_KEY_CACHE_SECONDS = 60;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

// The validated config, built once in main.ts, for every feature module.
@Global()
@Module({})
export class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayConfigModule,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
