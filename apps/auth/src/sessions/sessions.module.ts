import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { TokensModule } from '../tokens/tokens.module';
import { SessionsHandler } from './sessions.handler';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

// Sessions, refresh-token rotation and revocations (stored, and broadcast to every gateway through auth.outbox
// and its relay).
@Module({
  imports: [OutboxModule, ThrottleModule, TokensModule],
  controllers: [SessionsHandler],
  providers: [SessionsRepository, SessionsService],
  exports: [SessionsService, SessionsRepository],
})
export class SessionsModule {}
