import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { HousekeepingService } from './housekeeping.service';

// Runs the pruning every PRUNE_INTERVAL_SECONDS on every instance: the deletes are idempotent, and a run never
// overlaps the previous one of the same instance.
@Injectable()
export class HousekeepingScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HousekeepingScheduler.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly housekeeping: HousekeepingService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.PRUNE_INTERVAL_SECONDS === 0) return;
    this.timer = setInterval(() => void this.run(), this.config.PRUNE_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.housekeeping.prune();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'pruning failed');
    } finally {
      this.running = false;
    }
  }
}
