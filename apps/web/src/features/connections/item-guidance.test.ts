import { describe, expect, it } from 'vitest';
import { type Item } from './api';
import { guidance } from './item-guidance';

const item = (over: Partial<Item>): Item => ({
  id: 'i',
  institutionId: null,
  institutionName: 'Bank',
  status: 'healthy',
  error: null,
  consentExpiresAt: null,
  lastSyncedAt: null,
  plaidLastUpdatedAt: null,
  stale: false,
  newAccountsAvailable: false,
  createdAt: '2026-12-01T00:00:00Z',
  ...over,
});

describe('guidance', () => {
  it('offers account selection, not a repair, for new accounts on a healthy item', () => {
    expect(guidance(item({ newAccountsAvailable: true }))).toMatchObject({
      action: 'share',
      actionLabel: 'Share new accounts',
    });
  });

  it('says what to do for every status, and offers a repair only where Link can help', () => {
    const statuses: Item['status'][] = [
      'pending',
      'healthy',
      'login_required',
      'expiring',
      'revoked',
      'error',
    ];
    const actions = statuses.map((status) => [status, guidance(item({ status })).action]);
    expect(actions).toEqual([
      ['pending', null],
      ['healthy', null],
      ['login_required', 'repair'],
      ['expiring', 'repair'],
      ['revoked', null],
      ['error', null],
    ]);
    for (const status of statuses.filter((s) => s !== 'healthy'))
      expect(guidance(item({ status })).todo).toMatch(/\.$/);
  });
});
