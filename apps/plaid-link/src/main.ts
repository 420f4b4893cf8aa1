import 'reflect-metadata';
import { runService } from '@app/messaging';
import { AppModule } from './app.module';
import { LinkConfig } from './config';
import { SCHEMA } from './database/database';

runService({
  name: 'plaid-link',
  config: LinkConfig,
  schema: SCHEMA,
  module: (config) => AppModule.forRoot(config),
  rpcQueue: (t) => t.linkRpc,
  eventsQueue: (t) => t.events.link,
});
