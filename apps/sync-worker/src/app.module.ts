import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggingModule } from '@app/common';
import { databaseHealthHandler } from '@app/messaging';
import { CONFIG, type SyncConfig } from './config';
import { dataSourceOptions } from './database/database';

@Module({})
export class AppModule {
  static forRoot(config: SyncConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: 'sync-worker', level: config.LOG_LEVEL }),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
      ],
      controllers: [databaseHealthHandler('sync-worker')],
      providers: [{ provide: CONFIG, useValue: config }],
    };
  }
}
