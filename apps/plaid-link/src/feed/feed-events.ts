import { type ItemDto } from '@app/contracts';

// What each event of the feed carries, so that a producer cannot send an event with another event's data.
// Indexed by FeedEventName in FeedService.append: an event added to the contract fails the build until it has data.
export interface FeedEventData {
  'item.updated': { item: ItemDto };
  'item.removed': { itemId: string };
  'accounts.changed': { itemId: string };
  // One committed sync run's counts and the user's delta cursor right after it (null from a previous-release worker).
  'transactions.changed': {
    itemId: string;
    added: number;
    modified: number;
    removed: number;
    cursor: string | null;
  };
}
