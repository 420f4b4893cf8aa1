import { Injectable } from '@nestjs/common';
import { type AccountBase, AccountSubtype, AccountType } from 'plaid';
import { Rng } from '../common/ids';
import { PlaidApiError } from '../common/plaid-error';
import {
  isObject,
  type JsonObject,
  optionalBoolean,
  optionalInt,
  optionalString,
} from '../common/request-fields';
import { isoSeconds } from '../common/time';
import { type ItemRecord } from '../items/item.record';
import { ItemsStore } from '../items/items.store';
import { TransactionsService } from '../transactions/transactions.service';
import { webhookBody, WebhooksService } from '../webhooks/webhooks.service';
import { type CustomTransactionSpec } from './accounts.factory';

const TYPES = new Set<string>(Object.values(AccountType));
const SUBTYPES = new Set<string>(Object.values(AccountSubtype));
const DESCRIPTIONS = ['Grocery Outlet', 'Transit Pass', 'Coffee Corner', 'Online Store', 'Utility Co'];

export interface AddedAccount {
  account_id: string;
  shared: boolean;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * An Item's accounts over its life, as tests drive them: accounts opened at the institution (shared at once, or
 * waiting for the user to share them in update mode with account selection), accounts closing, and balances
 * moving day by day. Everything derives from the item id (itself from the seed), so a run is reproducible.
 */
@Injectable()
export class AccountLifecycleService {
  constructor(
    private readonly store: ItemsStore,
    private readonly transactions: TransactionsService,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Opens an account at the institution. Unshared (the default): NEW_ACCOUNTS_AVAILABLE is fired. */
  addAccount(itemId: string, body: JsonObject): AddedAccount {
    const item = this.requireItem(itemId);
    const type = optionalString(body, 'type') ?? 'depository';
    const subtype =
      optionalString(body, 'subtype') ??
      (type === 'credit' ? 'credit card' : type === 'loan' ? 'student' : 'checking');
    if (!TYPES.has(type)) throw PlaidApiError.invalidField(`type is invalid: ${type}`);
    if (!SUBTYPES.has(subtype)) throw PlaidApiError.invalidField(`subtype is invalid: ${subtype}`);
    const n = item.accounts.length + (item.unsharedAccounts?.length ?? 0);
    const rng = Rng.from(item.itemId, 'opened-account', n);
    const current = numberField(body, 'current') ?? round2(rng.int(100, 500_000) / 100);
    const available =
      body.available === null
        ? null
        : (numberField(body, 'available') ?? (type === 'depository' ? current : null));
    const account: AccountBase = {
      account_id: rng.plaidId(),
      balances: {
        available,
        current,
        limit: numberField(body, 'limit') ?? null,
        iso_currency_code: optionalString(body, 'currency') ?? 'USD',
        unofficial_currency_code: null,
      },
      mask: optionalString(body, 'mask') ?? String(rng.int(0, 9999)).padStart(4, '0'),
      name: optionalString(body, 'name') ?? `New ${subtype}`,
      official_name: null,
      subtype: subtype as AccountSubtype,
      type: type as AccountType,
    };
    const history = this.history(item, account, optionalInt(body, 'history', 0, 500) ?? 5);
    const shared = optionalBoolean(body, 'shared') ?? false;
    if (shared) {
      item.accounts.push(account);
      if (history.length > 0) this.transactions.addAccountHistory(item, account.account_id, history);
    } else {
      (item.unsharedAccounts ??= []).push(account);
      (item.unsharedHistory ??= new Map()).set(account.account_id, history);
      if (optionalBoolean(body, 'webhook') !== false && item.webhook) {
        this.webhooks.dispatch(
          item,
          webhookBody('ITEM', 'NEW_ACCOUNTS_AVAILABLE', item.itemId, { error: null }),
        );
      }
    }
    return { account_id: account.account_id, shared };
  }

  /** The account is closed at the institution: Plaid stops returning it. */
  closeAccount(itemId: string, accountId: string): { closed: true } {
    const item = this.requireItem(itemId);
    const before = item.accounts.length + (item.unsharedAccounts?.length ?? 0);
    item.accounts = item.accounts.filter((a) => a.account_id !== accountId);
    item.unsharedAccounts = item.unsharedAccounts?.filter((a) => a.account_id !== accountId);
    if (item.accounts.length + (item.unsharedAccounts?.length ?? 0) === before)
      throw PlaidApiError.of('INVALID_ACCOUNT_ID', `unknown account_id: ${accountId}`);
    return { closed: true };
  }

  /**
   * Moves balances `days` days forward (a deterministic daily change per account), then applies explicit values,
   * then stamps them `as_of` (last_updated_datetime; omitted: the time of each call).
   */
  moveBalances(itemId: string, body: JsonObject): { accounts: AccountBase[] } {
    const item = this.requireItem(itemId);
    const days = optionalInt(body, 'days', 0, 3650) ?? 0;
    const start = item.balanceDays ?? 0;
    for (let d = start + 1; d <= start + days; d++) {
      for (const a of item.accounts) {
        const delta = Rng.from(item.itemId, a.account_id, 'balance', d).int(-5000, 5000) / 100;
        const current = Math.max(0, round2((a.balances.current ?? 0) + delta));
        const spread =
          a.balances.available === null ? null : round2((a.balances.current ?? 0) - a.balances.available);
        a.balances = {
          ...a.balances,
          current,
          available: spread === null ? null : round2(current - spread),
        };
      }
    }
    item.balanceDays = start + days;
    if (Array.isArray(body.accounts)) {
      for (const [i, raw] of body.accounts.entries()) {
        if (!isObject(raw)) throw PlaidApiError.invalidField(`accounts[${i}] must be an object`);
        const id = optionalString(raw, 'account_id');
        const account = item.accounts.find((a) => a.account_id === id);
        if (!account) throw PlaidApiError.of('INVALID_ACCOUNT_ID', `unknown account_id: ${String(id)}`);
        const current = numberField(raw, 'current');
        const available = raw.available === null ? null : numberField(raw, 'available');
        account.balances = {
          ...account.balances,
          ...(current !== undefined ? { current } : {}),
          ...(available !== undefined ? { available } : {}),
        };
      }
    }
    const asOf = optionalString(body, 'as_of');
    if (asOf !== undefined) {
      const date = new Date(asOf);
      if (Number.isNaN(date.getTime()))
        throw PlaidApiError.invalidField('as_of must be an ISO 8601 date-time');
      item.balanceAsOf = date;
    } else if (body.as_of === null) {
      item.balanceAsOf = null;
    }
    return { accounts: item.accounts };
  }

  /** The accounts as Plaid returns them, with last_updated_datetime when the institution set one. */
  stamped(item: ItemRecord, accounts: AccountBase[], now?: Date): AccountBase[] {
    const at = item.balanceAsOf ?? now;
    if (!at) return accounts;
    const stamp = isoSeconds(at);
    return accounts.map((a) => ({ ...a, balances: { ...a.balances, last_updated_datetime: stamp } }));
  }

  /**
   * Update mode with account selection finished: `selected` (default: every account) becomes the shared set;
   * newly shared accounts bring their history, deselected ones wait among the unshared.
   */
  applySelection(item: ItemRecord, selected: string[] | undefined): void {
    const all = [...item.accounts, ...(item.unsharedAccounts ?? [])];
    const chosen = selected ?? all.map((a) => a.account_id);
    const unknown = chosen.filter((id) => !all.some((a) => a.account_id === id));
    if (unknown.length > 0)
      throw PlaidApiError.of('INVALID_ACCOUNT_ID', `unknown account_ids: ${unknown.join(', ')}`);
    const wasShared = new Set(item.accounts.map((a) => a.account_id));
    item.accounts = all.filter((a) => chosen.includes(a.account_id));
    item.unsharedAccounts = all.filter((a) => !chosen.includes(a.account_id));
    for (const a of item.accounts) {
      if (wasShared.has(a.account_id)) continue;
      const history = item.unsharedHistory?.get(a.account_id) ?? [];
      item.unsharedHistory?.delete(a.account_id);
      if (history.length > 0) this.transactions.addAccountHistory(item, a.account_id, history);
    }
  }

  private history(item: ItemRecord, account: AccountBase, count: number): CustomTransactionSpec[] {
    const rng = Rng.from(item.itemId, account.account_id, 'history');
    const today = Date.now();
    return Array.from({ length: count }, (_, k) => {
      const day = isoDay(new Date(today - (1 + k * 3) * 86_400_000));
      return {
        date_transacted: day,
        date_posted: day,
        amount: round2(rng.int(100, 20_000) / 100),
        description: rng.pick(DESCRIPTIONS),
        currency: account.balances.iso_currency_code ?? 'USD',
      };
    });
  }

  private requireItem(itemId: string): ItemRecord {
    const item = this.store.get(itemId);
    if (!item) throw PlaidApiError.of('ITEM_NOT_FOUND', `unknown item_id: ${itemId}`);
    return item;
  }
}

function numberField(body: JsonObject, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw PlaidApiError.invalidField(`${field} must be a number`);
  return v;
}
