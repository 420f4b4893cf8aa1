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
export const createLinkToken = (itemId?: string) =>
  unwrap(client.POST('/v1/plaid/link-token', { body: itemId ? { itemId } : {} }));
export const exchangePublicToken = (publicToken: string) =>
  unwrap(client.POST('/v1/plaid/exchange', { body: { publicToken } }));
