import {
  type ItemAccountsChangedEvent,
  type ItemDataRevokedEvent,
  type ItemLinkedEvent,
  type ItemErrorRecordedEvent,
  type ItemMetadataRefreshedEvent,
  type ItemSyncedEvent,
  type LegacyItemRefreshedEvent,
  type ItemRemovedEvent,
  type PlaidWebhookEvent,
  type SyncRequestedEvent,
  type TransactionsEditedEvent,
} from './events/item.events';
import { type UserDeletionStepEvent } from './events/user-deletion.events';
import { type EventPattern } from './patterns';

// The payload type of every event pattern.
export interface EventContract {
  [EventPattern.ItemLinked]: ItemLinkedEvent;
  [EventPattern.ItemRemoved]: ItemRemovedEvent;
  [EventPattern.ItemMetadataRefreshed]: ItemMetadataRefreshedEvent;
  [EventPattern.ItemSynced]: ItemSyncedEvent;
  [EventPattern.ItemErrorRecorded]: ItemErrorRecordedEvent;
  [EventPattern.ItemAccountsChanged]: ItemAccountsChangedEvent;
  [EventPattern.TransactionsEdited]: TransactionsEditedEvent;
  [EventPattern.LegacyItemRefreshed]: LegacyItemRefreshedEvent;
  [EventPattern.ItemDataRevoked]: ItemDataRevokedEvent;
  [EventPattern.SyncRequested]: SyncRequestedEvent;
  [EventPattern.PlaidTransactionsWebhook]: PlaidWebhookEvent;
  [EventPattern.PlaidItemWebhook]: PlaidWebhookEvent;
  [EventPattern.UserDeletionRequested]: UserDeletionStepEvent;
  [EventPattern.UserLinkDataDeleted]: UserDeletionStepEvent;
  [EventPattern.UserSyncDeletionRequested]: UserDeletionStepEvent;
  [EventPattern.UserSyncDataDeleted]: UserDeletionStepEvent;
}

export type EventPayload<E extends EventPattern> = EventContract[E];
