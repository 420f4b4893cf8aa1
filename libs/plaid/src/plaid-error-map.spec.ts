import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { PLAID_ERROR_TABLE, plaidErrorPolicy, UNKNOWN_PLAID_CODE } from './plaid-error-map';

// REFERENCE.md §5.2, every code in the table.
const SECTION_5_2 = [
  'ITEM_LOGIN_REQUIRED',
  'INVALID_ACCESS_TOKEN',
  'INVALID_PUBLIC_TOKEN',
  'INVALID_API_KEYS',
  'INVALID_CREDENTIALS',
  'INVALID_MFA',
  'ITEM_LOCKED',
  'USER_SETUP_REQUIRED',
  'PASSWORD_RESET_REQUIRED',
  'INSUFFICIENT_CREDENTIALS',
  'USER_INPUT_TIMEOUT',
  'ITEM_NOT_FOUND',
  'NO_ACCOUNTS',
  'ACCESS_NOT_GRANTED',
  'ADDITIONAL_CONSENT_REQUIRED',
  'PRODUCT_NOT_READY',
  'PRODUCTS_NOT_SUPPORTED',
  'PRODUCT_NOT_ENABLED',
  'ITEM_CONCURRENTLY_DELETED',
  'USER_PERMISSION_REVOKED',
  'INSTITUTION_DOWN',
  'INSTITUTION_NOT_RESPONDING',
  'INSTITUTION_NOT_AVAILABLE',
  'INSTITUTION_NO_LONGER_SUPPORTED',
  'UNSUPPORTED_RESPONSE',
  'INTERNAL_SERVER_ERROR',
  'plaid-internal-error',
  'PLANNED_MAINTENANCE',
  'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
  'TRANSACTIONS_SYNC_LIMIT',
  'TRANSACTIONS_LIMIT',
  'TRANSACTIONS_REFRESH_LIMIT',
  'ACCOUNTS_LIMIT',
  'BALANCE_LIMIT',
  'ACCOUNTS_BALANCE_GET_LIMIT',
  'ITEM_GET_LIMIT',
  'INSTITUTIONS_GET_BY_ID_LIMIT',
  'INSTITUTIONS_GET_LIMIT',
  'AUTH_LIMIT',
  'IDENTITY_LIMIT',
  'INVESTMENT_HOLDINGS_GET_LIMIT',
  'INVESTMENT_TRANSACTIONS_LIMIT',
  'RATE_LIMIT',
  'INSTITUTION_RATE_LIMIT',
  'CREDITS_EXHAUSTED',
  'INVALID_FIELD',
  'MISSING_FIELDS',
  'UNKNOWN_FIELDS',
  'INVALID_BODY',
  'INVALID_HEADERS',
  'INVALID_CONFIGURATION',
  'SANDBOX_ONLY',
  'NOT_FOUND',
  'NO_LONGER_AVAILABLE',
  'INVALID_LINK_TOKEN',
  'INVALID_WEBHOOK_VERIFICATION_KEY_ID',
  'UNAUTHORIZED_ENVIRONMENT',
  'UNAUTHORIZED_ROUTE_ACCESS',
  'INVALID_PRODUCT',
];

// Plaid's "most common" list (docs /docs/errors/).
const MOST_COMMON = [
  'ITEM_LOGIN_REQUIRED',
  'PRODUCT_NOT_READY',
  'PRODUCTS_NOT_SUPPORTED',
  'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
  'NO_ACCOUNTS',
  'ACCESS_NOT_GRANTED',
  'ADDITIONAL_CONSENT_REQUIRED',
  'INSTITUTION_NOT_RESPONDING',
  'INSTITUTION_DOWN',
  'RATE_LIMIT_EXCEEDED',
  'INTERNAL_SERVER_ERROR',
];

const RATE_LIMITS = SECTION_5_2.filter((c) => c.endsWith('_LIMIT')).concat('RATE_LIMIT_EXCEEDED');
const CONFIG_PROBLEMS = [
  'INVALID_API_KEYS',
  'UNAUTHORIZED_ENVIRONMENT',
  'UNAUTHORIZED_ROUTE_ACCESS',
  'INVALID_PRODUCT',
  'INVALID_FIELD',
  'MISSING_FIELDS',
  'UNKNOWN_FIELDS',
  'INVALID_BODY',
  'INVALID_HEADERS',
  'INVALID_CONFIGURATION',
  'SANDBOX_ONLY',
];
const LOGIN_REQUIRED = [
  'ITEM_LOGIN_REQUIRED',
  'INVALID_MFA',
  'ITEM_LOCKED',
  'USER_SETUP_REQUIRED',
  'PASSWORD_RESET_REQUIRED',
  'INSUFFICIENT_CREDENTIALS',
  'ACCESS_NOT_GRANTED',
  'ADDITIONAL_CONSENT_REQUIRED',
  'NO_ACCOUNTS',
];
const ITEM_BROKEN = [
  'ITEM_NOT_FOUND',
  'ITEM_CONCURRENTLY_DELETED',
  'INVALID_ACCESS_TOKEN',
  'INSTITUTION_NO_LONGER_SUPPORTED',
  'UNSUPPORTED_RESPONSE',
  'PRODUCTS_NOT_SUPPORTED',
  'PRODUCT_NOT_ENABLED',
];

describe('PLAID_ERROR_TABLE', () => {
  const entries = Object.entries(PLAID_ERROR_TABLE);

  it.each(entries)('%s has a consistent shape', (plaidCode, entry) => {
    expect(entry.retryable).toBe(entry.retry !== 'none');
    expect(['none', 'backoff', 'backoff_long', 'restart_sync']).toContain(entry.retry);
    expect([null, 'pending', 'healthy', 'login_required', 'expiring', 'revoked', 'error']).toContain(
      entry.itemStatus,
    );
    expect(entry.httpStatus).toBeGreaterThanOrEqual(400);
    expect(entry.httpStatus).toBeLessThan(600);
    expect(Number.isInteger(entry.httpStatus)).toBe(true);
    // Known codes are sent as Plaid's own code; the only alias normalises Plaid's lower-case internal error.
    expect(entry.code).toBe(plaidCode === 'plaid-internal-error' ? 'INTERNAL_SERVER_ERROR' : plaidCode);
    // A retry never coexists with a state that needs the user or ends the item.
    if (entry.retryable) expect(entry.itemStatus).toBeNull();
    // Update mode only makes sense for an item that is login_required (or a Link-only failure).
    if (entry.userActionRequired) expect([null, 'login_required']).toContain(entry.itemStatus);
    if (entry.itemStatus === 'login_required') expect(entry.userActionRequired).toBe(true);
    // The table is frozen and its policies are exact-keyed.
    expect(Object.keys(entry).sort()).toEqual(
      ['code', 'httpStatus', 'itemStatus', 'retry', 'retryable', 'userActionRequired'].sort(),
    );
  });

  it('is frozen', () => {
    expect(Object.isFrozen(PLAID_ERROR_TABLE)).toBe(true);
  });

  it.each([...new Set([...SECTION_5_2, ...MOST_COMMON, 'NETWORK_ERROR', 'TIMEOUT'])])('covers %s', (code) => {
    expect(PLAID_ERROR_TABLE).toHaveProperty([code]);
    expect(plaidErrorPolicy(code).known).toBe(true);
  });

  it.each(LOGIN_REQUIRED)('%s sends the user to update mode (409, login_required)', (code) => {
    expect(plaidErrorPolicy(code)).toMatchObject({
      itemStatus: 'login_required',
      userActionRequired: true,
      retryable: false,
      httpStatus: 409,
    });
  });

  it.each(ITEM_BROKEN)('%s marks the item as error without a retry', (code) => {
    expect(plaidErrorPolicy(code)).toMatchObject({
      itemStatus: 'error',
      retryable: false,
      userActionRequired: false,
    });
  });

  it('marks USER_PERMISSION_REVOKED as revoked (410)', () => {
    expect(plaidErrorPolicy('USER_PERMISSION_REVOKED')).toMatchObject({
      itemStatus: 'revoked',
      httpStatus: 410,
    });
  });

  it.each(RATE_LIMITS)('%s is our quota: 503 with backoff, item unchanged', (code) => {
    expect(plaidErrorPolicy(code, 'RATE_LIMIT_EXCEEDED')).toMatchObject({
      retry: 'backoff',
      httpStatus: 503,
      itemStatus: null,
    });
  });

  it.each([
    'INSTITUTION_DOWN',
    'INSTITUTION_NOT_RESPONDING',
    'INSTITUTION_NOT_AVAILABLE',
    'PLANNED_MAINTENANCE',
  ])('%s backs off for long and answers 503', (code) => {
    expect(plaidErrorPolicy(code)).toMatchObject({
      retry: 'backoff_long',
      httpStatus: 503,
      itemStatus: null,
    });
  });

  it.each(CONFIG_PROBLEMS)('%s is our configuration: 502, no retry', (code) => {
    expect(plaidErrorPolicy(code)).toMatchObject({ httpStatus: 502, retryable: false, itemStatus: null });
  });

  it.each([
    ['INVALID_PUBLIC_TOKEN', 400],
    ['INVALID_LINK_TOKEN', 400],
    ['INTERNAL_SERVER_ERROR', 503],
    ['NETWORK_ERROR', 503],
    ['TIMEOUT', 504],
    ['CREDITS_EXHAUSTED', 503],
  ])('%s answers %i', (code, status) => {
    expect(plaidErrorPolicy(code).httpStatus).toBe(status);
  });

  it('restarts the sync loop on a mutation during pagination', () => {
    expect(plaidErrorPolicy('TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION')).toMatchObject({
      retryable: true,
      retry: 'restart_sync',
      itemStatus: null,
    });
  });

  it('retries network errors and timeouts with backoff', () => {
    expect(plaidErrorPolicy('NETWORK_ERROR')).toMatchObject({ retryable: true, retry: 'backoff' });
    expect(plaidErrorPolicy('TIMEOUT')).toMatchObject({ retryable: true, retry: 'backoff' });
  });
});

describe(plaidErrorPolicy.name, () => {
  let warn: ReturnType<typeof jest.spyOn>;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    warn.mockRestore();
  });

  it('returns known codes under their own name without warning', () => {
    const policy = plaidErrorPolicy('ITEM_LOGIN_REQUIRED', 'ITEM_ERROR');

    expect(policy).toEqual({
      plaidCode: 'ITEM_LOGIN_REQUIRED',
      code: 'ITEM_LOGIN_REQUIRED',
      known: true,
      retryable: false,
      retry: 'none',
      itemStatus: 'login_required',
      httpStatus: 409,
      userActionRequired: true,
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('returns a copy that callers cannot use to corrupt the table', () => {
    const policy = plaidErrorPolicy('RATE_LIMIT');
    policy.httpStatus = 200;

    expect(plaidErrorPolicy('RATE_LIMIT').httpStatus).toBe(503);
  });

  it.each([
    ['RATE_LIMIT_EXCEEDED', { retryable: true, retry: 'backoff', itemStatus: null, httpStatus: 503 }],
    ['INSTITUTION_ERROR', { retryable: true, retry: 'backoff_long', itemStatus: null, httpStatus: 503 }],
    ['API_ERROR', { retryable: true, retry: 'backoff', itemStatus: null, httpStatus: 503 }],
    ['ITEM_ERROR', { retryable: false, retry: 'none', itemStatus: 'error', httpStatus: 502 }],
    ['INVALID_REQUEST', { retryable: false, retry: 'none', itemStatus: null, httpStatus: 502 }],
    ['BRAND_NEW_ERROR_TYPE', { retryable: false, retry: 'none', itemStatus: null, httpStatus: 502 }],
    [undefined, { retryable: false, retry: 'none', itemStatus: null, httpStatus: 502 }],
  ])('maps an unknown code of type %s to its family', (errorType, expected) => {
    const plaidCode = `FUTURE_CODE_${errorType ?? 'UNTYPED'}`;

    const policy = plaidErrorPolicy(plaidCode, errorType);

    expect(policy).toEqual({
      ...expected,
      plaidCode,
      code: UNKNOWN_PLAID_CODE,
      known: false,
      userActionRequired: false,
    });
  });

  it('warns loudly, once per unknown code', () => {
    plaidErrorPolicy('NEVER_SEEN_BEFORE', 'ITEM_ERROR');
    plaidErrorPolicy('NEVER_SEEN_BEFORE', 'ITEM_ERROR');
    plaidErrorPolicy('ALSO_NEVER_SEEN');

    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ plaidErrorCode: 'NEVER_SEEN_BEFORE', plaidErrorType: 'ITEM_ERROR' }),
    );
  });

  it('does not treat Object.prototype names as known codes', () => {
    expect(plaidErrorPolicy('constructor').known).toBe(false);
    expect(plaidErrorPolicy('toString').code).toBe(UNKNOWN_PLAID_CODE);
  });
});
