import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { HousekeepingScheduler } from './housekeeping.scheduler';
import { HousekeepingService } from './housekeeping.service';

// Scheduled deletion of expired sessions, refresh tokens and throttle windows.
@Module({
  imports: [SessionsModule, ThrottleModule],
  providers: [HousekeepingService, HousekeepingScheduler],
})
export class HousekeepingModule {}
