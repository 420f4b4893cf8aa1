import 'reflect-metadata';
import { runService } from '@app/messaging';
import { AppModule } from './app.module';
import { SyncConfig } from './config';
import { SCHEMA } from './database/database';

runService({
  name: 'sync-worker',
  config: SyncConfig,
  schema: SCHEMA,
  module: (config) => AppModule.forRoot(config),
  rpcQueue: (t) => t.syncRpc,
  eventsQueue: (t) => t.events.sync,
});
