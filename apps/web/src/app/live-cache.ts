import { type QueryClient } from '@tanstack/react-query';
import { ApiError, client, unwrap } from '../api/client';
import {
  type Filters,
  matchesFilters,
  type Transaction,
  type TransactionList,
  transactionKeys,
} from '../features/transactions/api';
import { type LiveEvent } from './live';

const PAGE = 500;

// Keeps the query cache current from the change feed. Transactions are applied as deltas: the app keeps a
// cursor of GET /v1/transactions/changes and, on each `transactions.changed`, reads only what changed since
// and patches every cached list and detail in place (a row edited, added in a loaded range, or removed) instead
// of refetching page one — a reader scrolled down keeps their place. Aggregates (insights, recurring) built
// from transactions are refetched; items and accounts are small and simply invalidated.
export class LiveCache {
  private cursor: string | null = null;
  private running: Promise<unknown> | null = null;
  private again = false;
  private stopped = false;
  // Ids of the transactions each warm read changed, in order (a session's worth: small).
  private readonly changed: string[] = [];

  constructor(private readonly queries: QueryClient) {}

  // The cursor starts at the head of the feed: the pages up to it are read once (and applied, which changes
  // nothing in lists fetched meanwhile), so that later reads bring only what is new.
  start(): void {
    this.stopped = false;
    this.pull();
  }

  stop(): void {
    this.stopped = true;
  }

  handle(event: LiveEvent): void {
    switch (event.type) {
      case 'transactions.changed':
        this.pull();
        return;
      case 'item.updated':
        void this.queries.invalidateQueries({ queryKey: ['items'] });
        return;
      case 'accounts.changed':
        void this.queries.invalidateQueries({ queryKey: ['accounts'] });
        void this.queries.invalidateQueries({ queryKey: ['net-worth'] });
        return;
      case 'item.removed':
      case 'resync-required':
        this.cursor = null;
        void this.queries.invalidateQueries();
        this.pull();
        return;
      case 'poll':
        // No stream: catch up with what is cheap to ask for.
        void this.queries.invalidateQueries({ queryKey: ['items'] });
        this.pull();
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  // A point in the stream of changes; `changedSince` counts what changed after it. The rules screen takes one
  // before "apply to existing" and counts after: the change feed may be read (by an event) before the rule's
  // answer arrives, so the count cannot come from one read alone. null: the cursor is still being set up.
  mark(): number | null {
    return this.cursor === null ? null : this.changed.length;
  }

  // Reads what changed up to now, then counts the transactions changed since `mark`.
  async changedSince(mark: number | null): Promise<number | null> {
    while (this.running) await this.running;
    this.running = this.read().finally(() => {
      this.running = null;
    });
    await this.running;
    return mark === null ? null : new Set(this.changed.slice(mark)).size;
  }

  // One reader at a time; an event during a read asks for one more read after it.
  private pull(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.read()
      .catch((err: unknown) => {
        // The cursor expired (410) or was refused: start over from a refetch, as a first load would.
        if (err instanceof ApiError && (err.status === 410 || err.status === 400)) {
          this.cursor = null;
          void this.queries.invalidateQueries({ queryKey: transactionKeys.all });
        }
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.pull();
        }
      });
  }

  private async read(): Promise<void> {
    let any = false;
    for (;;) {
      if (this.stopped) break;
      const page = await unwrap(
        client.GET('/v1/transactions/changes', {
          params: { query: { limit: PAGE, ...(this.cursor ? { cursor: this.cursor } : {}) } },
        }),
      );
      const warm = this.cursor !== null;
      this.cursor = page.nextCursor;
      const upserts = [...page.added, ...page.modified];
      const removed = page.removed.map((r) => r.id);
      if (upserts.length + removed.length > 0) {
        applyChanges(this.queries, upserts, removed);
        if (warm) for (const t of [...upserts, ...page.removed]) this.changed.push(t.id);
        any ||= warm;
      }
      if (!page.hasMore) break;
    }
    if (any) {
      void this.queries.invalidateQueries({ queryKey: ['insights'] });
      void this.queries.invalidateQueries({ queryKey: ['recurring'] });
    }
  }
}

// Patches every cached transaction list and detail with changed and removed rows.
export function applyChanges(queries: QueryClient, upserts: Transaction[], removed: string[]): void {
  const gone = new Set(removed);
  for (const t of upserts)
    if (queries.getQueryData(transactionKeys.detail(t.id)))
      queries.setQueryData(transactionKeys.detail(t.id), t);
  for (const id of removed) queries.removeQueries({ queryKey: transactionKeys.detail(id) });

  for (const [key, list] of queries.getQueriesData<TransactionList>({ queryKey: ['transactions', 'list'] })) {
    if (!list) continue;
    const filters = (key[2] ?? {}) as Filters;
    queries.setQueryData<TransactionList>(key, patchList(list, filters, upserts, gone));
  }
}

// Rows are ordered newest first. A changed row leaves the list when it no longer matches the filters, replaces
// itself in place when it still does, and joins the list when it newly matches and its date falls within what
// is loaded (past the last loaded row it would be on a page not fetched yet).
export function patchList(
  list: TransactionList,
  filters: Filters,
  upserts: Transaction[],
  gone: Set<string>,
): TransactionList {
  const byId = new Map(upserts.map((t) => [t.id, t]));
  const seen = new Set<string>();
  let pages = list.pages.map((page) => ({
    ...page,
    data: page.data.flatMap((row) => {
      if (gone.has(row.id)) return [];
      const next = byId.get(row.id);
      if (!next) return [row];
      seen.add(row.id);
      return matchesFilters(next, filters) ? [next] : [];
    }),
  }));
  const last = pages[pages.length - 1];
  const complete = !last || last.nextCursor === null;
  const oldest = pages.flatMap((p) => p.data).at(-1)?.date;
  const joining = upserts.filter(
    (t) =>
      !seen.has(t.id) &&
      matchesFilters(t, filters) &&
      (complete || (oldest !== undefined && t.date >= oldest)),
  );
  if (joining.length === 0) return { ...list, pages };
  // Each joins the page that holds its date (the first page whose oldest row is not newer than it).
  pages = pages.map((p) => ({ ...p, data: [...p.data] }));
  for (const t of joining) {
    const page =
      pages.find((p, i) => i === pages.length - 1 || (p.data.at(-1)?.date ?? '') <= t.date) ?? pages[0];
    if (!page) continue;
    const at = page.data.findIndex((r) => r.date <= t.date);
    page.data.splice(at === -1 ? page.data.length : at, 0, t);
  }
  return { ...list, pages };
}
