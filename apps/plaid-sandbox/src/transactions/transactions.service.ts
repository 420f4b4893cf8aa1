import { Inject, Injectable } from '@nestjs/common';
import {
  type AccountBase,
  AccountType,
  Products,
  type RemovedTransaction,
  type Transaction,
  type TransactionsRefreshResponse,
  type TransactionsSyncRequest,
  type TransactionsSyncResponse,
  TransactionsUpdateStatus,
} from 'plaid';
import { type CustomTransactionSpec, parseCustomTransaction } from '../accounts/accounts.factory';
import { type WithoutRequestId } from '../common/plaid-endpoint';
import { PlaidApiError } from '../common/plaid-error';
import {
  type JsonObject,
  optionalBoolean,
  optionalInt,
  optionalObject,
  optionalString,
  requiredString,
} from '../common/request-fields';
import { APP_CONFIG, type SandboxConfig } from '../config';
import { type ItemRecord } from '../items/item.record';
import { ItemsStore } from '../items/items.store';
import { webhookBody, WebhooksService } from '../webhooks/webhooks.service';
import { syncPage } from './sync-pager';
import { type LogEntry, type LogWriter } from './transaction-log';
import {
  addDays,
  buildTransaction,
  describeGenerated,
  generatedTransaction,
  utcDay,
} from './transactions.generator';

export interface MutationRequest {
  add?: number;
  addPending?: number;
  modify?: number;
  remove?: number;
  postPending?: number;
  webhook?: boolean;
}

export interface MutationResult {
  version: number;
  added: string[];
  modified: string[];
  removed: string[];
  posted: Array<{ pending_transaction_id: string; transaction_id: string }>;
}

@Injectable()
export class TransactionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: SandboxConfig,
    private readonly items: ItemsStore,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Fills a new item's history: `count` generated transactions plus any user_custom ones, in one commit. */
  seed(item: ItemRecord, custom: Map<string, CustomTransactionSpec[]>): void {
    const today = utcDay(new Date());
    const fallback = item.roles.checking ?? item.roles.savings ?? item.roles.credit;
    item.log.commit((w) => {
      if (fallback) {
        for (let i = 0; i < item.history.count; i++) {
          const d = describeGenerated(item.history, i);
          const accountId = item.roles[d.role] ?? fallback;
          w.add({ id: item.rng.plaidId(), accountId, source: i, pending: d.pending });
          item.transactionAccountIds.add(accountId);
        }
      }
      for (const [accountId, specs] of custom) {
        const sorted = [...specs].sort((a, b) => a.date_posted.localeCompare(b.date_posted));
        for (const spec of sorted) {
          const pending = spec.date_posted > today;
          this.addCustom(w, item, accountId, spec, pending);
        }
      }
    });
  }

  sync(body: JsonObject): WithoutRequestId<TransactionsSyncResponse> {
    const request = this.parseSync(body);
    const item = this.items.requireUsable(request.access_token);
    const accountId = request.options?.account_id ?? undefined;
    if (accountId !== undefined && !item.accounts.some((a) => a.account_id === accountId)) {
      throw PlaidApiError.of('INVALID_ACCOUNT_ID');
    }
    const streamKey = accountId
      ? `${item.itemId.slice(0, 16)}:${accountId.slice(0, 16)}`
      : item.itemId.slice(0, 16);
    const page = syncPage(item.log, streamKey, request.cursor, request.count ?? 100, accountId);
    const added: Transaction[] = [];
    const modified: Transaction[] = [];
    const removed: RemovedTransaction[] = [];
    const withOriginal = request.options?.include_original_description === true;
    for (const change of page.changes) {
      switch (change.kind) {
        case 'added':
          added.push(this.materialize(item, change.entry, withOriginal));
          break;
        case 'modified':
          modified.push(this.materialize(item, change.entry, withOriginal));
          break;
        case 'removed':
          removed.push({ transaction_id: change.entry.id, account_id: change.entry.accountId });
          break;
      }
    }
    this.onSyncCalled(item);
    return {
      added,
      modified,
      removed,
      next_cursor: page.nextCursor,
      has_more: page.hasMore,
      transactions_update_status: TransactionsUpdateStatus.HistoricalUpdateComplete,
      accounts: this.transactionAccounts(item, accountId),
    };
  }

  /** user_transactions_dynamic gets new data on every refresh, as in Plaid Sandbox; others stay as they are. */
  refresh(body: JsonObject): WithoutRequestId<TransactionsRefreshResponse> {
    const item = this.items.requireUsable(requiredString(body, 'access_token'));
    item.lastSuccessfulUpdate = new Date();
    if (item.dynamic) {
      const result = this.applyMutation(item, {
        addPending: 2,
        postPending: Number.MAX_SAFE_INTEGER,
        modify: 1,
      });
      this.notifyLegacyAndSync(item, result);
    }
    return {};
  }

  /** A newly shared account's history, in one commit, announced as any other update. */
  addAccountHistory(item: ItemRecord, accountId: string, specs: CustomTransactionSpec[]): void {
    const today = utcDay(new Date());
    const added: string[] = [];
    item.transactionAccountIds.add(accountId);
    item.log.commit((w) => {
      const sorted = [...specs].sort((a, b) => a.date_posted.localeCompare(b.date_posted));
      for (const spec of sorted)
        added.push(this.addCustom(w, item, accountId, spec, spec.date_posted > today).id);
    });
    this.notifyLegacyAndSync(item, {
      version: item.log.version,
      added,
      modified: [],
      removed: [],
      posted: [],
    });
  }

  /** `/sandbox/transactions/create`: up to 10 posted transactions on the depository account. */
  createCustom(body: JsonObject): Record<string, never> {
    const item = this.items.requireByAccessToken(requiredString(body, 'access_token'));
    const raw = body.transactions;
    if (raw === undefined || raw === null) throw PlaidApiError.missingFields(['transactions']);
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > 10) {
      throw PlaidApiError.invalidField('transactions must be an array of 1 to 10 transactions');
    }
    if (!item.dynamic) {
      throw PlaidApiError.invalidField(
        '/sandbox/transactions/create can only be used with Items created with the user_transactions_dynamic test user',
      );
    }
    const today = utcDay(new Date());
    const earliest = addDays(today, -14);
    const specs = raw.map((t, i) => {
      const spec = parseCustomTransaction(t, `transactions[${i}]`);
      for (const d of [spec.date_transacted, spec.date_posted]) {
        if (d > today || d < earliest) {
          throw PlaidApiError.invalidField(
            `transactions[${i}]: date_transacted and date_posted must be today or up to 14 days in the past`,
          );
        }
      }
      return spec;
    });
    const accountId =
      item.roles.checking ?? item.accounts.find((a) => a.type === AccountType.Depository)?.account_id;
    if (!accountId) throw PlaidApiError.of('PRODUCTS_NOT_SUPPORTED', 'this Item has no depository account');
    const added: string[] = [];
    item.log.commit((w) => {
      for (const spec of specs) added.push(this.addCustom(w, item, accountId, spec, false).id);
    });
    this.notifyLegacyAndSync(item, {
      version: item.log.version,
      added,
      modified: [],
      removed: [],
      posted: [],
    });
    return {};
  }

  /** Control route: change an item's data in one version, then tell its webhook. */
  mutate(itemId: string, request: MutationRequest): MutationResult {
    const item = this.items.get(itemId);
    if (!item) throw PlaidApiError.of('ITEM_NOT_FOUND', `unknown item_id: ${itemId}`);
    const result = this.applyMutation(item, request);
    if (request.webhook !== false) {
      this.webhooks.dispatch(
        item,
        webhookBody('TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE', item.itemId, {
          initial_update_complete: true,
          historical_update_complete: true,
        }),
      );
    }
    return result;
  }

  materialize(item: ItemRecord, entry: LogEntry, withOriginalDescription = false): Transaction {
    const base =
      typeof entry.source === 'number'
        ? generatedTransaction(item.history, entry.source, entry.id, entry.accountId)
        : entry.source;
    const tx = entry.patch ? { ...base, ...entry.patch } : { ...base };
    if (withOriginalDescription) tx.original_description = tx.name;
    return tx;
  }

  private applyMutation(item: ItemRecord, request: MutationRequest): MutationResult {
    const result: MutationResult = { version: 0, added: [], modified: [], removed: [], posted: [] };
    const today = utcDay(new Date());
    item.log.commit((w) => {
      const touched = new Set<string>();
      const pendings: LogEntry[] = [];
      const posted: LogEntry[] = [];
      const want = Math.max(0, request.modify ?? 0) + Math.max(0, request.remove ?? 0);
      for (const e of item.log.presentNewestFirst()) {
        if (e.pending) pendings.push(e);
        else if (posted.length < want) posted.push(e);
        if (posted.length >= want && pendings.length >= (request.postPending ?? 0)) break;
      }
      for (const p of pendings.slice(0, Math.max(0, request.postPending ?? 0))) {
        const before = this.materialize(item, p);
        w.remove(p.id);
        touched.add(p.id);
        const id = item.rng.plaidId();
        const postedTx: Transaction = {
          ...before,
          transaction_id: id,
          pending: false,
          pending_transaction_id: p.id,
          authorized_date: before.authorized_date ?? before.date,
          date: today,
          datetime: `${today}T12:00:00Z`,
        };
        w.add({ id, accountId: p.accountId, source: postedTx, pending: false });
        result.posted.push({ pending_transaction_id: p.id, transaction_id: id });
      }
      let cursor = 0;
      for (let i = 0; i < (request.modify ?? 0) && cursor < posted.length; i++, cursor++) {
        const e = posted[cursor];
        const amount = Math.round((this.materialize(item, e).amount + 1) * 100) / 100;
        w.modify(e.id, { amount });
        touched.add(e.id);
        result.modified.push(e.id);
      }
      for (let i = 0; i < (request.remove ?? 0) && cursor < posted.length; i++, cursor++) {
        const e = posted[cursor];
        w.remove(e.id);
        result.removed.push(e.id);
      }
      const fresh = (pending: boolean): void => {
        const index = item.extraIndex++;
        const d = describeGenerated(item.history, index);
        const accountId = item.roles[d.role] ?? item.roles.checking ?? item.accounts[0].account_id;
        const id = item.rng.plaidId();
        const tx = buildTransaction({
          id,
          accountId,
          merchant: d.merchant,
          description: d.merchant.description,
          amount: d.amountCents / 100,
          date: today,
          authorizedDate: today,
          pending,
          minuteOfDay: d.minuteOfDay,
        });
        w.add({ id, accountId, source: tx, pending });
        item.transactionAccountIds.add(accountId);
        result.added.push(id);
      };
      for (let i = 0; i < (request.add ?? 0); i++) fresh(false);
      for (let i = 0; i < (request.addPending ?? 0); i++) fresh(true);
    });
    result.version = item.log.version;
    return result;
  }

  private addCustom(
    w: LogWriter,
    item: ItemRecord,
    accountId: string,
    spec: CustomTransactionSpec,
    pending: boolean,
  ): LogEntry {
    const id = item.rng.plaidId();
    const tx = buildTransaction({
      id,
      accountId,
      description: spec.description,
      amount: spec.amount,
      date: pending ? spec.date_transacted : spec.date_posted,
      authorizedDate: spec.date_transacted,
      pending,
      currency: spec.currency,
    });
    item.transactionAccountIds.add(accountId);
    return w.add({ id, accountId, source: tx, pending });
  }

  /** As Plaid after an update: SYNC_UPDATES_AVAILABLE (once sync was called) plus the legacy codes. */
  private notifyLegacyAndSync(item: ItemRecord, result: MutationResult): void {
    const removed = [...result.removed, ...result.posted.map((p) => p.pending_transaction_id)];
    const added = result.added.length + result.posted.length;
    if (added + removed.length + result.modified.length === 0) return;
    if (item.syncStarted) {
      this.webhooks.dispatch(
        item,
        webhookBody('TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE', item.itemId, {
          initial_update_complete: true,
          historical_update_complete: true,
        }),
      );
    }
    this.webhooks.dispatch(
      item,
      webhookBody('TRANSACTIONS', 'DEFAULT_UPDATE', item.itemId, { error: null, new_transactions: added }),
    );
    if (removed.length > 0) {
      this.webhooks.dispatch(
        item,
        webhookBody('TRANSACTIONS', 'TRANSACTIONS_REMOVED', item.itemId, {
          error: null,
          removed_transactions: removed,
        }),
      );
    }
  }

  private onSyncCalled(item: ItemRecord): void {
    if (!item.billedProducts.includes(Products.Transactions)) item.billedProducts.push(Products.Transactions);
    if (!item.products.includes(Products.Transactions)) item.products.push(Products.Transactions);
    if (item.syncStarted) return;
    item.syncStarted = true;
    if (this.config.autoWebhooks && item.webhook) {
      // Plaid fires SYNC_UPDATES_AVAILABLE once history is ready after the first sync call.
      this.webhooks.later(this.config.webhookDelayMs, () => {
        if (item.removed) return;
        this.webhooks.dispatch(
          item,
          webhookBody('TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE', item.itemId, {
            initial_update_complete: true,
            historical_update_complete: true,
          }),
        );
      });
    }
  }

  private transactionAccounts(item: ItemRecord, accountId?: string): AccountBase[] {
    return item.accounts.filter(
      (a) => item.transactionAccountIds.has(a.account_id) && (!accountId || a.account_id === accountId),
    );
  }

  private parseSync(body: JsonObject): TransactionsSyncRequest {
    const access_token = requiredString(body, 'access_token');
    const cursor = optionalString(body, 'cursor');
    const count = optionalInt(body, 'count', 1, 500);
    const raw = optionalObject(body, 'options');
    const options: TransactionsSyncRequest['options'] = raw
      ? {
          include_original_description: optionalBoolean(raw, 'include_original_description') ?? false,
          account_id: optionalString(raw, 'account_id'),
          days_requested: optionalInt(raw, 'days_requested', 1, 730),
        }
      : undefined;
    return { access_token, cursor, count, options };
  }
}
