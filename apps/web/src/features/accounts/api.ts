import { queryOptions } from '@tanstack/react-query';
import { client, type Schemas, unwrap } from '../../api/client';

export type Account = Schemas['AccountDto'];
export type NetWorth = Schemas['NetWorthDto'];
export type BalancePoint = Schemas['BalancePointDto'];

export const accountsQuery = queryOptions({
  queryKey: ['accounts'],
  queryFn: () => unwrap(client.GET('/v1/accounts')),
});

// Hidden accounts too: the Accounts screen is where they are shown again.
export const allAccountsQuery = queryOptions({
  queryKey: ['accounts', { includeHidden: true }],
  queryFn: () => unwrap(client.GET('/v1/accounts', { params: { query: { includeHidden: true } } })),
});

export const isoDay = (offsetDays = 0): string =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export const netWorthQuery = (days: number) =>
  queryOptions({
    queryKey: ['net-worth', days],
    queryFn: () =>
      unwrap(
        client.GET('/v1/net-worth', {
          params: { query: { from: isoDay(-days), to: isoDay(0), interval: days > 120 ? 'week' : 'day' } },
        }),
      ),
  });

export const balancesQuery = (id: string, days = 90) =>
  queryOptions({
    queryKey: ['accounts', id, 'balances', days],
    queryFn: () =>
      unwrap(
        client.GET('/v1/accounts/{id}/balances', {
          params: { path: { id }, query: { from: isoDay(-days), to: isoDay(0) } },
        }),
      ),
  });

export const updateAccount = (id: string, body: Schemas['UpdateAccountDto']) =>
  unwrap(client.PATCH('/v1/accounts/{id}', { params: { path: { id } }, body }));

export const refreshBalances = (itemId: string) =>
  unwrap(client.POST('/v1/accounts/balance/refresh', { body: { itemId } }));

// Plaid reports what a credit card or a loan owes as a positive balance: it counts against net worth.
export const isDebt = (account: Account): boolean => account.type === 'credit' || account.type === 'loan';

export const accountLabel = (a: Account): string =>
  `${a.displayName ?? a.name}${a.mask ? ` ••${a.mask}` : ''}`;

export const STATUS_TEXT: Record<Account['status'], string | null> = {
  active: null,
  unlinked: 'No longer shared — not in totals',
  closed: 'Closed at the bank — not in totals',
  revoked: 'Access withdrawn — not in totals',
};
