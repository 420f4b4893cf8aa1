import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggingModule } from '@app/common';
import { databaseHealthHandler } from '@app/messaging';
import { AuthModule } from './auth/auth.module';
import { AppConfigModule, type AuthConfig } from './config';
import { DeletionsModule } from './deletion/deletions.module';
import { ExportModule } from './export/export.module';
import { authDataSourceOptions } from './database/database';
import { HousekeepingModule } from './housekeeping/housekeeping.module';
import { SessionsModule } from './sessions/sessions.module';
import { StreamTicketsModule } from './stream-tickets/stream-tickets.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRoot({ service: 'auth', level: config.LOG_LEVEL }),
        TypeOrmModule.forRoot(authDataSourceOptions(config)),
        AuthModule,
        DeletionsModule,
        ExportModule,
        HousekeepingModule,
        SessionsModule,
        StreamTicketsModule,
        UsersModule,
      ],
      controllers: [databaseHealthHandler('auth')],
    };
  }
}
