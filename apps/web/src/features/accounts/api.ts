import { queryOptions } from '@tanstack/react-query';
import { client, type Schemas, unwrap } from '../../api/client';

export type Account = Schemas['AccountDto'];

export const accountsQuery = queryOptions({
  queryKey: ['accounts'],
  queryFn: () => unwrap(client.GET('/v1/accounts')),
});

// Plaid reports what a credit card or a loan owes as a positive balance: it counts against net worth.
export const isDebt = (account: Account): boolean => account.type === 'credit' || account.type === 'loan';

export const accountLabel = (a: Account): string =>
  `${a.displayName ?? a.name}${a.mask ? ` ••${a.mask}` : ''}`;
