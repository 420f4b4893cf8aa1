import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggingModule, Sealer } from '@app/common';
import { AuthHandler } from './auth/auth.handler';
import { AuthService } from './auth/auth.service';
import { LoginRateLimiter } from './auth/login-rate-limiter.service';
import { PasswordsService } from './auth/passwords.service';
import { TokensService } from './auth/tokens.service';
import { AUTH_CONFIG, type AuthConfig } from './config';
import { authDataSourceOptions } from './database/database';
import { databaseHealthHandler } from '@app/messaging';
import { RevocationsPublisher } from './sessions/revocations.publisher';
import { SessionsRepository } from './sessions/sessions.repository';
import { User } from './users/user.entity';
import { UsersRepository } from './users/users.repository';

@Module({})
export class AppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: 'auth', level: config.LOG_LEVEL }),
        TypeOrmModule.forRoot(authDataSourceOptions(config)),
        TypeOrmModule.forFeature([User]),
      ],
      controllers: [AuthHandler, databaseHealthHandler('auth')],
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        { provide: Sealer, useValue: new Sealer(config.BROKER_SEALING_SECRET) },
        AuthService,
        PasswordsService,
        TokensService,
        LoginRateLimiter,
        UsersRepository,
        SessionsRepository,
        RevocationsPublisher,
      ],
    };
  }
}
