import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PeriodicTask } from '@app/common';
import { APP_CONFIG, SyncConfig } from '../config';
import { TransactionChangesRepository } from './transaction-changes.repository';

// Deletes change log rows past CHANGE_LOG_RETENTION_HOURS every CHANGE_LOG_COMPACTION_SECONDS, in batches
// (short statements: the sync writer's inserts never wait long behind one), and raises the horizon under which
// cursors answer 410. One instance at a time (session-scoped advisory lock, released after the pass).
@Injectable()
export class TransactionChangesCompactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TransactionChangesCompactor.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly changes: TransactionChangesRepository,
  ) {
    this.task = new PeriodicTask(
      'change log compaction',
      config.CHANGE_LOG_COMPACTION_SECONDS,
      () => this.compact(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  // Answers how many rows this pass deleted (0 when another instance holds the lock).
  async compact(retentionHours = this.config.CHANGE_LOG_RETENTION_HOURS): Promise<number> {
    try {
      const total = await this.changes.withCompactionLock(async () => {
        const batch = this.config.CHANGE_LOG_COMPACTION_BATCH;
        let deleted = 0;
        for (let last = batch; last >= batch; deleted += last) {
          last = await this.changes.compact(retentionHours, batch);
        }
        return deleted;
      });
      if (total) this.logger.log({ deleted: total }, 'change log compacted');
      return total ?? 0;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'change log compaction failed');
      return 0;
    }
  }
}
