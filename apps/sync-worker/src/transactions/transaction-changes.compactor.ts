import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PeriodicTask } from '@app/common';
import { DataSource } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';
import { TransactionChangesRepository } from './transaction-changes.repository';

const COMPACTION_LOCK = 7312;

// Deletes change log rows past CHANGE_LOG_RETENTION_HOURS every CHANGE_LOG_COMPACTION_SECONDS, in batches
// (short statements: the sync writer's inserts never wait long behind one), and raises the horizon under which
// cursors answer 410. One instance at a time (session-scoped advisory lock, released after the pass).
@Injectable()
export class TransactionChangesCompactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TransactionChangesCompactor.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
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
    const runner = this.db.createQueryRunner();
    try {
      const [{ ok }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS ok', [COMPACTION_LOCK])) as {
        ok: boolean;
      }[];
      if (!ok) return 0;
      let total = 0;
      try {
        const batch = this.config.CHANGE_LOG_COMPACTION_BATCH;
        for (let deleted = batch; deleted >= batch; total += deleted) {
          deleted = await this.changes.compact(retentionHours, batch);
        }
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [COMPACTION_LOCK]).then(() => undefined);
      }
      if (total > 0) this.logger.log({ deleted: total }, 'change log compacted');
      return total;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'change log compaction failed');
      return 0;
    } finally {
      await runner.release();
    }
  }
}
