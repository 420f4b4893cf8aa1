import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { StreamTicketsModule } from '../stream-tickets/stream-tickets.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { HousekeepingScheduler } from './housekeeping.scheduler';
import { HousekeepingService } from './housekeeping.service';

// Scheduled deletion of expired sessions, refresh tokens, throttle windows and stream tickets.
@Module({
  imports: [SessionsModule, StreamTicketsModule, ThrottleModule],
  providers: [HousekeepingService, HousekeepingScheduler],
})
export class HousekeepingModule {}
