import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { AttemptsRepository } from './attempts.repository';
import { LoginThrottle } from './login-throttle.service';
import { RequestThrottle } from './request-throttle.service';

// Rate limits of login, signup and refresh, counted in Postgres so every auth instance shares them.
@Module({
  imports: [OutboxModule],
  providers: [AttemptsRepository, LoginThrottle, RequestThrottle],
  exports: [AttemptsRepository, LoginThrottle, RequestThrottle],
})
export class ThrottleModule {}
