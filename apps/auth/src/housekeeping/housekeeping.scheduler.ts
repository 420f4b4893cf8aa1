import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PeriodicTask } from '@app/common';
import { APP_CONFIG, AuthConfig } from '../config';
import { HousekeepingService } from './housekeeping.service';

// Runs the pruning every PRUNE_INTERVAL_SECONDS on every instance: the deletes are idempotent, and a run never
// overlaps the previous one of the same instance.
@Injectable()
export class HousekeepingScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@Inject(APP_CONFIG) config: AuthConfig, housekeeping: HousekeepingService) {
    const logger = new Logger(HousekeepingScheduler.name);
    this.task = new PeriodicTask(
      'pruning',
      config.PRUNE_INTERVAL_SECONDS,
      () => housekeeping.prune(),
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }
}
