import { queryOptions } from '@tanstack/react-query';
import { client, type Schemas, unwrap } from '../../api/client';

export type RecurringStream = Schemas['RecurringStreamDto'];

export const recurringQuery = (query: { itemId?: string; accountId?: string } = {}) =>
  queryOptions({
    queryKey: ['recurring', query],
    queryFn: () => unwrap(client.GET('/v1/recurring', { params: { query } })),
  });
