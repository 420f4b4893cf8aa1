import { Transform, Type } from 'class-transformer';
import { BROKER_URLS_MESSAGE, BROKER_URLS_PATTERN, QUEUE_TYPES, type QueueType } from './broker-urls';
import { envBoolean } from './config';
import { IsBoolean, IsIn, IsInt, Matches, Max, Min } from 'class-validator';

// The variables every broker-and-database service reads; each app's config extends it.
export class ServiceBaseConfig {
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plaid_backend';

  @Matches(BROKER_URLS_PATTERN, { message: BROKER_URLS_MESSAGE })
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

  // The type of every durable queue the service declares (events, retry tiers, dead letters, RPC): quorum queues
  // are replicated across a cluster's nodes; classic for a broker that cannot have them.
  @IsIn(QUEUE_TYPES)
  QUEUE_TYPE: QueueType = 'quorum';

  // Prefixes every queue and exchange name: isolates deployments (and test runs) sharing one broker.
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'letters, digits, dot, dash and underscore only' })
  QUEUE_PREFIX = '';

  @Transform(envBoolean)
  @IsBoolean()
  RUN_MIGRATIONS = true;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  RPC_PREFETCH = 32;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_POOL_SIZE = 10;

  // Port of the service's small HTTP server (GET /health, GET /metrics); 0 = no HTTP server.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 0;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  EVENTS_PREFETCH = 10;

  // Delays of the retry tiers of the service's events queue (each tier is a queue with that TTL).
  @Matches(/^\d{2,9}(,\d{2,9}){0,9}$/, {
    message: 'comma-separated delays in milliseconds, e.g. 1000,10000,60000',
  })
  EVENT_RETRY_DELAYS_MS = '1000,10000,60000,300000';

  // Deliveries of one event before it goes to the dead-letter queue.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  EVENT_MAX_ATTEMPTS = 6;

  retryPolicy(): { tiersMs: number[]; maxAttempts: number } {
    return {
      tiersMs: this.EVENT_RETRY_DELAYS_MS.split(',').map(Number),
      maxAttempts: this.EVENT_MAX_ATTEMPTS,
    };
  }
}
