import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit, type QueueType, type ServiceBaseConfig } from '@app/common';
import { DEFAULT_RETRY, type RetryPolicySettings, type Topology, topology } from '@app/contracts';
import { ensureSchema } from '@app/database';
import { AmqpConnection } from './amqp-connection';
import { declareDurableQueues } from './durable-queues';
import { eventQueues } from './event-topology';
import { MessagingModule } from './messaging.module';
import { RmqServer, rmqServerStrategy } from './rmq-server';
import { RmqAckInterceptor, RpcErrorFilter, rpcValidationPipe } from './rpc-server';

export interface ServiceAppSettings {
  // One node's URL or a comma-separated list of a cluster's nodes.
  url: string;
  // The type of the durable queues the service declares (its RPC queue and events queues); default quorum.
  queueType?: QueueType;
  rpcQueue: string;
  rpcPrefetch: number;
  // The service's events queue (with retry tiers and a dead-letter queue), when it consumes events.
  eventsQueue?: string;
  eventsPrefetch?: number;
  // A small HTTP server for /health (and metrics); 0 = none.
  httpPort?: number;
  httpHost?: string;
  retry?: RetryPolicySettings;
  // How long SIGTERM waits for the messages in hand before they are returned to their queue.
  shutdownGraceSeconds?: number;
}

export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 20;

// A signal during start-up, before anything is consumed, has nothing to drain: exit 0 at once.
const exitAtOnce = (): void => process.exit(0);

// One clean exit on SIGTERM/SIGINT: `drain` stops new work and waits for what is in hand, then app.close() runs
// every shutdown hook (outbox relay, broker connection, database pools), then exit 0. Past the grace period the
// process exits anyway: what it still holds is unacked, so the broker hands it to another instance.
// Replaces Nest's enableShutdownHooks, which re-raises the signal after closing (a "killed" exit, not 0).
export function exitGracefullyOnSignal(
  app: INestApplication,
  name: string,
  graceSeconds: number,
  drain: (deadline: number) => Promise<void>,
): void {
  const log = (level: string, msg: string, extra: object = {}): void => {
    process.stdout.write(`${JSON.stringify({ level, service: name, msg, ...extra })}\n`);
  };
  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    const started = Date.now();
    const deadline = started + graceSeconds * 1000;
    log('info', 'shutting down', { signal, graceSeconds });
    // A reply still queued when its channel closes (a handler past the grace period) is rejected by a promise
    // nobody holds: logged, not a crash with exit code 1 (the caller gets its timeout answer).
    process.on('unhandledRejection', (err) => log('warn', 'dropped during shutdown', { err: String(err) }));
    setTimeout(() => {
      log('warn', 'shutdown grace period over; exiting with work returned to the broker');
      process.exit(0);
    }, graceSeconds * 1000).unref();
    drain(deadline)
      .catch((err: unknown) => log('warn', 'drain failed', { err: String(err) }))
      .then(() => app.close())
      .then(
        () => {
          log('info', 'shut down', { ms: Date.now() - started });
          process.exit(0);
        },
        (err: unknown) => {
          log('error', 'shutdown failed', { err: String(err) });
          process.exit(1);
        },
      );
  };
  process.off('SIGTERM', exitAtOnce);
  process.off('SIGINT', exitAtOnce);
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
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
  const amqp = app.get(AmqpConnection);
  // A broker that is down at start fails the start (the supervisor restarts us) instead of serving nothing.
  await amqp.waitForConnect();
  // Declared here, before either server starts, so that a queue of another type is found (and kept) once; the
  // servers redeclare each queue with the options it was declared with.
  const declared = await declareDurableQueues(
    amqp,
    [{ name: s.rpcQueue }, ...(s.eventsQueue ? eventQueues(s.eventsQueue, retry.tiersMs) : [])],
    s.queueType ?? 'quorum',
  );
  // Registered on the app and inherited by both RMQ servers (Nest 12 refuses globals added after connecting).
  app.useGlobalPipes(rpcValidationPipe());
  app.useGlobalFilters(new RpcErrorFilter());
  const acks = new RmqAckInterceptor(amqp, retry);
  app.useGlobalInterceptors(acks);
  const inherit = { inheritAppConfig: true };
  const rpc = rmqServerStrategy({
    url: s.url,
    queue: s.rpcQueue,
    prefetch: s.rpcPrefetch,
    queueOptions: declared[s.rpcQueue],
  });
  const events =
    s.eventsQueue &&
    rmqServerStrategy(
      {
        url: s.url,
        queue: s.eventsQueue,
        prefetch: s.eventsPrefetch ?? 10,
        queueOptions: declared[s.eventsQueue],
      },
      (channel, message, pattern) => acks.deadLetterUnhandled(channel, message, pattern),
    );
  const servers = [rpc, ...(events ? [events] : [])];
  for (const server of servers) app.connectMicroservice(server, inherit);
  // SIGTERM: cancel the consumers first (the broker stops delivering; other instances take the queue), let the
  // handlers in flight finish and their acks and replies go out, then close. A handler still running at the end
  // of the grace period (a long sync) is abandoned: its message returns to the queue when the channel closes,
  // and what it committed (a sync's cursor per page) stands, as after a crash.
  exitGracefullyOnSignal(
    app,
    s.rpcQueue,
    s.shutdownGraceSeconds ?? DEFAULT_SHUTDOWN_GRACE_SECONDS,
    async (deadline) => {
      const consumers = servers.map((x) => x.strategy as RmqServer);
      await Promise.all(consumers.map((c) => c.stopConsuming()));
      // A second is kept for closing connections and pools. Deliveries received before the cancel was
      // confirmed still reach their handlers; the wait covers them too.
      const idle = (): boolean => acks.idle && consumers.every((c) => c.idle);
      while (!idle() && Date.now() < deadline - 1000) await new Promise((r) => setTimeout(r, 25));
      if (!idle()) {
        process.stdout.write(
          `${JSON.stringify({ level: 'warn', service: s.rpcQueue, msg: 'handlers still running at the end of the grace period; their messages return to the queue' })}\n`,
        );
      }
      await Promise.all(consumers.map((c) => c.flushed(500)));
    },
  );
  await app.startAllMicroservices();
  if (s.httpPort) await app.listen(s.httpPort, s.httpHost ?? '0.0.0.0');
  else await app.init();
  return app;
}

export interface ServiceDefinition<C extends ServiceBaseConfig & { SHUTDOWN_GRACE_SECONDS: number }> {
  name: string;
  config: new () => C;
  schema: string;
  module: (config: C) => DynamicModule;
  rpcQueue: (t: Topology) => string;
  eventsQueue?: (t: Topology) => string;
}

// A service's main.ts: validated config (or one line and exit), its schema, its queues, then serve.
export function runService<C extends ServiceBaseConfig & { SHUTDOWN_GRACE_SECONDS: number }>(
  def: ServiceDefinition<C>,
): void {
  process.once('SIGTERM', exitAtOnce);
  process.once('SIGINT', exitAtOnce);
  const start = async (): Promise<void> => {
    const config = loadConfigOrExit(def.config, def.name);
    await ensureSchema(config.DATABASE_URL, def.schema);
    const t = topology(config.QUEUE_PREFIX);
    await startServiceApp(def.module(config), {
      url: config.RABBITMQ_URL,
      queueType: config.QUEUE_TYPE,
      rpcQueue: def.rpcQueue(t),
      rpcPrefetch: config.RPC_PREFETCH,
      eventsQueue: def.eventsQueue?.(t),
      eventsPrefetch: config.EVENTS_PREFETCH,
      httpPort: config.HTTP_PORT,
      retry: config.retryPolicy(),
      shutdownGraceSeconds: config.SHUTDOWN_GRACE_SECONDS,
    });
  };
  start().catch((err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service: def.name, msg: 'failed to start', err: String(err) })}\n`,
    );
    process.exit(1);
  });
}
