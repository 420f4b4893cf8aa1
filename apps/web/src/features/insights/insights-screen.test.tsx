import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockGateway, renderWithQueries } from '../../test/render';
import { InsightsScreen } from './insights-screen';

describe('InsightsScreen', () => {
  it('draws one bar per category and currency apart, each a link to the transactions behind it', async () => {
    window.history.replaceState(null, '', '/insights?from=2026-10-01&to=2026-10-31');
    mockGateway({
      'GET /v1/items': { data: [] },
      'GET /v1/accounts': { data: [] },
      'GET /v1/insights/spending': (url: URL) =>
        url.searchParams.get('from') === '2026-10-01'
          ? {
              groupBy: 'category',
              groups: [
                { key: 'FOOD_AND_DRINK', currency: 'USD', outflow: 412.3, inflow: 0, count: 17 },
                { key: 'TRAVEL', currency: 'USD', outflow: 80, inflow: 0, count: 2 },
                { key: 'TRAVEL', currency: 'EUR', outflow: 45, inflow: 0, count: 1 },
              ],
              totals: [
                { currency: 'USD', outflow: 492.3, inflow: 0, count: 19 },
                { currency: 'EUR', outflow: 45, inflow: 0, count: 1 },
              ],
            }
          : {
              groupBy: 'category',
              groups: [],
              totals: [{ currency: 'USD', outflow: 300, inflow: 0, count: 9 }],
            },
    });
    renderWithQueries(<InsightsScreen />);

    const usd = await screen.findByRole('group', { name: 'Spending by category in USD' });
    const bars = usd.querySelectorAll('a');
    expect(bars).toHaveLength(2);
    expect(bars[0]).toHaveAttribute(
      'aria-label',
      'Food and drink: $412.30 spent in 17 transactions. Show them.',
    );
    expect(bars[0].getAttribute('href')).toBe(
      '/transactions?from=2026-10-01&to=2026-10-31&direction=out&category=FOOD_AND_DRINK',
    );
    expect(
      screen.getByRole('group', { name: 'Spending by category in EUR' }).querySelectorAll('a'),
    ).toHaveLength(1);
    expect(screen.getByRole('heading', { name: '$492.30 spent (USD)' })).toBeInTheDocument();
    expect(await screen.findByText(/\$300\.00 in the previous period/)).toBeInTheDocument();
  });
});
