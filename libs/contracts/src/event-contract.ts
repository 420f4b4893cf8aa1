import { type ItemLinkedEvent, type ItemRefreshedEvent, type ItemRemovedEvent } from './events/item.events';
import { type EventPattern } from './patterns';

// The payload type of every event pattern.
export interface EventContract {
  [EventPattern.ItemLinked]: ItemLinkedEvent;
  [EventPattern.ItemRemoved]: ItemRemovedEvent;
  [EventPattern.ItemRefreshed]: ItemRefreshedEvent;
}

export type EventPayload<E extends EventPattern> = EventContract[E];
