import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PeriodicTask } from '@app/common';
import { APP_CONFIG, LinkConfig } from '../config';
import { FeedRepository } from './feed.repository';

// Rows per delete statement: short statements, so that appends never wait long behind one.
const BATCH = 5000;

// Deletes feed events past FEED_RETENTION_HOURS that are not among their user's last FEED_MIN_EVENTS, every
// FEED_COMPACT_INTERVAL_MS. Every instance may run it: the deletes are idempotent and never remove a row that
// is still within either bound.
@Injectable()
export class FeedCompactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedCompactor.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(APP_CONFIG) private readonly config: LinkConfig,
    private readonly feed: FeedRepository,
  ) {
    this.task = new PeriodicTask(
      'feed compaction',
      config.FEED_COMPACT_INTERVAL_MS / 1000,
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

  // Answers how many events this pass deleted.
  async compact(): Promise<number> {
    let deleted = 0;
    for (let last = BATCH; last >= BATCH; deleted += last) {
      last = await this.feed.compact(this.config.FEED_RETENTION_HOURS, this.config.FEED_MIN_EVENTS, BATCH);
    }
    if (deleted > 0) this.logger.log({ deleted }, 'feed compacted');
    return deleted;
  }
}
