import { describe, expect, it } from 'vitest';
import { type Transaction, type TransactionList } from '../features/transactions/api';
import { patchList } from './live-cache';

const tx = (overrides: Partial<Transaction>): Transaction => ({
  id: 't',
  accountId: 'a1',
  itemId: 'i1',
  amount: 10,
  isoCurrencyCode: 'USD',
  date: '2026-11-10',
  authorizedDate: null,
  datetime: null,
  name: 'Coffee',
  merchantName: null,
  pending: false,
  pendingTransactionId: null,
  paymentChannel: null,
  category: null,
  logoUrl: null,
  plaidCategory: null,
  note: null,
  hidden: false,
  excludeFromSpending: false,
  displayName: null,
  transferPairId: null,
  ...overrides,
});

const list = (pages: { data: Transaction[]; nextCursor: string | null }[]): TransactionList => ({
  pages,
  pageParams: pages.map((_, i) => (i === 0 ? undefined : `c${i}`)),
});
const ids = (l: TransactionList): string[] => l.pages.flatMap((p) => p.data.map((t) => t.id));

describe('patchList', () => {
  const loaded = list([
    { data: [tx({ id: 'a', date: '2026-11-20' }), tx({ id: 'b', date: '2026-11-15' })], nextCursor: 'c1' },
    { data: [tx({ id: 'c', date: '2026-11-10' })], nextCursor: 'c2' },
  ]);

  it('replaces an edited row in place and keeps the pages a reader has scrolled through', () => {
    const next = patchList(loaded, {}, [tx({ id: 'b', date: '2026-11-15', note: 'lunch' })], new Set());
    expect(ids(next)).toEqual(['a', 'b', 'c']);
    expect(next.pages[0].data[1].note).toBe('lunch');
    expect(next.pages).toHaveLength(2);
  });

  it('drops removed rows and rows that no longer match the filters (hidden, or money in under "out")', () => {
    const next = patchList(
      loaded,
      { direction: 'out' },
      [tx({ id: 'a', date: '2026-11-20', hidden: true }), tx({ id: 'c', date: '2026-11-10', amount: -5 })],
      new Set(['b']),
    );
    expect(ids(next)).toEqual([]);
  });

  it('adds a new row where its date belongs, but not past the last loaded row of an unfinished list', () => {
    const next = patchList(
      loaded,
      {},
      [tx({ id: 'new', date: '2026-11-16' }), tx({ id: 'old', date: '2026-01-01' })],
      new Set(),
    );
    expect(ids(next)).toEqual(['a', 'new', 'b', 'c']);
  });

  it('adds a row to a search only when its name, merchant, display name or note contains the words', () => {
    const empty = list([{ data: [], nextCursor: null }]);
    const next = patchList(
      empty,
      { search: 'rent' },
      [tx({ id: 'x', name: 'ACH RENT OCT' }), tx({ id: 'y', name: 'Coffee' })],
      new Set(),
    );
    expect(ids(next)).toEqual(['x']);
  });
});
