import { Rng } from '../common/ids';
import { MERCHANTS } from './merchants';
import { TransactionLog } from './transaction-log';
import {
  describeGenerated,
  generatedTransaction,
  type HistoryContext,
  historySpanDays,
  pendingCountFor,
} from './transactions.generator';
import { syncPage } from './sync-pager';

const ctx = (overrides: Partial<HistoryContext> = {}): HistoryContext => ({
  profileSeed: 42,
  count: 120,
  spanDays: historySpanDays(120, 90),
  baseDate: '2026-01-31',
  ...overrides,
});

/** What the service does for a new item: ids from the item's PRNG, content rebuilt on demand. */
function seedLog(context: HistoryContext, itemSeed: string): { log: TransactionLog; ids: string[] } {
  const log = new TransactionLog();
  const rng = Rng.from(itemSeed);
  const ids: string[] = [];
  log.commit((w) => {
    for (let i = 0; i < context.count; i++) {
      const d = describeGenerated(context, i);
      const id = rng.plaidId();
      ids.push(id);
      w.add({ id, accountId: d.role, source: i, pending: d.pending });
    }
  });
  return { log, ids };
}

describe('transactions generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = Array.from({ length: 50 }, (_, i) => generatedTransaction(ctx(), i, `id${i}`, 'acc'));
    const b = Array.from({ length: 50 }, (_, i) => generatedTransaction(ctx(), i, `id${i}`, 'acc'));
    const c = Array.from({ length: 50 }, (_, i) =>
      generatedTransaction(ctx({ profileSeed: 43 }), i, `id${i}`, 'acc'),
    );
    expect(a).toEqual(b);
    expect(c.map((t) => t.amount)).not.toEqual(a.map((t) => t.amount));
  });

  it('builds complete, realistic transactions within the requested window', () => {
    const context = ctx();
    const txs = Array.from({ length: context.count }, (_, i) =>
      generatedTransaction(context, i, `id${i}`, 'acc'),
    );
    const oldest = '2025-11-02'; // 90 days before the base date
    for (const t of txs) {
      expect(t.date >= oldest && t.date <= context.baseDate).toBe(true);
      expect(t.iso_currency_code).toBe('USD');
      expect(t.personal_finance_category?.primary).toMatch(/^[A-Z_]+$/);
      expect(t.personal_finance_category?.detailed.startsWith(t.personal_finance_category.primary)).toBe(
        true,
      );
      expect(['online', 'in store', 'other']).toContain(t.payment_channel);
      expect(t).toHaveProperty('pending_transaction_id', null);
      expect(t).toHaveProperty('account_owner', null);
      expect(t).toHaveProperty('transaction_code', null);
      expect(Number.isInteger(Math.round(t.amount * 100))).toBe(true);
    }
    expect(txs.some((t) => t.amount < 0)).toBe(true);
    expect(txs.filter((t) => t.pending)).toHaveLength(pendingCountFor(context.count));
    expect(txs.filter((t) => t.pending).every((t) => t.date >= '2026-01-29')).toBe(true);
    expect(new Set(txs.map((t) => t.merchant_name)).size).toBeGreaterThan(10);
    expect(MERCHANTS.length).toBeGreaterThan(20);
  });

  it('generates 100k transactions per item quickly, deterministically and within memory budget', () => {
    const context = ctx({ count: 100_000, spanDays: historySpanDays(100_000, 90) });
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const started = Date.now();
    const { log, ids } = seedLog(context, 'seed-42:item-1');
    const elapsed = Date.now() - started;
    const grown = process.memoryUsage().heapUsed - before;
    expect(log.size).toBe(100_000);
    expect(new Set(ids).size).toBe(100_000);
    expect(grown).toBeLessThan(150 * 1024 * 1024);
    expect(elapsed).toBeLessThan(5_000);
    expect(context.spanDays).toBe(730);

    // Same seed → same ids and same content; another seed → other ids.
    const again = seedLog(context, 'seed-42:item-1');
    expect(again.ids.slice(0, 1000)).toEqual(ids.slice(0, 1000));
    expect(again.ids[99_999]).toBe(ids[99_999]);
    expect(generatedTransaction(context, 77_777, ids[77_777], 'acc')).toEqual(
      generatedTransaction(context, 77_777, again.ids[77_777], 'acc'),
    );
    expect(seedLog(ctx({ count: 10 }), 'seed-43:item-1').ids[0]).not.toBe(
      seedLog(ctx({ count: 10 }), 'seed-42:item-1').ids[0],
    );

    // The full history drains in 200 pages of the maximum count.
    let cursor: string | undefined;
    let pages = 0;
    let total = 0;
    for (;;) {
      const page = syncPage(log, 'item-1', cursor, 500);
      pages++;
      total += page.changes.length;
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    expect(pages).toBe(200);
    expect(total).toBe(100_000);
  });
});
