// The DataSource the TypeORM CLI uses; the app builds the same options in AppModule.
import { loadConfig } from '@app/common';
import { DataSource } from 'typeorm';
import { SyncConfig } from '../config';
import { dataSourceOptions } from './database';

export default new DataSource(dataSourceOptions(loadConfig(SyncConfig)));
