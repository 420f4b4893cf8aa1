import { Module } from '@nestjs/common';
import { OutboxRelay } from '@app/messaging';
import { ThrottleModule } from '../throttle/throttle.module';
import { TokensModule } from '../tokens/tokens.module';
import { RevocationsPublisher } from './revocations.publisher';
import { SessionsHandler } from './sessions.handler';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

// Sessions, refresh-token rotation and revocations (stored, and broadcast to every gateway through auth.outbox
// and its relay).
@Module({
  imports: [ThrottleModule, TokensModule],
  controllers: [SessionsHandler],
  providers: [SessionsRepository, SessionsService, RevocationsPublisher, OutboxRelay],
  exports: [SessionsService, SessionsRepository, OutboxRelay],
})
export class SessionsModule {}
