import { createHash } from 'node:crypto';
import {
  PersonalFinanceCategoryVersion,
  RecurringTransactionFrequency,
  type Transaction,
  type TransactionStream,
  TransactionStreamStatus,
} from 'plaid';
import { addDays } from './transactions.generator';

// Frequencies by the typical gap between two transactions of a stream, with how far a gap may stray.
const CADENCES: ReadonlyArray<{ frequency: RecurringTransactionFrequency; days: number; slack: number }> = [
  { frequency: RecurringTransactionFrequency.Weekly, days: 7, slack: 1 },
  { frequency: RecurringTransactionFrequency.Biweekly, days: 14, slack: 2 },
  { frequency: RecurringTransactionFrequency.SemiMonthly, days: 15, slack: 2 },
  { frequency: RecurringTransactionFrequency.Monthly, days: 30, slack: 4 },
  { frequency: RecurringTransactionFrequency.Annually, days: 365, slack: 7 },
];

const DAY_MS = 86_400_000;

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

// Stable per item and stream: the same history answers the same stream ids.
function streamId(itemId: string, key: string): string {
  return createHash('sha256')
    .update(`${itemId}|${key}`)
    .digest('base64url')
    .replace(/[-_]/g, 'x')
    .slice(0, 37);
}

/**
 * Plaid-style recurring streams from an item's posted transactions: the same account, counterparty and direction,
 * at least two of them at a regular cadence. MATURE from three, EARLY_DETECTION with two, TOMBSTONED (inactive)
 * once two expected dates have passed without one. Amounts keep Plaid's sign (positive: money out).
 */
export function detectStreams(
  itemId: string,
  transactions: Transaction[],
  today: string,
): { inflow: TransactionStream[]; outflow: TransactionStream[] } {
  const groups = new Map<string, Transaction[]>();
  for (const t of transactions) {
    if (t.pending || t.amount === 0) continue;
    const key = `${t.account_id}|${(t.merchant_name ?? t.name ?? '').toLowerCase()}|${t.amount < 0 ? 'in' : 'out'}`;
    const list = groups.get(key);
    if (list) list.push(t);
    else groups.set(key, [t]);
  }
  const inflow: TransactionStream[] = [];
  const outflow: TransactionStream[] = [];
  for (const [key, list] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.date.localeCompare(b.date) || a.transaction_id.localeCompare(b.transaction_id));
    const gaps = list.slice(1).map((t, i) => daysBetween(list[i].date, t.date));
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    const cadence = CADENCES.find((c) => Math.abs(median - c.days) <= c.slack);
    if (!cadence || gaps.some((g) => Math.abs(g - cadence.days) > cadence.slack)) continue;
    const first = list[0];
    const last = list[list.length - 1];
    const next = addDays(last.date, cadence.days);
    const stopped = daysBetween(last.date, today) > 2 * cadence.days;
    const status = stopped
      ? TransactionStreamStatus.Tombstoned
      : list.length >= 3
        ? TransactionStreamStatus.Mature
        : TransactionStreamStatus.EarlyDetection;
    const average = Math.round((list.reduce((sum, t) => sum + t.amount, 0) / list.length) * 100) / 100;
    const currency = {
      iso_currency_code: last.iso_currency_code,
      unofficial_currency_code: last.unofficial_currency_code,
    };
    const pfc = last.personal_finance_category;
    const stream: TransactionStream = {
      account_id: last.account_id,
      stream_id: streamId(itemId, key),
      category: last.category ?? null,
      category_id: last.category_id ?? null,
      description: last.name ?? last.merchant_name ?? '',
      merchant_name: last.merchant_name ?? null,
      first_date: first.date,
      last_date: last.date,
      predicted_next_date: stopped ? null : next,
      frequency: cadence.frequency,
      transaction_ids: list.map((t) => t.transaction_id),
      average_amount: { amount: average, ...currency },
      last_amount: { amount: last.amount, ...currency },
      is_active: !stopped,
      status,
      personal_finance_category: pfc
        ? {
            primary: pfc.primary,
            detailed: pfc.detailed,
            confidence_level: pfc.confidence_level ?? null,
            version: PersonalFinanceCategoryVersion.V1,
          }
        : null,
      is_user_modified: false,
    };
    (last.amount < 0 ? inflow : outflow).push(stream);
  }
  return { inflow, outflow };
}
