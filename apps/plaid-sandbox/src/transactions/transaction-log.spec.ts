import { type Transaction } from 'plaid';
import { PlaidApiError } from '../common/plaid-error';
import { syncPage } from './sync-pager';
import { type Change, TransactionLog } from './transaction-log';

const ITEM = 'item-under-test';

function makeLog(ids: string[], options: { pending?: string[] } = {}): TransactionLog {
  const log = new TransactionLog();
  log.commit((w) => {
    ids.forEach((id, i) =>
      w.add({ id, accountId: 'acc-1', source: i, pending: options.pending?.includes(id) ?? false }),
    );
  });
  return log;
}

function summarise(changes: Change[]): Record<string, string[]> {
  const out: Record<string, string[]> = { added: [], modified: [], removed: [] };
  for (const c of changes) out[c.kind].push(c.entry.id);
  return out;
}

/** Runs a full sync loop from `cursor`, as a client would: accumulate pages until has_more is false. */
function drain(
  log: TransactionLog,
  cursor: string | undefined,
  count: number,
): { changes: Record<string, string[]>; cursor: string; pages: number } {
  const all: Change[] = [];
  let pages = 0;
  let next = cursor;
  for (;;) {
    const page = syncPage(log, ITEM, next, count);
    pages++;
    all.push(...page.changes);
    next = page.nextCursor;
    if (!page.hasMore) break;
  }
  return { changes: summarise(all), cursor: next, pages };
}

describe(TransactionLog.name, () => {
  it('reports the whole history as added on the first sync', () => {
    const log = makeLog(['a', 'b', 'c']);
    expect(summarise(log.changesSince(0))).toEqual({ added: ['a', 'b', 'c'], modified: [], removed: [] });
  });

  it('classifies added, modified and removed relative to the cursor version', () => {
    const log = makeLog(['a', 'b', 'c']);
    const v1 = log.version;
    log.commit((w) => {
      w.modify('a', { amount: 10 });
      w.remove('b');
      w.add({ id: 'd', accountId: 'acc-1', source: 3, pending: false });
    });
    expect(summarise(log.changesSince(v1))).toEqual({ added: ['d'], modified: ['a'], removed: ['b'] });
    // From the beginning, a modified transaction is simply added and a removed one never existed.
    expect(summarise(log.changesSince(0))).toEqual({ added: ['c', 'a', 'd'], modified: [], removed: [] });
  });

  it('omits transactions added and removed since the cursor', () => {
    const log = makeLog(['a']);
    const v1 = log.version;
    log.commit((w) => w.add({ id: 'tmp', accountId: 'acc-1', source: 1, pending: true }));
    log.commit((w) => w.remove('tmp'));
    expect(summarise(log.changesSince(v1))).toEqual({ added: [], modified: [], removed: [] });
  });

  it('reports a transaction added then modified since the cursor once, as added', () => {
    const log = makeLog(['a']);
    const v1 = log.version;
    log.commit((w) => w.add({ id: 'n', accountId: 'acc-1', source: 1, pending: false }));
    log.commit((w) => w.modify('n', { amount: 3 }));
    expect(summarise(log.changesSince(v1))).toEqual({ added: ['n'], modified: [], removed: [] });
  });

  it('models pending to posted as the pending id removed and a posted one added with pending_transaction_id', () => {
    const log = makeLog(['p1', 'x'], { pending: ['p1'] });
    const v1 = log.version;
    expect(log.pendingCount).toBe(1);
    log.commit((w) => {
      w.remove('p1');
      const posted = {
        transaction_id: 'posted-1',
        pending: false,
        pending_transaction_id: 'p1',
      } as Transaction;
      w.add({ id: 'posted-1', accountId: 'acc-1', source: posted, pending: false });
    });
    const changes = log.changesSince(v1);
    expect(summarise(changes)).toEqual({ added: ['posted-1'], modified: [], removed: ['p1'] });
    const added = changes.find((c) => c.kind === 'added');
    expect((added?.entry.source as Transaction).pending_transaction_id).toBe('p1');
    expect(log.pendingCount).toBe(0);
    expect(log.size).toBe(2);
  });

  it('does not move the version for a commit that changes nothing', () => {
    const log = makeLog(['a']);
    const v = log.version;
    log.commit(() => undefined);
    expect(log.version).toBe(v);
  });

  it('refuses to modify or remove a transaction that is not present', () => {
    const log = makeLog(['a']);
    log.commit((w) => w.remove('a'));
    expect(() => log.commit((w) => w.modify('a', { amount: 1 }))).toThrow(/not present/);
    expect(() => log.commit((w) => w.remove('zzz'))).toThrow(/not present/);
  });
});

describe('syncPage', () => {
  const ids = Array.from({ length: 250 }, (_, i) => `t${i}`);

  it('pages a history with count, has_more and a final cursor', () => {
    const log = makeLog(ids);
    const first = syncPage(log, ITEM, undefined, 100);
    expect(first.changes).toHaveLength(100);
    expect(first.hasMore).toBe(true);
    const run = drain(log, undefined, 100);
    expect(run.pages).toBe(3);
    expect(run.changes.added).toEqual(ids);
    expect(run.cursor.length).toBeLessThanOrEqual(256);
    expect(Buffer.from(run.cursor, 'base64').toString('base64')).toBe(run.cursor);
  });

  it('answers nothing from an up-to-date cursor, and only the diff after a change', () => {
    const log = makeLog(ids);
    const { cursor } = drain(log, undefined, 500);
    expect(drain(log, cursor, 500).changes).toEqual({ added: [], modified: [], removed: [] });
    log.commit((w) => {
      w.modify('t5', { amount: 1 });
      w.remove('t6');
      w.add({ id: 'new', accountId: 'acc-1', source: 999, pending: true });
    });
    expect(drain(log, cursor, 1).changes).toEqual({ added: ['new'], modified: ['t5'], removed: ['t6'] });
  });

  it('answers TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION when data changes between pages, and a restart succeeds', () => {
    const log = makeLog(ids);
    const first = syncPage(log, ITEM, undefined, 100);
    log.commit((w) => w.modify('t1', { amount: 2 }));
    let caught: unknown;
    try {
      syncPage(log, ITEM, first.nextCursor, 100);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PlaidApiError);
    expect((caught as PlaidApiError).errorCode).toBe('TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION');
    expect((caught as PlaidApiError).errorType).toBe('TRANSACTIONS_ERROR');
    expect((caught as PlaidApiError).httpStatus).toBe(400);
    // Restarting from the start cursor (none) sees a consistent snapshot including the change.
    const restarted = drain(log, undefined, 100);
    expect(restarted.changes.added).toHaveLength(250);
  });

  it('keeps a run stable: pages of one run never overlap or skip', () => {
    const log = makeLog(ids);
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = syncPage(log, ITEM, cursor, 7);
      for (const c of page.changes) {
        expect(seen.has(c.entry.id)).toBe(false);
        seen.add(c.entry.id);
      }
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    expect(seen.size).toBe(250);
  });

  it('rejects a cursor of another item or a garbage cursor with INVALID_FIELD', () => {
    const log = makeLog(ids);
    const { cursor } = drain(log, undefined, 500);
    expect(() => syncPage(log, 'other-item', cursor, 10)).toThrow(PlaidApiError);
    expect(() => syncPage(log, ITEM, 'not-a-cursor', 10)).toThrow(/cursor is invalid/);
  });

  it('fast-forwards with the "now" cursor', () => {
    const log = makeLog(ids);
    const now = syncPage(log, ITEM, 'now', 100);
    expect(now.changes).toHaveLength(0);
    log.commit((w) => w.remove('t0'));
    expect(drain(log, now.nextCursor, 100).changes).toEqual({ added: [], modified: [], removed: ['t0'] });
  });

  it('filters a per-account stream', () => {
    const log = new TransactionLog();
    log.commit((w) => {
      w.add({ id: 'a1', accountId: 'A', source: 0, pending: false });
      w.add({ id: 'b1', accountId: 'B', source: 1, pending: false });
    });
    const page = syncPage(log, `${ITEM}:A`, undefined, 10, 'A');
    expect(page.changes.map((c) => c.entry.id)).toEqual(['a1']);
  });
});
