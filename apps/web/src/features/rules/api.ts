import { queryOptions } from '@tanstack/react-query';
import { client, type Schemas, unwrap } from '../../api/client';

export type Rule = Schemas['RuleDto'];
export type RuleInput = Schemas['CreateRuleDto'];

export const rulesQuery = queryOptions({
  queryKey: ['rules'],
  queryFn: () => unwrap(client.GET('/v1/rules')),
});

export const createRule = (body: RuleInput) => unwrap(client.POST('/v1/rules', { body }));
export const updateRule = (id: string, body: Schemas['UpdateRuleDto']) =>
  unwrap(client.PATCH('/v1/rules/{id}', { params: { path: { id } }, body }));
export const deleteRule = (id: string, applyToExisting: boolean) =>
  unwrap(client.DELETE('/v1/rules/{id}', { params: { path: { id }, query: { applyToExisting } } }));
