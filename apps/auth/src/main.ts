import 'reflect-metadata';
import { runService } from '@app/messaging';
import { AppModule } from './app.module';
import { AuthConfig } from './config';
import { AUTH_SCHEMA } from './database/database';

runService({
  name: 'auth',
  config: AuthConfig,
  schema: AUTH_SCHEMA,
  module: (config) => AppModule.forRoot(config),
  rpcQueue: (t) => t.authRpc,
  eventsQueue: (t) => t.events.auth,
});
