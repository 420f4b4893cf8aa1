// The DataSource the TypeORM CLI uses (`npx typeorm-ts-node-commonjs migration:run -d apps/auth/src/database/data-source.ts`);
// the app builds the same options in AppModule.
import { loadConfig } from '@app/common';
import { DataSource } from 'typeorm';
import { AuthConfig } from '../config';
import { authDataSourceOptions } from './database';

export default new DataSource(authDataSourceOptions(loadConfig(AuthConfig)));
