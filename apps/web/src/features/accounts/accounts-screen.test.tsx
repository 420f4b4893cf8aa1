import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, mockGateway, renderWithQueries } from '../../test/render';
import { AccountsScreen } from './accounts-screen';
import { trendText } from './net-worth';

const item = {
  id: '00000000-0000-4000-8000-000000000001',
  institutionId: 'ins_1',
  institutionName: 'First Platypus Bank',
  status: 'healthy',
  error: null,
  consentExpiresAt: null,
  lastSyncedAt: '2026-12-07T10:00:00Z',
  plaidLastUpdatedAt: null,
  stale: false,
  newAccountsAvailable: false,
  createdAt: '2026-12-01T10:00:00Z',
};
const account = (over: Record<string, unknown>) => ({
  id: '00000000-0000-4000-8000-0000000000a1',
  itemId: item.id,
  name: 'Plaid Checking',
  displayName: null,
  officialName: null,
  mask: '0000',
  type: 'depository',
  subtype: 'checking',
  status: 'active',
  hidden: false,
  balances: {
    available: 100,
    current: 110,
    limit: null,
    isoCurrencyCode: 'USD',
    unofficialCurrencyCode: null,
  },
  ...over,
});

describe('AccountsScreen', () => {
  it('shows closed accounts as such, renames by keyboard and says a balance refresh wait in words', async () => {
    const patched: unknown[] = [];
    mockGateway({
      'GET /v1/items': { data: [item] },
      'GET /v1/accounts': {
        data: [
          account({}),
          account({ id: '00000000-0000-4000-8000-0000000000a2', name: 'Old Card', status: 'closed' }),
        ],
      },
      'GET /v1/net-worth': {
        currency: 'USD',
        series: [{ date: '2026-12-07', assets: 110, liabilities: 0, netWorth: 110 }],
        otherCurrencies: [],
      },
      'PATCH /v1/accounts/00000000-0000-4000-8000-0000000000a1': async (_url: URL, req: Request) => {
        patched.push(await req.json());
        return account({ displayName: 'Everyday' });
      },
      'POST /v1/accounts/balance/refresh': () => {
        const res = errorResponse(429, 'RATE_LIMITED', 'Balances were refreshed moments ago');
        res.headers.set('Retry-After', '240');
        return res;
      },
    });
    renderWithQueries(<AccountsScreen />);

    expect(await screen.findByText('Closed at the bank — not in totals')).toBeInTheDocument();
    const checking = screen
      .getAllByRole('listitem')
      .find((li) => li.textContent?.startsWith('Plaid Checking'))!;
    await userEvent.click(within(checking).getByRole('button', { name: /^Rename/ }));
    const input = screen.getByLabelText('Name for Plaid Checking');
    await userEvent.clear(input);
    await userEvent.type(input, 'Everyday{Enter}');
    expect(patched).toEqual([{ displayName: 'Everyday' }]);

    await userEvent.click(screen.getByRole('button', { name: /^Refresh balances/ }));
    expect(
      await screen.findByText('Balances were refreshed a moment ago. You can refresh again in 4 minutes.'),
    ).toBeInTheDocument();
  });
});

describe('trendText', () => {
  it('says the change since the first point, and nothing for one point', () => {
    const p = (date: string, netWorth: number) => ({ date, assets: netWorth, liabilities: 0, netWorth });
    expect(trendText([p('2026-11-01', 100)], 'USD')).toBeNull();
    expect(trendText([p('2026-11-01', 100), p('2026-11-02', 40)], 'USD')).toMatch(
      /^down \$60\.00 since Nov 1, 2026$/,
    );
  });
});
