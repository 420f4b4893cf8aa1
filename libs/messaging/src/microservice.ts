import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit, type ServiceBaseConfig } from '@app/common';
import { DEFAULT_RETRY, type RetryPolicySettings, type Topology, topology } from '@app/contracts';
import { ensureSchema } from '@app/database';
import { AmqpConnection } from './amqp-connection';
import { assertEventQueues } from './event-topology';
import { MessagingModule } from './messaging.module';
import { rmqServerStrategy } from './rmq-server';
import { RmqAckInterceptor, RpcErrorFilter, rpcValidationPipe } from './rpc-server';

export interface ServiceAppSettings {
  url: string;
  rpcQueue: string;
  rpcPrefetch: number;
  // The service's events queue (with retry tiers and a dead-letter queue), when it consumes events.
  eventsQueue?: string;
  eventsPrefetch?: number;
  // A small HTTP server for /health (and metrics); 0 = none.
  httpPort?: number;
  httpHost?: string;
  retry?: RetryPolicySettings;
}

@Module({})
class ServiceRootModule {}

// Boots a service: the shared broker connection (MessagingModule) beside the app's module, its RPC queue,
// optionally its events queue (declared here, by its consumer), validated payloads, acks after handling,
// retries and dead letters for events, one error shape, graceful shutdown.
export async function startServiceApp(
  module: DynamicModule,
  s: ServiceAppSettings,
): Promise<INestApplication> {
  const retry = s.retry ?? DEFAULT_RETRY;
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [MessagingModule.forRoot({ url: s.url }), module],
  };
  const app = await NestFactory.create(root, new FastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const amqp = app.get(AmqpConnection);
  // A broker that is down at start fails the start (the supervisor restarts us) instead of serving nothing.
  await amqp.waitForConnect();
  if (s.eventsQueue) await assertEventQueues(amqp, s.eventsQueue, retry.tiersMs);
  // Registered on the app and inherited by both RMQ servers (Nest 12 refuses globals added after connecting).
  app.useGlobalPipes(rpcValidationPipe());
  app.useGlobalFilters(new RpcErrorFilter());
  const acks = new RmqAckInterceptor(amqp, retry);
  app.useGlobalInterceptors(acks);
  const inherit = { inheritAppConfig: true };
  app.connectMicroservice(
    rmqServerStrategy({ url: s.url, queue: s.rpcQueue, prefetch: s.rpcPrefetch }),
    inherit,
  );
  if (s.eventsQueue) {
    app.connectMicroservice(
      rmqServerStrategy(
        { url: s.url, queue: s.eventsQueue, prefetch: s.eventsPrefetch ?? 10 },
        (channel, message, pattern) => acks.deadLetterUnhandled(channel, message, pattern),
      ),
      inherit,
    );
  }
  await app.startAllMicroservices();
  if (s.httpPort) await app.listen(s.httpPort, s.httpHost ?? '0.0.0.0');
  else await app.init();
  return app;
}

export interface ServiceDefinition<C extends ServiceBaseConfig> {
  name: string;
  config: new () => C;
  schema: string;
  module: (config: C) => DynamicModule;
  rpcQueue: (t: Topology) => string;
  eventsQueue?: (t: Topology) => string;
}

// A service's main.ts: validated config (or one line and exit), its schema, its queues, then serve.
export function runService<C extends ServiceBaseConfig>(def: ServiceDefinition<C>): void {
  const start = async (): Promise<void> => {
    const config = loadConfigOrExit(def.config, def.name);
    await ensureSchema(config.DATABASE_URL, def.schema);
    const t = topology(config.QUEUE_PREFIX);
    await startServiceApp(def.module(config), {
      url: config.RABBITMQ_URL,
      rpcQueue: def.rpcQueue(t),
      rpcPrefetch: config.RPC_PREFETCH,
      eventsQueue: def.eventsQueue?.(t),
      eventsPrefetch: config.EVENTS_PREFETCH,
      httpPort: config.HTTP_PORT,
      retry: config.retryPolicy(),
    });
  };
  start().catch((err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service: def.name, msg: 'failed to start', err: String(err) })}\n`,
    );
    process.exit(1);
  });
}
