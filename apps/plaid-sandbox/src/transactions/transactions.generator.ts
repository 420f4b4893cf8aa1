import {
  PersonalFinanceCategoryVersion,
  type Transaction,
  TransactionPaymentChannelEnum,
  TransactionTransactionTypeEnum,
} from 'plaid';
import { Rng } from '../common/ids';
import { type AccountRole, type Merchant, pickMerchant } from './merchants';

/** Everything needed to rebuild generated transaction #i of an item without storing it. */
export interface HistoryContext {
  /** Seed of the login (seed + institution + username): the same login gets the same history. */
  profileSeed: number;
  count: number;
  spanDays: number;
  /** UTC day the item was created; generated dates are relative to it, as in Plaid Sandbox. */
  baseDate: string;
}

export interface TxDescriptor {
  merchant: Merchant;
  role: AccountRole;
  amountCents: number;
  daysAgo: number;
  authLagDays: number;
  minuteOfDay: number;
  pending: boolean;
}

export interface CustomTransactionInput {
  id: string;
  accountId: string;
  merchant?: Merchant;
  description: string;
  amount: number;
  date: string;
  authorizedDate: string | null;
  pending: boolean;
  pendingTransactionId?: string | null;
  currency?: string;
  minuteOfDay?: number;
}

const DAY_MS = 86_400_000;

export function addDays(isoDate: string, days: number): string {
  const t = Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS;
  return new Date(t).toISOString().slice(0, 10);
}

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** History spans the requested days, stretched for big histories (at most 2 years, as Plaid). */
export function historySpanDays(count: number, daysRequested: number): number {
  return Math.max(daysRequested, Math.min(730, Math.ceil(count / 40)));
}

/** The most recent few transactions are pending. */
export function pendingCountFor(count: number): number {
  return Math.min(count, Math.max(count > 0 ? 1 : 0, Math.min(8, Math.ceil(count * 0.04))));
}

export function describeGenerated(ctx: HistoryContext, index: number): TxDescriptor {
  const rng = new Rng((ctx.profileSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const merchant = pickMerchant(rng.next());
  const role = merchant.roles[Math.floor(rng.next() * merchant.roles.length)];
  const amountCents =
    merchant.minCents + Math.floor(rng.next() * (merchant.maxCents - merchant.minCents + 1));
  const pending = index >= ctx.count - pendingCountFor(ctx.count);
  // Index order is chronological: index 0 is the oldest.
  let daysAgo = Math.floor(((ctx.count - 1 - index) * ctx.spanDays) / Math.max(1, ctx.count));
  if (pending) daysAgo = Math.min(daysAgo, 2);
  const authLagDays = pending ? 0 : rng.int(0, 2);
  const minuteOfDay = rng.int(7 * 60, 22 * 60);
  return { merchant, role, amountCents, daysAgo, authLagDays, minuteOfDay, pending };
}

export function generatedTransaction(
  ctx: HistoryContext,
  index: number,
  id: string,
  accountId: string,
): Transaction {
  const d = describeGenerated(ctx, index);
  const date = addDays(ctx.baseDate, -d.daysAgo);
  return buildTransaction({
    id,
    accountId,
    merchant: d.merchant,
    description: d.merchant.description,
    amount: d.amountCents / 100,
    date,
    authorizedDate: addDays(date, -d.authLagDays),
    pending: d.pending,
    minuteOfDay: d.minuteOfDay,
  });
}

function isoAt(date: string, minuteOfDay: number): string {
  const h = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const m = String(minuteOfDay % 60).padStart(2, '0');
  return `${date}T${h}:${m}:00Z`;
}

/** A complete Plaid Transaction: every field the type requires, null where Plaid gives null. */
export function buildTransaction(input: CustomTransactionInput): Transaction {
  const m = input.merchant;
  const logo = m?.slug ? `https://plaid-merchant-logos.plaid.com/${m.slug}.png` : null;
  const primary = m?.primary ?? (input.amount < 0 ? 'TRANSFER_IN' : 'GENERAL_MERCHANDISE');
  const detailed =
    m?.detailed ??
    (input.amount < 0 ? 'TRANSFER_IN_DEPOSIT' : 'GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE');
  const minute = input.minuteOfDay ?? 12 * 60;
  const authorizedDatetime = input.authorizedDate ? isoAt(input.authorizedDate, minute) : null;
  return {
    account_id: input.accountId,
    account_owner: null,
    amount: input.amount,
    authorized_date: input.authorizedDate,
    authorized_datetime: authorizedDatetime,
    category: m?.category ?? null,
    category_id: m?.categoryId ?? null,
    check_number: null,
    counterparties:
      m?.merchantName && m.counterpartyType
        ? [
            {
              name: m.merchantName,
              type: m.counterpartyType,
              logo_url: logo,
              website: m.website,
              entity_id: m.slug ? `ent_${m.slug}` : null,
              confidence_level: 'VERY_HIGH',
            },
          ]
        : [],
    date: input.date,
    datetime: input.pending ? null : isoAt(input.date, minute),
    iso_currency_code: input.currency ?? 'USD',
    location: {
      address: null,
      city: m?.channel === TransactionPaymentChannelEnum.InStore ? (m.city ?? null) : null,
      region: m?.channel === TransactionPaymentChannelEnum.InStore ? (m.region ?? null) : null,
      postal_code: null,
      country: m?.channel === TransactionPaymentChannelEnum.InStore && m.city ? 'US' : null,
      lat: null,
      lon: null,
      store_number: null,
    },
    logo_url: logo,
    merchant_entity_id: m?.slug ? `ent_${m.slug}` : null,
    merchant_name: m?.merchantName ?? null,
    name: input.description,
    original_description: null,
    payment_channel: m?.channel ?? TransactionPaymentChannelEnum.Other,
    payment_meta: {
      by_order_of: null,
      payee: null,
      payer: null,
      payment_method: null,
      payment_processor: null,
      ppd_id: null,
      reason: null,
      reference_number: null,
    },
    pending: input.pending,
    pending_transaction_id: input.pendingTransactionId ?? null,
    personal_finance_category: {
      primary,
      detailed,
      confidence_level: m ? 'VERY_HIGH' : 'LOW',
      version: PersonalFinanceCategoryVersion.V1,
    },
    personal_finance_category_icon_url: `https://plaid-category-icons.plaid.com/PFC_${primary}.png`,
    transaction_code: null,
    transaction_id: input.id,
    transaction_type:
      m?.channel === TransactionPaymentChannelEnum.Online
        ? TransactionTransactionTypeEnum.Digital
        : m?.channel === TransactionPaymentChannelEnum.InStore
          ? TransactionTransactionTypeEnum.Place
          : TransactionTransactionTypeEnum.Special,
    unofficial_currency_code: null,
    website: m?.website ?? null,
  };
}
