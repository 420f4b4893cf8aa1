import { Module } from '@nestjs/common';
import { Sealer } from '@app/common';
import { APP_CONFIG, type AuthConfig } from '../config';
import { OutboxModule } from '../outbox/outbox.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AuthHandler } from './auth.handler';
import { AuthService } from './auth.service';
import { PasswordsService } from './passwords.service';

// Signup, login and refresh over users and sessions; passwords stay inside; throttles come from ThrottleModule.
@Module({
  imports: [OutboxModule, UsersModule, SessionsModule, ThrottleModule, TokensModule],
  controllers: [AuthHandler],
  providers: [
    {
      provide: Sealer,
      inject: [APP_CONFIG],
      useFactory: (c: AuthConfig) => new Sealer(c.BROKER_SEALING_SECRET),
    },
    AuthService,
    PasswordsService,
  ],
  exports: [AuthService, Sealer],
})
export class AuthModule {}
