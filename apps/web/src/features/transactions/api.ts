import { type InfiniteData, infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { client, type Schemas, unwrap } from '../../api/client';
import { type paths } from '../../api/schema';
import { detailedLabel, humanize } from '../../lib/format';

export type Transaction = Schemas['TransactionDto'];
export type TransactionPage = Schemas['TransactionPageDto'];
export type TransactionEdit = Schemas['TransactionEditDto'];
export type TransactionQuery = NonNullable<paths['/v1/transactions']['get']['parameters']['query']>;

// The web app's own filters, kept in the URL. Money in or out is said as a direction and a size, never as
// Plaid's sign (positive = money out): the user types 50, not -50, to find income of 50 or more.
export const FILTER_KEYS = [
  'search',
  'itemId',
  'accountId',
  'from',
  'to',
  'pending',
  'direction',
  'amountFrom',
  'amountTo',
  'category',
] as const;
export type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

export function readFilters(search: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = search.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

export function filtersToSearch(filters: Filters): string {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters[k]) params.set(k, filters[k]);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

// Below any real amount of any currency: "money out" is amount > 0, not amount >= 0.
const NON_ZERO = 1e-9;

// Money in has a negative amount in Plaid's convention; a size range maps onto the signed range.
export function toApiQuery(f: Filters): TransactionQuery {
  const q: TransactionQuery = {};
  if (f.search) q.search = f.search;
  if (f.itemId) q.itemId = f.itemId;
  if (f.accountId) q.accountId = f.accountId;
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  if (f.pending === 'true' || f.pending === 'false') q.pending = f.pending === 'true';
  const lo = f.amountFrom ? Number(f.amountFrom) : undefined;
  const hi = f.amountTo ? Number(f.amountTo) : undefined;
  if (f.direction === 'out') {
    q.minAmount = Math.max(lo ?? 0, NON_ZERO);
    if (hi !== undefined) q.maxAmount = hi;
  } else if (f.direction === 'in') {
    q.maxAmount = -Math.max(lo ?? 0, NON_ZERO);
    if (hi !== undefined) q.minAmount = -hi;
  }
  return q;
}

// What the list API would answer for these filters, decided for one row (the live cache places changed rows
// with it): the same tests as the list's SQL.
export function matchesFilters(t: Transaction, f: Filters): boolean {
  const q = toApiQuery(f);
  if (t.hidden) return false;
  if (q.itemId && t.itemId !== q.itemId) return false;
  if (q.accountId && t.accountId !== q.accountId) return false;
  if (q.from && t.date < q.from) return false;
  if (q.to && t.date > q.to) return false;
  if (q.pending !== undefined && t.pending !== q.pending) return false;
  if (q.minAmount !== undefined && t.amount < q.minAmount) return false;
  if (q.maxAmount !== undefined && t.amount > q.maxAmount) return false;
  if (f.category && t.category?.primary !== f.category) return false;
  if (q.search) {
    const needle = q.search.toLowerCase();
    const hay = [t.name, t.merchantName, t.displayName, t.note];
    if (!hay.some((h) => h?.toLowerCase().includes(needle))) return false;
  }
  return true;
}

const PAGE_SIZE = 50;

export const transactionKeys = {
  all: ['transactions'] as const,
  list: (filters: Filters) => ['transactions', 'list', filters] as const,
  detail: (id: string) => ['transactions', 'detail', id] as const,
};

export const transactionListQuery = (filters: Filters) =>
  infiniteQueryOptions({
    queryKey: transactionKeys.list(filters),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/v1/transactions', {
          params: { query: { ...toApiQuery(filters), limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ).then((page) =>
        // The API has no category filter; the insights' click-through narrows its rows here.
        filters.category
          ? { ...page, data: page.data.filter((t) => t.category?.primary === filters.category) }
          : page,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: TransactionPage) => last.nextCursor ?? undefined,
  });

export type TransactionList = InfiniteData<TransactionPage, string | undefined>;

export const transactionQuery = (id: string) =>
  queryOptions({
    queryKey: transactionKeys.detail(id),
    queryFn: () => unwrap(client.GET('/v1/transactions/{id}', { params: { path: { id } } })),
  });

export const editTransaction = (id: string, body: TransactionEdit): Promise<Transaction> =>
  unwrap(client.PATCH('/v1/transactions/{id}', { params: { path: { id } }, body }));

export const categoriesQuery = queryOptions({
  queryKey: ['categories'],
  queryFn: () => unwrap(client.GET('/v1/categories')),
  staleTime: Infinity,
});

// A category value of the API (a primary or a detailed one) in words, from GET /v1/categories.
export function categoryValueLabel(value: string, groups: Schemas['CategoryGroupDto'][]): string {
  const group = groups.find((g) => g.primary === value || g.detailed.includes(value));
  if (!group) return humanize(value);
  return group.primary === value
    ? humanize(value)
    : `${humanize(group.primary)} › ${detailedLabel(group.primary, value)}`;
}
