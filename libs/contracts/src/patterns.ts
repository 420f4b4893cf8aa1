// Every message pattern in the system. Versioned names; never a string literal at a call site.
export enum MessagePattern {
  HealthPing = 'health.ping.v1',

  AuthSignup = 'auth.signup.v1',
  AuthLogin = 'auth.login.v1',
  AuthRefresh = 'auth.refresh.v1',
  AuthLogout = 'auth.logout.v1',
  AuthMe = 'auth.me.v1',
  AuthRevocationsList = 'auth.revocations.list.v1',
  AuthStreamTicketIssue = 'auth.stream-ticket.issue.v1',
  AuthStreamTicketRedeem = 'auth.stream-ticket.redeem.v1',
  AuthPasswordChange = 'auth.password.change.v1',
  AuthSessionsList = 'auth.sessions.list.v1',
  AuthSessionRevoke = 'auth.sessions.revoke.v1',
  AuthDeletionRequest = 'auth.deletion.request.v1',
  AuthDeletionStatus = 'auth.deletion.status.v1',
  AuthDeletionStatusByToken = 'auth.deletion.status-by-token.v1',
  AuthExportProfile = 'auth.export.profile.v1',

  LinkTokenCreate = 'link.token.create.v1',
  LinkExchange = 'link.exchange.v1',
  ItemsList = 'link.items.list.v1',
  ItemsGet = 'link.items.get.v1',
  ItemsDelete = 'link.items.delete.v1',
  // A user's event log (the change feed), for streams that start, resume or fill a gap.
  FeedSince = 'link.feed.since.v1',

  WebhookKeyGet = 'link.webhook-key.get.v1',

  AccountsList = 'sync.accounts.list.v1',
  AccountsUpdate = 'sync.accounts.update.v1',
  AccountBalances = 'sync.accounts.balances.v1',
  NetWorth = 'sync.net-worth.v1',
  BalanceRefresh = 'sync.accounts.balance-refresh.v1',
  ItemAccountsRefresh = 'sync.item.accounts-refresh.v1',
  AccountSelectionStarted = 'sync.item.account-selection-started.v1',
  // v2 answers with the page as JSON text (built by Postgres); v1, the same page as an object, stays served
  // for gateways of the previous release during a rolling upgrade.
  TransactionsList = 'sync.transactions.list.v2',
  TransactionsListV1 = 'sync.transactions.list.v1',
  TransactionsChanges = 'sync.transactions.changes.v1',
  SyncRequest = 'sync.item.sync-request.v1',
  TransactionsGet = 'sync.transactions.get.v1',
  TransactionsEdit = 'sync.transactions.edit.v1',
  RulesList = 'sync.rules.list.v1',
  RulesCreate = 'sync.rules.create.v1',
  RulesUpdate = 'sync.rules.update.v1',
  RulesDelete = 'sync.rules.delete.v1',
  RecurringList = 'sync.recurring.list.v1',
  InsightsSpending = 'sync.insights.spending.v1',
}

// Events: fire-and-forget, delivered at least once through a service's events queue (see EVENT_ROUTES).
export enum EventPattern {
  ItemLinked = 'link.item.linked.v1',
  ItemRemoved = 'link.item.removed.v1',
  // What the sync worker learned about an item, one event per kind of news.
  ItemMetadataRefreshed = 'sync.item.metadata-refreshed.v1',
  ItemSynced = 'sync.item.synced.v1',
  ItemErrorRecorded = 'sync.item.error-recorded.v1',
  // Accounts of the item added, removed or with changed balances (committed with the change).
  ItemAccountsChanged = 'sync.item.accounts-changed.v1',
  // The user changed transactions of the item (an edit, a rule applied to existing ones, an unpaired transfer).
  TransactionsEdited = 'sync.transactions.edited.v1',
  // Deprecated: published by the previous release, still consumed during a rolling upgrade.
  LegacyItemRefreshed = 'sync.item.refreshed.v1',
  // Item data the user no longer lets us keep (revoked access, one revoked account).
  ItemDataRevoked = 'link.item.data-revoked.v1',
  SyncRequested = 'sync.item.sync-requested.v1',
  // Verified Plaid webhooks, routed by webhook_type.
  PlaidTransactionsWebhook = 'plaid.webhook.transactions.v1',
  PlaidItemWebhook = 'plaid.webhook.item.v1',
  // The account deletion saga (auth orchestrates; see docs/architecture.md "Account deletion").
  UserDeletionRequested = 'auth.user.deletion-requested.v1',
  UserLinkDataDeleted = 'link.user.data-deleted.v1',
  UserSyncDeletionRequested = 'auth.user.sync-deletion-requested.v1',
  UserSyncDataDeleted = 'sync.user.data-deleted.v1',
}

// Broadcast events (fanout exchanges, one queue per subscriber instance).
export enum BroadcastEvent {
  SessionRevoked = 'auth.session.revoked.v1',
  // One stored event of a user's change feed, to every gateway (UserFeedBroadcast).
  UserEvent = 'link.user-event.v1',
}
