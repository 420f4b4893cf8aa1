import { Module } from '@nestjs/common';
import { ThrottleModule } from '../throttle/throttle.module';
import { TokensModule } from '../tokens/tokens.module';
import { RevocationsPublisher } from './revocations.publisher';
import { SessionsHandler } from './sessions.handler';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

// Sessions, refresh-token rotation and revocations (stored, and broadcast to every gateway).
@Module({
  imports: [ThrottleModule, TokensModule],
  controllers: [SessionsHandler],
  providers: [SessionsRepository, SessionsService, RevocationsPublisher],
  exports: [SessionsService, SessionsRepository],
})
export class SessionsModule {}
