import 'reflect-metadata';
import { loadConfigOrExit } from '@app/common';
import { topology } from '@app/contracts';
import { ensureSchema } from '@app/database';
import { createRpcMicroservice } from '@app/messaging';
import { AppModule } from './app.module';
import { LinkConfig } from './config';
import { SCHEMA } from './database/database';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(LinkConfig, 'plaid-link');
  await ensureSchema(config.DATABASE_URL, SCHEMA);
  const app = await createRpcMicroservice(AppModule.forRoot(config), {
    url: config.RABBITMQ_URL,
    queue: topology(config.QUEUE_PREFIX).linkRpc,
    prefetch: config.RPC_PREFETCH,
  });
  await app.listen();
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'plaid-link', msg: 'failed to start', err: String(err) })}\n`);
  process.exit(1);
});
