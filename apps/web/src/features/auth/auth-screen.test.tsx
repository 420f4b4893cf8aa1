import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, mockGateway } from '../../test/render';
import { AuthScreen } from './auth-screen';

describe('AuthScreen', () => {
  it("shows the API's field errors under their fields and moves focus to the first refused field", async () => {
    mockGateway({
      'POST /v1/auth/signup': () =>
        errorResponse(400, 'VALIDATION_FAILED', 'Request validation failed', [
          { field: 'password', messages: ['password must be 8 to 128 characters'] },
        ]),
    });
    render(<AuthScreen mode="signup" />);
    await userEvent.type(screen.getByLabelText('Email'), 'a@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(await screen.findByText('password must be 8 to 128 characters')).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveFocus();
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    // A validation problem is the user's to fix: no request id, no "Request validation failed" banner.
    expect(screen.queryByText(/Request id/)).not.toBeInTheDocument();
  });

  it("says a throttled login's wait in words, not seconds", async () => {
    mockGateway({
      'POST /v1/auth/login': () =>
        new Response(
          JSON.stringify({ statusCode: 429, code: 'TOO_MANY_REQUESTS', message: 'Too many', requestId: 'r' }),
          {
            status: 429,
            headers: { 'Content-Type': 'application/json', 'Retry-After': '728' },
          },
        ),
    });
    render(<AuthScreen mode="login" />);
    await userEvent.type(screen.getByLabelText('Email'), 'a@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'whatever1');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByText('Too many attempts. Try again in 13 minutes.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Log in' })).toHaveAttribute('aria-disabled', 'true');
  });
});
