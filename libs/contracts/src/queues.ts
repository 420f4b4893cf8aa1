import { EventPattern } from './patterns';

// Queue and exchange names. A prefix isolates one deployment (or one test run) from another on a shared broker.
export type EventQueueOwner = 'auth' | 'link' | 'sync';

export interface Topology {
  authRpc: string;
  linkRpc: string;
  syncRpc: string;
  revocationsExchange: string;
  userEventsExchange: string;
  events: Record<EventQueueOwner, string>;
}

export function topology(prefix = ''): Topology {
  return {
    authRpc: `${prefix}auth.rpc`,
    linkRpc: `${prefix}link.rpc`,
    syncRpc: `${prefix}sync.rpc`,
    revocationsExchange: `${prefix}auth.revocations`,
    userEventsExchange: `${prefix}link.user-events`,
    events: { auth: `${prefix}auth.events`, link: `${prefix}link.events`, sync: `${prefix}sync.events` },
  };
}

// Which service's events queue each event goes to.
export const EVENT_ROUTES: Record<EventPattern, EventQueueOwner> = {
  [EventPattern.ItemLinked]: 'sync',
  [EventPattern.ItemRemoved]: 'sync',
  [EventPattern.ItemMetadataRefreshed]: 'link',
  [EventPattern.ItemSynced]: 'link',
  [EventPattern.ItemErrorRecorded]: 'link',
  [EventPattern.ItemAccountsChanged]: 'link',
  [EventPattern.TransactionsEdited]: 'link',
  [EventPattern.LegacyItemRefreshed]: 'link',
  [EventPattern.ItemDataRevoked]: 'sync',
  [EventPattern.SyncRequested]: 'sync',
  [EventPattern.PlaidTransactionsWebhook]: 'sync',
  [EventPattern.PlaidItemWebhook]: 'link',
  [EventPattern.UserDeletionRequested]: 'link',
  [EventPattern.UserLinkDataDeleted]: 'auth',
  [EventPattern.UserSyncDeletionRequested]: 'sync',
  [EventPattern.UserSyncDataDeleted]: 'auth',
};

// Delayed-retry tiers of an events queue: messages wait in `<queue>.retry.<tier>` and dead-letter back.
export const RETRY_TIERS_MS: readonly number[] = [1_000, 10_000, 60_000, 300_000];

export interface RetryPolicySettings {
  tiersMs: readonly number[];
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicySettings = { tiersMs: RETRY_TIERS_MS, maxAttempts: 6 };

export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}ms`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dead`;
}

// Every queue a prefix owns, for clean-up and for the admin tools.
export function allQueues(prefix = '', tiersMs: readonly number[] = RETRY_TIERS_MS): string[] {
  const t = topology(prefix);
  const eventQueues = Object.values(t.events).flatMap((q) => [
    q,
    deadLetterQueueName(q),
    ...tiersMs.map((d) => retryQueueName(q, d)),
  ]);
  return [t.authRpc, t.linkRpc, t.syncRpc, ...eventQueues];
}
