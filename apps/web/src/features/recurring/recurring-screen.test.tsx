import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, mockGateway, renderWithQueries } from '../../test/render';
import { type RecurringStream } from './api';
import { RecurringScreen } from './recurring-screen';

const stream = (over: Partial<RecurringStream>): RecurringStream => ({
  id: 's1',
  itemId: 'i',
  accountId: 'a',
  merchantName: 'Netflix',
  description: 'NETFLIX.COM',
  frequency: 'MONTHLY',
  averageAmount: 15.49,
  lastAmount: 15.49,
  isoCurrencyCode: 'USD',
  firstDate: '2026-01-05',
  lastDate: '2026-11-05',
  predictedNextDate: '2026-12-05',
  status: 'MATURE',
  isActive: true,
  category: { primary: 'ENTERTAINMENT', detailed: 'ENTERTAINMENT_TV_AND_MOVIES' },
  transactionIds: ['t1', 't2'],
  ...over,
});

describe('RecurringScreen', () => {
  it('shows outflows and inflows with frequency, next date and linked transactions', async () => {
    mockGateway({
      'GET /v1/recurring': {
        outflows: [stream({})],
        inflows: [
          stream({ id: 's2', merchantName: 'Acme payroll', averageAmount: -2000, lastAmount: -2000 }),
        ],
      },
      'GET /v1/accounts': { data: [] },
    });
    renderWithQueries(<RecurringScreen />);
    expect(await screen.findByRole('heading', { name: 'Netflix' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Money in' })).toBeInTheDocument();
    expect(screen.getAllByText(/Every month/)).toHaveLength(2);
    expect(screen.getAllByText(/Next expected Dec 5, 2026/)).toHaveLength(2);
    expect(screen.getAllByText('2 linked transactions')).toHaveLength(2);
    expect(screen.getByText('$2,000.00')).toBeInTheDocument();
  });

  it('shows an empty state when Plaid found no recurring payments', async () => {
    mockGateway({ 'GET /v1/recurring': { outflows: [], inflows: [] }, 'GET /v1/accounts': { data: [] } });
    renderWithQueries(<RecurringScreen />);
    expect(await screen.findByText('No recurring payments found yet.')).toBeInTheDocument();
  });

  it('shows the request id of a server error', async () => {
    mockGateway({
      'GET /v1/recurring': () =>
        errorResponse(503, 'SERVICE_UNAVAILABLE', 'The service is busy. Try again soon.'),
      'GET /v1/accounts': { data: [] },
    });
    renderWithQueries(<RecurringScreen />);
    expect(await screen.findByText('The service is busy. Try again soon.')).toBeInTheDocument();
    expect(screen.getByText('req-123')).toBeInTheDocument();
  });
});
