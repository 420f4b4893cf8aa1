import { Injectable } from '@nestjs/common';
import { CounterpartyType, type Transaction, TransactionPaymentChannelEnum } from 'plaid';
import { PlaidApiError } from '../common/plaid-error';
import { type ItemRecord } from '../items/item.record';
import { ItemsStore } from '../items/items.store';
import { webhookBody, WebhooksService } from '../webhooks/webhooks.service';
import { type Merchant } from './merchants';
import { RecurringService } from './recurring.service';
import { type LogWriter } from './transaction-log';
import { addDays, buildTransaction, utcDay } from './transactions.generator';
import { TransactionsService } from './transactions.service';

export interface ScenarioOptions {
  webhook?: boolean;
}

export interface PostOptions extends ScenarioOptions {
  /** false: the posted transaction does not name its pending one (some institutions never do). */
  withPendingTransactionId?: boolean;
  /** The posted amount when it differs (a tip). */
  amount?: number;
  /** Puts `pageSize` other new transactions between the pending's removal and the posted one (or the reverse). */
  splitPages?: 'removed-first' | 'posted-first';
  pageSize?: number;
}

const merchant = (
  m: Pick<Merchant, 'description' | 'merchantName' | 'primary' | 'detailed' | 'category' | 'categoryId'> &
    Partial<Merchant>,
): Merchant => ({
  slug: null,
  website: null,
  channel: TransactionPaymentChannelEnum.Other,
  counterpartyType: CounterpartyType.Merchant,
  minCents: 0,
  maxCents: 0,
  weight: 0,
  roles: ['checking'],
  ...m,
});

// The recurring series the `recurring` scenario writes into an item's history (dates relative to today).
const SERIES = [
  {
    key: 'rent',
    role: 'checking',
    every: 30,
    count: 4,
    firstDaysAgo: 5,
    amount: () => 1850,
    merchant: merchant({
      description: 'ACME PROPERTIES RENT',
      merchantName: 'Acme Properties',
      primary: 'RENT_AND_UTILITIES',
      detailed: 'RENT_AND_UTILITIES_RENT',
      category: ['Payment', 'Rent'],
      categoryId: '16002000',
    }),
  },
  {
    key: 'coffee',
    role: 'credit',
    every: 7,
    count: 10,
    firstDaysAgo: 2,
    amount: (k: number) => 5.75 + (k % 3) * 0.25,
    merchant: merchant({
      description: 'BLUE BOTTLE COFFEE',
      merchantName: 'Blue Bottle Coffee',
      primary: 'FOOD_AND_DRINK',
      detailed: 'FOOD_AND_DRINK_COFFEE',
      category: ['Food and Drink', 'Restaurants', 'Coffee Shop'],
      categoryId: '13005043',
      channel: TransactionPaymentChannelEnum.InStore,
    }),
  },
  {
    key: 'salary',
    role: 'checking',
    every: 14,
    count: 6,
    firstDaysAgo: 3,
    amount: () => -2450,
    merchant: merchant({
      description: 'ACME CORP PAYROLL',
      merchantName: 'Acme Corp',
      primary: 'INCOME',
      detailed: 'INCOME_WAGES',
      category: ['Transfer', 'Payroll'],
      categoryId: '21009000',
    }),
  },
  {
    key: 'subscription',
    role: 'credit',
    every: 30,
    count: 4,
    firstDaysAgo: 75,
    amount: () => 10.99,
    merchant: merchant({
      description: 'SPOTIFY USA',
      merchantName: 'Spotify',
      primary: 'ENTERTAINMENT',
      detailed: 'ENTERTAINMENT_MUSIC_AND_AUDIO',
      category: ['Service', 'Subscription'],
      categoryId: '18061000',
      channel: TransactionPaymentChannelEnum.Online,
    }),
  },
] as const;

/**
 * Control scenarios on an item's data, each one commit of its log followed by SYNC_UPDATES_AVAILABLE (and
 * RECURRING_TRANSACTIONS_UPDATE when the streams changed): recurring series, a transfer between two of the
 * item's accounts, and the life of a pending transaction (posts with or without pending_transaction_id, with
 * another amount, or vanishes).
 */
@Injectable()
export class ScenariosService {
  constructor(
    private readonly items: ItemsStore,
    private readonly transactions: TransactionsService,
    private readonly recurring: RecurringService,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Monthly rent, a weekly coffee, a biweekly salary and a monthly subscription that stopped 75 days ago. */
  addRecurring(itemId: string, options: ScenarioOptions): Record<string, string[]> {
    const item = this.require(itemId);
    const today = utcDay(new Date());
    const ids: Record<string, string[]> = {};
    item.log.commit((w) => {
      for (const s of SERIES) {
        const accountId = this.account(item, s.role);
        ids[s.key] = [];
        for (let k = s.count - 1; k >= 0; k--) {
          const date = addDays(today, -(s.firstDaysAgo + k * s.every));
          const tx = this.build(item, accountId, {
            merchant: s.merchant,
            description: s.merchant.description,
            amount: s.amount(k),
            date,
          });
          ids[s.key].push(this.add(w, item, tx).transaction_id);
        }
      }
    });
    this.changed(item, options);
    return ids;
  }

  /** Money out of the checking account and, a day later, the same amount into savings (or onto the card). */
  addTransfer(itemId: string, amount: number, options: ScenarioOptions): { out: string; in: string } {
    const item = this.require(itemId);
    const from = item.roles.checking;
    const to = item.roles.savings ?? item.roles.credit;
    if (!from || !to)
      throw PlaidApiError.invalidField('the item needs a checking and a savings or credit account');
    const toCard = to === item.roles.credit;
    const today = utcDay(new Date());
    const ids = item.log.commit((w) => {
      const out = this.build(item, from, {
        description: toCard ? 'PAYMENT TO CREDIT CARD' : 'ONLINE TRANSFER TO SAVINGS',
        amount,
        date: addDays(today, -1),
        merchant: merchant({
          description: '',
          merchantName: null,
          counterpartyType: null,
          primary: toCard ? 'LOAN_PAYMENTS' : 'TRANSFER_OUT',
          detailed: toCard ? 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT' : 'TRANSFER_OUT_SAVINGS',
          category: ['Transfer', 'Debit'],
          categoryId: '21006000',
        }),
      });
      const into = this.build(item, to, {
        description: toCard ? 'PAYMENT THANK YOU' : 'ONLINE TRANSFER FROM CHECKING',
        amount: -amount,
        date: today,
        merchant: merchant({
          description: '',
          merchantName: null,
          counterpartyType: null,
          primary: 'TRANSFER_IN',
          detailed: toCard ? 'TRANSFER_IN_ACCOUNT_TRANSFER' : 'TRANSFER_IN_SAVINGS',
          category: ['Transfer', 'Credit'],
          categoryId: '21005000',
        }),
      });
      return { out: this.add(w, item, out).transaction_id, in: this.add(w, item, into).transaction_id };
    });
    this.changed(item, options);
    return ids;
  }

  /** A new pending card transaction at a restaurant. */
  addPending(itemId: string, amount: number, options: ScenarioOptions): { transaction_id: string } {
    const item = this.require(itemId);
    const accountId = this.account(item, 'credit');
    const today = utcDay(new Date());
    const id = item.log.commit((w) => {
      const tx = this.build(item, accountId, {
        description: 'THE CORNER BISTRO',
        amount,
        date: today,
        pending: true,
        merchant: merchant({
          description: 'THE CORNER BISTRO',
          merchantName: 'The Corner Bistro',
          primary: 'FOOD_AND_DRINK',
          detailed: 'FOOD_AND_DRINK_RESTAURANT',
          category: ['Food and Drink', 'Restaurants'],
          categoryId: '13005000',
          channel: TransactionPaymentChannelEnum.InStore,
        }),
      });
      return this.add(w, item, tx).transaction_id;
    });
    this.changed(item, options);
    return { transaction_id: id };
  }

  /** The pending transaction posts: removed, and a posted one added (naming it unless told otherwise). */
  post(itemId: string, pendingId: string, options: PostOptions): { transaction_id: string; fillers: number } {
    const item = this.require(itemId);
    const pending = this.requirePending(item, pendingId);
    const before = this.transactions.materialize(item, pending);
    const today = utcDay(new Date());
    const fillers = options.splitPages ? (options.pageSize ?? 500) : 0;
    const id = item.log.commit((w) => {
      const posted: Transaction = {
        ...before,
        transaction_id: item.rng.plaidId(),
        pending: false,
        pending_transaction_id: options.withPendingTransactionId === false ? null : pending.id,
        amount: options.amount ?? before.amount,
        authorized_date: before.authorized_date ?? before.date,
        date: today,
        datetime: `${today}T12:00:00Z`,
      };
      const order =
        options.splitPages === 'posted-first' ? ['add', 'fill', 'remove'] : ['remove', 'fill', 'add'];
      for (const step of order) {
        if (step === 'remove') w.remove(pending.id);
        else if (step === 'add') this.add(w, item, posted);
        else this.fill(w, item, fillers, today);
      }
      return posted.transaction_id;
    });
    this.changed(item, options);
    return { transaction_id: id, fillers };
  }

  /** The pending transaction disappears without posting (an authorization that was released). */
  vanish(itemId: string, pendingId: string, options: ScenarioOptions): { removed: string } {
    const item = this.require(itemId);
    this.requirePending(item, pendingId);
    item.log.commit((w) => w.remove(pendingId));
    this.changed(item, options);
    return { removed: pendingId };
  }

  private fill(w: LogWriter, item: ItemRecord, count: number, today: string): void {
    const accountId = this.account(item, 'checking');
    for (let i = 0; i < count; i++) {
      const tx = this.build(item, accountId, { description: 'ATM FEE REFUND', amount: -0.01, date: today });
      this.add(w, item, tx);
    }
  }

  private build(
    item: ItemRecord,
    accountId: string,
    t: { description: string; amount: number; date: string; pending?: boolean; merchant?: Merchant },
  ): Transaction {
    return buildTransaction({
      id: item.rng.plaidId(),
      accountId,
      merchant: t.merchant,
      description: t.description,
      amount: Math.round(t.amount * 100) / 100,
      date: t.date,
      authorizedDate: t.date,
      pending: t.pending ?? false,
    });
  }

  private add(w: LogWriter, item: ItemRecord, tx: Transaction): Transaction {
    w.add({ id: tx.transaction_id, accountId: tx.account_id, source: tx, pending: tx.pending });
    item.transactionAccountIds.add(tx.account_id);
    return tx;
  }

  private account(item: ItemRecord, role: 'checking' | 'credit'): string {
    const id = item.roles[role] ?? item.roles.checking ?? item.roles.credit ?? item.accounts[0]?.account_id;
    if (!id) throw PlaidApiError.invalidField('the item has no account');
    return id;
  }

  private changed(item: ItemRecord, options: ScenarioOptions): void {
    if (options.webhook === false) return;
    this.webhooks.dispatch(
      item,
      webhookBody('TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE', item.itemId, {
        initial_update_complete: true,
        historical_update_complete: true,
      }),
    );
    this.recurring.announceIfChanged(item);
  }

  private require(itemId: string): ItemRecord {
    const item = this.items.get(itemId);
    if (!item) throw PlaidApiError.of('ITEM_NOT_FOUND', `unknown item_id: ${itemId}`);
    return item;
  }

  private requirePending(
    item: ItemRecord,
    id: string,
  ): { id: string; accountId: string } & Parameters<TransactionsService['materialize']>[1] {
    const entry = item.log.get(id);
    if (!entry || entry.removedAt !== 0 || !entry.pending) {
      throw PlaidApiError.invalidField(`${id} is not a present pending transaction of this item`);
    }
    return entry;
  }
}
