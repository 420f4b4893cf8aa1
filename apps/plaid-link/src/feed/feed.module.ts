import { Module } from '@nestjs/common';
import { FeedCompactor } from './feed.compactor';
import { FeedHandler } from './feed.handler';
import { FeedRepository } from './feed.repository';
import { FeedService } from './feed.service';

// Each user's change feed: the log (appended by the item features in their own transactions), its compaction,
// and the FeedSince RPC the gateway's streams read it with.
@Module({
  controllers: [FeedHandler],
  providers: [FeedRepository, FeedService, FeedCompactor],
  exports: [FeedService],
})
export class FeedModule {}
