import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, mockGateway, renderWithQueries } from '../../test/render';
import { deviceName, SettingsScreen } from './settings-screen';

describe('SettingsScreen', () => {
  it('marks this device, and says a wrong current password under its field without a request id', async () => {
    mockGateway({
      'GET /v1/auth/me': { id: 'u', email: 'ada@example.com', createdAt: '2026-12-01T00:00:00Z' },
      'GET /v1/auth/sessions': {
        data: [
          {
            id: 's1',
            createdAt: '2026-12-01T00:00:00Z',
            lastUsedAt: '2026-12-07T00:00:00Z',
            userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0',
            ip: '203.0.113.1',
            current: true,
          },
          {
            id: 's2',
            createdAt: '2026-12-02T00:00:00Z',
            lastUsedAt: '2026-12-06T00:00:00Z',
            userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1',
            ip: null,
            current: false,
          },
        ],
      },
      'POST /v1/auth/password': () => errorResponse(401, 'INVALID_CREDENTIALS', 'The password is wrong'),
      // A 401 makes the client refresh once and ask again; the second 401 is the answer.
      'POST /v1/auth/refresh': { accessToken: 'token', tokenType: 'Bearer', expiresIn: 900 },
    });
    renderWithQueries(<SettingsScreen />);

    expect(await screen.findByText('This device')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Sign out\s*Safari on iOS/ })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Current password'), 'nope nope');
    await userEvent.type(screen.getByLabelText('New password'), 'a much better passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('This is not your current password.')).toBeInTheDocument();
    expect(screen.queryByText(/Request id/)).toBeNull();
  });
});

describe('deviceName', () => {
  it('names browser and system, or says it does not know', () => {
    expect(deviceName('Mozilla/5.0 (Windows NT 10.0) Chrome/156.0 Edg/156.0')).toBe('Edge on Windows');
    expect(deviceName('curl/8.0')).toBe('Another app');
    expect(deviceName(null)).toBe('Unknown device');
  });
});
