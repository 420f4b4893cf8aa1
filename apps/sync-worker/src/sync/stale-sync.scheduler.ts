import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PeriodicTask } from '@app/common';
import { EventPattern } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { APP_CONFIG, SyncConfig, pollingMode } from '../config';
import { SyncItemsRepository } from '../items/sync-items.repository';

const SCHEDULER_LOCK = 7302;

// Webhooks get lost (Plaid stops retrying after 24 h): items with no successful sync for STALE_SYNC_HOURS
// are queued for a sync. Without a webhook URL (polling mode) the same scan is how items stay fresh: every item
// comes due about every POLL_INTERVAL_MINUTES (jittered per item), scanned four times per interval. Either way
// items of a paused institution are skipped, and each sync still goes through the per-item Plaid limiter.
// One instance at a time does the scan (transaction-scoped advisory lock); the syncs themselves spread over
// every instance through the events queue.
@Injectable()
export class StaleSyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StaleSyncScheduler.name);
  private readonly task: PeriodicTask;
  private readonly dueAfterSeconds: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly uow: UnitOfWork,
    private readonly items: SyncItemsRepository,
  ) {
    const polling = pollingMode(config);
    this.dueAfterSeconds = polling ? config.POLL_INTERVAL_MINUTES * 60 : config.STALE_SYNC_HOURS * 3600;
    const every =
      polling && config.STALE_SYNC_CHECK_SECONDS > 0
        ? Math.max(1, Math.min(config.STALE_SYNC_CHECK_SECONDS, Math.round(this.dueAfterSeconds / 4)))
        : config.STALE_SYNC_CHECK_SECONDS;
    this.task = new PeriodicTask(
      polling ? 'polling scan' : 'stale-sync scan',
      every,
      () => this.scan(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  async scan(): Promise<number> {
    try {
      const queued = await this.uow.run(async (tx) => {
        const [{ ok }] = await tx.manager.query<{ ok: boolean }[]>(
          'SELECT pg_try_advisory_xact_lock($1) AS ok',
          [SCHEDULER_LOCK],
        );
        if (!ok) return 0;
        const stale = await this.items.findDue(this.dueAfterSeconds, pollingMode(this.config), 500);
        for (const itemId of stale) {
          await tx.publish(EventPattern.SyncRequested, {
            itemId,
            reason: 'scheduled',
          });
        }
        return stale.length;
      });
      if (queued > 0) {
        this.logger.log({ queued }, 'stale items queued for sync');
      }
      return queued;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'stale-sync scan failed');
      return 0;
    }
  }
}
