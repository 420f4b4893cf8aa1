import { Injectable } from '@nestjs/common';
import {
  BroadcastEvent,
  type FeedEventDto,
  type FeedEventName,
  type FeedSinceRequest,
  type FeedSinceResponse,
  type UserFeedBroadcast,
} from '@app/contracts';
import { type Transaction } from '@app/messaging';
import { type FeedEventData } from './feed-events';
import { FeedRepository } from './feed.repository';

// Each user's change feed: events appended in the transaction of the change they describe, broadcast to every
// gateway from the outbox once that transaction commits, and read back by streams that start, resume or saw a gap.
@Injectable()
export class FeedService {
  constructor(private readonly feed: FeedRepository) {}

  // Stores the event under the user's next id and queues its broadcast, both in the caller's unit of work (which
  // kicks the outbox relay after its commit). With a dedupKey already in the feed (a redelivered message) nothing
  // happens and null is answered.
  async append<E extends FeedEventName>(
    tx: Transaction,
    userId: string,
    event: E,
    data: FeedEventData[E],
    dedupKey?: string,
  ): Promise<FeedEventDto | null> {
    const { seen } = await this.feed.lockHead(tx.manager, userId, dedupKey ?? null);
    if (seen) return null;
    const id = await this.feed.insert(tx.manager, userId, event, data, dedupKey ?? null);
    const stored: FeedEventDto = { id, event, data };
    const broadcast: UserFeedBroadcast = { userId, ...stored };
    await tx.broadcast(BroadcastEvent.UserEvent, broadcast);
    return stored;
  }

  async since({ userId, after, limit }: FeedSinceRequest): Promise<FeedSinceResponse> {
    if (after === null || after === undefined) {
      return { head: await this.feed.head(userId), events: [], resyncRequired: false };
    }
    const { head, events } = await this.feed.after(userId, after, limit);
    if (after > head) return { head, events: [], resyncRequired: true };
    if (after === head) return { head, events: [], resyncRequired: false };
    // Ids have no gaps: when the next one is not there, compaction took it.
    if (events[0]?.id !== after + 1) return { head, events: [], resyncRequired: true };
    return { head, events, resyncRequired: false };
  }
}
