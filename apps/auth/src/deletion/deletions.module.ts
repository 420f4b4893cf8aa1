import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OutboxModule } from '../outbox/outbox.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { DeletionsHandler } from './deletions.handler';
import { DeletionsRepository } from './deletions.repository';
import { DeletionsScheduler } from './deletions.scheduler';
import { DeletionsService } from './deletions.service';

// Account deletion: the saga's orchestrator (state in auth.deletions, steps through auth.outbox).
@Module({
  imports: [AuthModule, OutboxModule, SessionsModule, UsersModule],
  controllers: [DeletionsHandler],
  providers: [DeletionsRepository, DeletionsService, DeletionsScheduler],
})
export class DeletionsModule {}
