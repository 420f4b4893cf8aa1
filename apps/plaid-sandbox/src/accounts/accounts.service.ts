import { Injectable } from '@nestjs/common';
import { type AccountBase, type AccountsGetResponse } from 'plaid';
import { type WithoutRequestId } from '../common/plaid-endpoint';
import { PlaidApiError } from '../common/plaid-error';
import {
  type JsonObject,
  optionalObject,
  optionalStringArray,
  requiredString,
} from '../common/request-fields';
import { AccountLifecycleService } from './account-lifecycle.service';
import { ItemsService } from '../items/items.service';
import { ItemsStore } from '../items/items.store';
import { type ItemRecord } from '../items/item.record';

@Injectable()
export class AccountsService {
  constructor(
    private readonly store: ItemsStore,
    private readonly items: ItemsService,
    private readonly lifecycle: AccountLifecycleService,
  ) {}

  /** Cached balances, as of the last update. */
  get(body: JsonObject): WithoutRequestId<AccountsGetResponse> {
    const item = this.store.requireUsable(requiredString(body, 'access_token'));
    return { accounts: this.lifecycle.stamped(item, this.select(item, body)), item: this.items.view(item) };
  }

  /** "Real-time" balances: the same numbers, stamped now. */
  balanceGet(body: JsonObject): WithoutRequestId<AccountsGetResponse> {
    const item = this.store.requireUsable(requiredString(body, 'access_token'));
    item.lastSuccessfulUpdate = new Date();
    const accounts = this.lifecycle.stamped(item, this.select(item, body), new Date());
    return { accounts, item: this.items.view(item) };
  }

  private select(item: ItemRecord, body: JsonObject): AccountBase[] {
    const options = optionalObject(body, 'options');
    const ids = options ? optionalStringArray(options, 'account_ids') : undefined;
    if (!ids || ids.length === 0) return item.accounts;
    const unknown = ids.filter((id) => !item.accounts.some((a) => a.account_id === id));
    if (unknown.length > 0)
      throw PlaidApiError.of(
        'INVALID_ACCOUNT_ID',
        `one or more of the account IDs is invalid: ${unknown.join(', ')}`,
      );
    return item.accounts.filter((a) => ids.includes(a.account_id));
  }
}
