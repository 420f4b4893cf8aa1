import { EventPattern, MessagePattern } from './patterns';
import { type RpcPattern } from './rpc-contract';

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

// The service that owns (serves) each RPC pattern: the gateway's one `send` picks the queue from here, and each
// service's spec checks that its handlers serve exactly its rows. `satisfies` keeps the literal owners (so `send`
// can refuse the patterns every service answers) and breaks the build when a pattern of RpcContract has no row.
export type RpcQueueOwner = EventQueueOwner;
// Answered by every service (readiness); sent to one service at a time by name, never routed.
export const EVERY_SERVICE = 'every';
export type RpcRoute = RpcQueueOwner | typeof EVERY_SERVICE;

export const RPC_ROUTES = {
  [MessagePattern.HealthPing]: EVERY_SERVICE,

  [MessagePattern.AuthSignup]: 'auth',
  [MessagePattern.AuthLogin]: 'auth',
  [MessagePattern.AuthRefresh]: 'auth',
  [MessagePattern.AuthLogout]: 'auth',
  [MessagePattern.AuthMe]: 'auth',
  [MessagePattern.AuthRevocationsList]: 'auth',
  [MessagePattern.AuthStreamTicketIssue]: 'auth',
  [MessagePattern.AuthStreamTicketRedeem]: 'auth',
  [MessagePattern.AuthPasswordChange]: 'auth',
  [MessagePattern.AuthSessionsList]: 'auth',
  [MessagePattern.AuthSessionRevoke]: 'auth',
  [MessagePattern.AuthDeletionRequest]: 'auth',
  [MessagePattern.AuthDeletionStatus]: 'auth',
  [MessagePattern.AuthDeletionStatusByToken]: 'auth',
  [MessagePattern.AuthExportProfile]: 'auth',

  [MessagePattern.LinkTokenCreate]: 'link',
  [MessagePattern.LinkExchange]: 'link',
  [MessagePattern.ItemsList]: 'link',
  [MessagePattern.ItemsGet]: 'link',
  [MessagePattern.ItemsDelete]: 'link',
  [MessagePattern.FeedSince]: 'link',
  [MessagePattern.WebhookKeyGet]: 'link',

  [MessagePattern.AccountsList]: 'sync',
  [MessagePattern.AccountsUpdate]: 'sync',
  [MessagePattern.AccountBalances]: 'sync',
  [MessagePattern.NetWorth]: 'sync',
  [MessagePattern.BalanceRefresh]: 'sync',
  [MessagePattern.ItemAccountsRefresh]: 'sync',
  [MessagePattern.AccountSelectionStarted]: 'sync',
  [MessagePattern.TransactionsList]: 'sync',
  [MessagePattern.TransactionsListV1]: 'sync',
  [MessagePattern.TransactionsChanges]: 'sync',
  [MessagePattern.SyncRequest]: 'sync',
  [MessagePattern.TransactionsGet]: 'sync',
  [MessagePattern.TransactionsEdit]: 'sync',
  [MessagePattern.RulesList]: 'sync',
  [MessagePattern.RulesCreate]: 'sync',
  [MessagePattern.RulesUpdate]: 'sync',
  [MessagePattern.RulesDelete]: 'sync',
  [MessagePattern.RecurringList]: 'sync',
  [MessagePattern.InsightsSpending]: 'sync',
} as const satisfies Record<RpcPattern, RpcRoute>;

// The patterns a caller sends to the one service that owns them.
export type RoutedRpcPattern = {
  [P in RpcPattern]: (typeof RPC_ROUTES)[P] extends RpcQueueOwner ? P : never;
}[RpcPattern];

// The patterns one service's queue serves: its own and those every service answers.
export type RpcPatternOf<O extends RpcQueueOwner> = {
  [P in RpcPattern]: (typeof RPC_ROUTES)[P] extends O | typeof EVERY_SERVICE ? P : never;
}[RpcPattern];

// The RPC queue of a service.
export function rpcQueueOf(t: Topology, owner: RpcQueueOwner): string {
  switch (owner) {
    case 'auth':
      return t.authRpc;
    case 'link':
      return t.linkRpc;
    case 'sync':
      return t.syncRpc;
  }
}

// The patterns and events a service's handlers must serve: its rows of RPC_ROUTES and EVENT_ROUTES.
export function routedTo(owner: RpcQueueOwner): { rpc: RpcPattern[]; events: EventPattern[] } {
  const rpc = (Object.keys(RPC_ROUTES) as RpcPattern[]).filter(
    (p) => RPC_ROUTES[p] === owner || RPC_ROUTES[p] === EVERY_SERVICE,
  );
  const events = (Object.keys(EVENT_ROUTES) as EventPattern[]).filter((e) => EVENT_ROUTES[e] === owner);
  return { rpc, events };
}

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
