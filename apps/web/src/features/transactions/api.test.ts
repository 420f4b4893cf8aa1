import { describe, expect, it } from 'vitest';
import { toApiQuery } from './api';

describe('toApiQuery', () => {
  it('finds money in without a negative number: "in, at least 50" is amount <= -50 in Plaid\'s sign', () => {
    expect(toApiQuery({ direction: 'in', amountFrom: '50' })).toEqual({ maxAmount: -50 });
    expect(toApiQuery({ direction: 'in', amountFrom: '10', amountTo: '20' })).toEqual({
      maxAmount: -10,
      minAmount: -20,
    });
  });

  it('maps money out to positive amounts, and "any" money in to everything below zero', () => {
    expect(toApiQuery({ direction: 'out', amountTo: '100' })).toEqual({ minAmount: 1e-9, maxAmount: 100 });
    expect(toApiQuery({ direction: 'in' }).maxAmount).toBeLessThan(0);
  });

  it('passes the plain filters through with their API types', () => {
    expect(toApiQuery({ search: 'rent', pending: 'false', from: '2026-01-01' })).toEqual({
      search: 'rent',
      pending: false,
      from: '2026-01-01',
    });
  });
});
