import { queryOptions } from '@tanstack/react-query';
import { client, type Schemas, unwrap } from '../../api/client';

export type Spending = Schemas['SpendingDto'];
export type SpendingGroup = Schemas['SpendingGroupDto'];
export type GroupBy = Spending['groupBy'];
export interface SpendingQuery {
  from?: string;
  to?: string;
  itemId?: string;
  accountId?: string;
  groupBy: GroupBy;
}

export const spendingQuery = (query: SpendingQuery) =>
  queryOptions({
    queryKey: ['insights', 'spending', query],
    queryFn: () => unwrap(client.GET('/v1/insights/spending', { params: { query } })),
  });
