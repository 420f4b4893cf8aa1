import 'reflect-metadata';
import { loadConfigOrExit } from '@app/common';
import { topology } from '@app/contracts';
import { ensureSchema } from '@app/database';
import { startServiceApp } from '@app/messaging';
import { AppModule } from './app.module';
import { SyncConfig } from './config';
import { SCHEMA } from './database/database';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(SyncConfig, 'sync-worker');
  await ensureSchema(config.DATABASE_URL, SCHEMA);
  const t = topology(config.QUEUE_PREFIX);
  await startServiceApp(AppModule.forRoot(config), {
    url: config.RABBITMQ_URL,
    rpcQueue: t.syncRpc,
    rpcPrefetch: config.RPC_PREFETCH,
    eventsQueue: t.events.sync,
    eventsPrefetch: config.EVENTS_PREFETCH,
    httpPort: config.HTTP_PORT,
    retry: config.retryPolicy(),
  });
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: 'sync-worker', msg: 'failed to start', err: String(err) })}\n`,
  );
  process.exit(1);
});
