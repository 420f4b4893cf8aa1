import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggingModule } from '@app/common';
import { databaseHealthHandler } from '@app/messaging';
import { CONFIG, type LinkConfig } from './config';
import { dataSourceOptions } from './database/database';

@Module({})
export class AppModule {
  static forRoot(config: LinkConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: 'plaid-link', level: config.LOG_LEVEL }),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
      ],
      controllers: [databaseHealthHandler('plaid-link')],
      providers: [{ provide: CONFIG, useValue: config }],
    };
  }
}
