import { queryOptions } from '@tanstack/react-query';
import { client, type Schemas, unwrap } from '../../api/client';

export type Item = Schemas['ItemDto'];

export const itemsQuery = queryOptions({
  queryKey: ['items'],
  queryFn: () => unwrap(client.GET('/v1/items')),
});

export const syncItem = (id: string) =>
  unwrap(client.POST('/v1/items/{id}/sync', { params: { path: { id } } }));
export const removeItem = (id: string) =>
  unwrap(client.DELETE('/v1/items/{id}', { params: { path: { id } } }));
export const getConfig = () => unwrap(client.GET('/v1/config'));
// With itemId: update mode on that item; with accountSelection too, the user picks the accounts to share again.
export const createLinkToken = (itemId?: string, accountSelection = false) =>
  unwrap(
    client.POST('/v1/plaid/link-token', {
      body: itemId ? (accountSelection ? { itemId, accountSelection } : { itemId }) : {},
    }),
  );
export const refreshItemAccounts = (id: string) =>
  unwrap(client.POST('/v1/items/{id}/accounts/refresh', { params: { path: { id } } }));
export const exchangePublicToken = (publicToken: string) =>
  unwrap(client.POST('/v1/plaid/exchange', { body: { publicToken } }));
