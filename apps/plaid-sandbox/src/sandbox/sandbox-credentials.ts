import { PlaidApiError } from '../common/plaid-error';
import { isObject } from '../common/request-fields';

/** The force_error values Plaid's user_custom accepts (REFERENCE §6). */
export const FORCEABLE_ERRORS = [
  'INSTITUTION_NOT_RESPONDING',
  'INSTITUTION_NO_LONGER_SUPPORTED',
  'INVALID_CREDENTIALS',
  'INVALID_MFA',
  'ITEM_LOCKED',
  'ITEM_LOGIN_REQUIRED',
  'ITEM_NOT_SUPPORTED',
  'INVALID_LINK_TOKEN',
  'MFA_NOT_SUPPORTED',
  'NO_ACCOUNTS',
  'PLAID_ERROR',
  'USER_INPUT_TIMEOUT',
  'USER_SETUP_REQUIRED',
  // Also reachable with `error_<CODE>` passwords.
  'INSTITUTION_DOWN',
  'INSTITUTION_NOT_AVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'PASSWORD_RESET_REQUIRED',
  'INSUFFICIENT_CREDENTIALS',
] as const;

export interface LoginOutcome {
  dynamic: boolean;
  /** An error the Item is created in (ITEM_LOGIN_REQUIRED): data calls then fail with it. */
  itemError: PlaidApiError | null;
  overrideAccounts: unknown[] | null;
}

function forced(code: string): PlaidApiError {
  if (!(FORCEABLE_ERRORS as readonly string[]).includes(code)) {
    throw PlaidApiError.invalidField(`force_error: unsupported error code ${code}`);
  }
  if (code === 'PLAID_ERROR') return PlaidApiError.of('INTERNAL_SERVER_ERROR');
  return PlaidApiError.of(code);
}

/**
 * What logging in with these Sandbox credentials does. Link-time errors are thrown (the Item is never
 * created); ITEM_LOGIN_REQUIRED yields an Item already in that error state.
 * `user_good` needs `pass_good` (or a special password); other usernames accept any non-blank password.
 */
export function evaluateLogin(username: string, password: string): LoginOutcome {
  if (username.trim() === '' || password.trim() === '') throw PlaidApiError.of('INVALID_CREDENTIALS');
  let forceError: string | null = null;
  let overrideAccounts: unknown[] | null = null;
  if (username === 'user_custom') {
    let config: unknown;
    try {
      config = JSON.parse(password);
    } catch {
      throw PlaidApiError.invalidField(
        'override_password for user_custom must be a JSON configuration object',
      );
    }
    if (!isObject(config))
      throw PlaidApiError.invalidField(
        'override_password for user_custom must be a JSON configuration object',
      );
    if (typeof config.force_error === 'string') forceError = config.force_error;
    if (config.override_accounts !== undefined) {
      if (!Array.isArray(config.override_accounts))
        throw PlaidApiError.invalidField('override_accounts must be an array');
      overrideAccounts = config.override_accounts;
    }
  } else if (password.startsWith('error_')) {
    forceError = password.slice('error_'.length);
  } else if (
    username === 'user_good' &&
    password !== 'pass_good' &&
    !/^(mfa_|microdeposits_good|credential_good)/.test(password)
  ) {
    throw PlaidApiError.of('INVALID_CREDENTIALS');
  }
  let itemError: PlaidApiError | null = null;
  if (forceError !== null) {
    const error = forced(forceError);
    if (forceError !== 'ITEM_LOGIN_REQUIRED') throw error;
    itemError = error;
  }
  if (overrideAccounts !== null && overrideAccounts.length === 0) throw PlaidApiError.of('NO_ACCOUNTS');
  return { dynamic: username === 'user_transactions_dynamic', itemError, overrideAccounts };
}
