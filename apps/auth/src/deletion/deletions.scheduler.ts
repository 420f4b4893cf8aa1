import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PeriodicTask } from '@app/common';
import { APP_CONFIG, AuthConfig } from '../config';
import { DeletionsService } from './deletions.service';

// Re-drives stalled account deletions every DELETION_REDRIVE_SECONDS, on every instance (claims skip each other).
@Injectable()
export class DeletionsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@Inject(APP_CONFIG) config: AuthConfig, deletions: DeletionsService) {
    this.task = new PeriodicTask(
      'deletion re-drive',
      config.DELETION_REDRIVE_SECONDS,
      () => deletions.redriveStalled(),
      new Logger(DeletionsScheduler.name),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }
}
