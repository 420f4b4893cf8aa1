import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PeriodicTask } from '@app/common';
import { EventPattern } from '@app/contracts';
import { OutboxRelay, enqueueEvent } from '@app/messaging';
import { DataSource } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';
import { SyncItemsRepository } from '../items/sync-items.repository';

const SCHEDULER_LOCK = 7302;

// Webhooks get lost (Plaid stops retrying after 24 h): items with no successful sync for STALE_SYNC_HOURS
// are queued for a sync. One instance at a time does the scan (transaction-scoped advisory lock); the syncs
// themselves spread over every instance through the events queue.
@Injectable()
export class StaleSyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StaleSyncScheduler.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
    private readonly items: SyncItemsRepository,
    private readonly relay: OutboxRelay,
  ) {
    this.task = new PeriodicTask(
      'stale-sync scan',
      config.STALE_SYNC_CHECK_SECONDS,
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
      const queued = await this.db.transaction(async (em) => {
        const [{ ok }] = await em.query<{ ok: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
          SCHEDULER_LOCK,
        ]);
        if (!ok) return 0;
        const stale = await this.items.findStale(this.config.STALE_SYNC_HOURS, 500);
        for (const itemId of stale) {
          await enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.SyncRequested, {
            itemId,
            reason: 'scheduled',
          });
        }
        return stale.length;
      });
      if (queued > 0) {
        this.relay.kick();
        this.logger.log({ queued }, 'stale items queued for sync');
      }
      return queued;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'stale-sync scan failed');
      return 0;
    }
  }
}
