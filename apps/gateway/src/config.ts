import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { BROKER_URLS_MESSAGE, BROKER_URLS_PATTERN, envBoolean, JwtKeysConstraint } from '@app/common';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
} from 'class-validator';
import { parseCorsOrigins } from './http/browser-security';
import { parseTrustProxy, type TrustProxy } from './http/trust-proxy';

export class GatewayConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(BROKER_URLS_PATTERN, { message: BROKER_URLS_MESSAGE })
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

  @Matches(/^[A-Za-z0-9._-]*$/)
  QUEUE_PREFIX = '';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

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

  // The longest life of an access token (auth's ACCESS_TOKEN_TTL_SECONDS): no revocation is kept longer.
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(900)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  // Lifetime of a browser session's refresh cookie (X-Session-Mode: cookie): auth's REFRESH_TOKEN_TTL_SECONDS.
  // A shorter one only ends browser sessions earlier; auth refuses an expired token whatever the cookie says.
  @Type(() => Number)
  @IsInt()
  @Min(60)
  REFRESH_COOKIE_MAX_AGE_SECONDS = 30 * 24 * 3600;

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

  // Which X-Forwarded-For hops to believe when computing the client address (the login and webhook limiters key
  // on it): `false`, a hop count (`1` = one load balancer in front), or proxy addresses/CIDR ranges
  // (`10.0.0.0/8,192.168.0.0/16`). `true` believes the leftmost entry, which the client chooses: only for tests.
  @Transform(({ value }: { value: unknown }) => parseTrustProxy(value))
  @IsDefined({
    message: 'must be true, false, a hop count or a comma-separated list of addresses/CIDR ranges',
  })
  TRUST_PROXY: TrustProxy = false;

  // Every route but the webhook takes small JSON bodies: a big one costs CPU before any check can refuse it.
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 32 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

  // Checked while the raw body is scanned, before JSON.parse and any DTO transformation.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  JSON_MAX_DEPTH = 32;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  JSON_MAX_KEYS = 1000;

  // Port of the operators' server (GET /metrics, GET /health/ready with details); never the public PORT.
  // 0 = no such server.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT = 9464;

  // Swagger UI and /docs/openapi.json on the public port.
  @Transform(envBoolean)
  @IsBoolean()
  DOCS_ENABLED = true;

  // How long a Plaid webhook key without an expiry is trusted before it is re-read (a rotation takes effect
  // on every instance within this time).
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  WEBHOOK_KEY_CACHE_SECONDS = 60;

  // Look-ups of key ids not in the cache (each a broker round trip and a Plaid call), for all senders together.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_KEY_LOOKUPS_PER_SECOND = 1;

  // Webhook requests per source address per minute; Plaid sends far fewer.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WEBHOOK_RATE_LIMIT_PER_MINUTE = 600;

  // Browser origins (exact `scheme://host[:port]`, comma-separated) allowed to call the API, with credentials.
  // Empty: same-origin only, no CORS header on any answer. Never `*`.
  @Transform(({ value }: { value: unknown }) => parseCorsOrigins(value))
  @IsDefined({ message: 'must be a comma-separated list of exact origins (scheme://host[:port]), never *' })
  CORS_ORIGINS: string[] = [];

  // How long a browser may reuse a preflight answer; Chromium caps it at 7200, Firefox at 86400.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86400)
  CORS_MAX_AGE_SECONDS = 600;

  // GET /v1/events: a comment this often keeps proxies from closing an idle stream.
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(300_000)
  STREAM_KEEPALIVE_MS = 15_000;

  // Bytes a stream's client may leave unread before the gateway closes the stream (it resumes with Last-Event-ID).
  @Type(() => Number)
  @IsInt()
  @Min(4096)
  STREAM_MAX_BUFFER_BYTES = 256 * 1024;

  // Open event streams per user on this instance (429 past it).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  STREAM_MAX_PER_USER = 10;

  // The built web app served at `/` (relative to the working directory); absent = the API alone.
  @IsString()
  WEB_DIR = 'dist/web';

  // Which Link the web app opens (GET /v1/config): Plaid's (real keys) or the emulator's stand-in page at
  // LINK_EMULATOR_URL, the emulator's address as the browser reaches it.
  @IsIn(['emulator', 'plaid'])
  LINK_MODE: 'emulator' | 'plaid' = 'emulator';

  @Matches(/^https?:\/\/[^/]+$/, { message: 'must be an origin (http[s]://host[:port], no path)' })
  LINK_EMULATOR_URL = 'http://localhost:8090';

  // On SIGTERM: how long in-flight HTTP requests may take before the process exits anyway (exit 0; a message not
  // finished by then returns to its queue). Below the orchestrator's kill timeout (Kubernetes: 30 s).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600)
  SHUTDOWN_GRACE_SECONDS = 20;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

// The validated config, built once in main.ts, for every feature module.
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
