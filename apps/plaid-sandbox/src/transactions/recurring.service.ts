import { Injectable } from '@nestjs/common';
import { type Transaction, type TransactionsRecurringGetResponse } from 'plaid';
import { type WithoutRequestId } from '../common/plaid-endpoint';
import { PlaidApiError } from '../common/plaid-error';
import { type JsonObject, optionalStringArray, requiredString } from '../common/request-fields';
import { type ItemRecord } from '../items/item.record';
import { ItemsStore } from '../items/items.store';
import { webhookBody, WebhooksService } from '../webhooks/webhooks.service';
import { detectStreams } from './recurring-streams';
import { TransactionsService } from './transactions.service';
import { utcDay } from './transactions.generator';

export type RecurringUnavailable = 'PRODUCTS_NOT_SUPPORTED' | 'PRODUCT_NOT_ENABLED';

/**
 * `/transactions/recurring/get`: streams detected in the item's own history. Generated filler history is random
 * (no cadence), so only the transactions created after linking or by the control scenarios are looked at — that
 * keeps the answer cheap at 100k transactions and deterministic. RECURRING_TRANSACTIONS_UPDATE goes out when a
 * change of the data changed the streams.
 */
@Injectable()
export class RecurringService {
  private readonly unavailable = new Map<string, RecurringUnavailable>();
  private readonly announced = new Map<string, string>();

  constructor(
    private readonly items: ItemsStore,
    private readonly transactions: TransactionsService,
    private readonly webhooks: WebhooksService,
  ) {}

  get(body: JsonObject): WithoutRequestId<TransactionsRecurringGetResponse> {
    const item = this.items.requireUsable(requiredString(body, 'access_token'));
    const code = this.unavailable.get(item.itemId);
    if (code) throw PlaidApiError.of(code);
    const accountIds = optionalStringArray(body, 'account_ids');
    for (const id of accountIds ?? []) {
      if (!item.accounts.some((a) => a.account_id === id)) throw PlaidApiError.of('INVALID_ACCOUNT_ID');
    }
    const { inflow, outflow } = this.streams(item);
    const keep = <T extends { account_id: string }>(s: T): boolean =>
      !accountIds || accountIds.length === 0 || accountIds.includes(s.account_id);
    return {
      inflow_streams: inflow.filter(keep),
      outflow_streams: outflow.filter(keep),
      updated_datetime: new Date().toISOString(),
    };
  }

  /** Control: the item answers PRODUCTS_NOT_SUPPORTED / PRODUCT_NOT_ENABLED (null: has the product again). */
  setUnavailable(item: ItemRecord, code: RecurringUnavailable | null): void {
    if (code) this.unavailable.set(item.itemId, code);
    else this.unavailable.delete(item.itemId);
  }

  /** After a change of the item's data: RECURRING_TRANSACTIONS_UPDATE when its streams changed. */
  announceIfChanged(item: ItemRecord): void {
    if (this.unavailable.has(item.itemId)) return;
    const { inflow, outflow } = this.streams(item);
    const all = [...inflow, ...outflow];
    const signature = JSON.stringify(all.map((s) => [s.stream_id, s.transaction_ids, s.status]));
    if ((this.announced.get(item.itemId) ?? '[]') === signature) return;
    this.announced.set(item.itemId, signature);
    this.webhooks.dispatch(
      item,
      webhookBody('TRANSACTIONS', 'RECURRING_TRANSACTIONS_UPDATE', item.itemId, {
        account_ids: [...new Set(all.map((s) => s.account_id))],
      }),
    );
  }

  private streams(item: ItemRecord): ReturnType<typeof detectStreams> {
    const transactions: Transaction[] = [];
    for (const entry of item.log.presentNewestFirst()) {
      if (typeof entry.source !== 'number') transactions.push(this.transactions.materialize(item, entry));
    }
    return detectStreams(item.itemId, transactions, utcDay(new Date()));
  }
}
