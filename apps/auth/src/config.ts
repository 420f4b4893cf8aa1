import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Type } from 'class-transformer';
import { JwtKeysConstraint, ServiceBaseConfig } from '@app/common';
import { IsInt, IsOptional, IsString, Max, Min, MinLength, Validate } from 'class-validator';

export class AuthConfig extends ServiceBaseConfig {
  // One HS256 key (kid "default"); JWT_KEYS instead for rotation. Exactly one of the two is set.
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  // "kid:secret[,kid:secret...]": auth signs with the first, the gateway accepts all of them (rotation).
  @Validate(JwtKeysConstraint)
  JWT_KEYS?: string;

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

  // Hard limits (429 until the window ends): per email and client address, and per client address. A stranger's
  // guesses fill only the stranger's own buckets, so they cannot lock the owner out.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT_PER_IP = 100;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_WINDOW_SECONDS = 900;

  // The soft per-email limit: after this many failed logins of one email in a window, guesses from addresses the
  // account has not signed in from are spaced out by a delay that doubles from LOGIN_EMAIL_DELAY_SECONDS up to
  // LOGIN_EMAIL_DELAY_MAX_SECONDS. Addresses the owner used before are never delayed.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_EMAIL_DELAY_AFTER_FAILURES = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  LOGIN_EMAIL_DELAY_SECONDS = 2;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60, { message: 'a delay longer than a minute is a lockout' })
  LOGIN_EMAIL_DELAY_MAX_SECONDS = 30;

  // Signups hash a password (~37 ms of CPU each): a flood from one address is refused before any hashing.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SIGNUP_RATE_LIMIT_PER_IP = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  SIGNUP_RATE_WINDOW_SECONDS = 3600;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  REFRESH_RATE_LIMIT_PER_SESSION = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  REFRESH_RATE_WINDOW_SECONDS = 60;

  // How long a ticket for GET /v1/events?ticket= stays redeemable (once).
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(300)
  STREAM_TICKET_TTL_SECONDS = 30;

  // Unredeemed, unexpired stream tickets one session may hold (429 past it).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  STREAM_TICKETS_PER_SESSION = 20;

  // How often expired sessions, dead refresh tokens, throttle windows and stream tickets are deleted (0 = never).
  @Type(() => Number)
  @IsInt()
  @Min(0)
  PRUNE_INTERVAL_SECONDS = 300;

  // An account deletion whose current step has not moved for this long gets that step's event again (a message
  // dead-lettered after its retries, e.g. Plaid down for long); also how often that is checked. 0 = never.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  DELETION_REDRIVE_SECONDS = 300;

  // A used refresh token is kept this long so that its reuse is still detected (and revokes the session).
  @Type(() => Number)
  @IsInt()
  @Min(3600)
  USED_REFRESH_TOKEN_RETENTION_SECONDS = 7 * 24 * 3600;

  @Type(() => Number)
  @IsInt()
  @Min(8192)
  ARGON2_MEMORY_KIB = 19456;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  ARGON2_TIME_COST = 2;

  // On SIGTERM: how long the messages in hand (RPCs, events, a sync) may take before the process exits anyway (exit 0; a message not
  // finished by then returns to its queue). Below the orchestrator's kill timeout (Kubernetes: 30 s).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600)
  SHUTDOWN_GRACE_SECONDS = 20;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

// The config validated at boot, visible to every feature module without each one re-providing it.
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
