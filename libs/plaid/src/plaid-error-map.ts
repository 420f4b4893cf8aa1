import { Logger } from '@nestjs/common';
import { type ItemStatusValue } from '@app/contracts';
import { PlaidErrorType } from 'plaid';

// backoff: seconds → minutes; backoff_long: minutes → hours; restart_sync: rerun /transactions/sync from the
// loop's first cursor (retrying the failed page repeats the error).
export type RetryPolicy = 'none' | 'backoff' | 'backoff_long' | 'restart_sync';

export interface PlaidErrorPolicy {
  // Plaid's error_code as given.
  plaidCode: string;
  // Sent to API clients: Plaid's own code when known, 'PLAID_ERROR' otherwise.
  code: string;
  known: boolean;
  retryable: boolean;
  retry: RetryPolicy;
  // What the item becomes; null = unchanged.
  itemStatus: ItemStatusValue | null;
  // What our API answers when this happens on a request path.
  httpStatus: number;
  // The user must go through Link update mode.
  userActionRequired: boolean;
}

type TableEntry = Omit<PlaidErrorPolicy, 'plaidCode' | 'known'>;

export const UNKNOWN_PLAID_CODE = 'PLAID_ERROR';

// Families. HTTP status reasoning (our client is a frontend):
// 409 — the item needs the user (Link update mode); 410 — the item is gone at Plaid, a new Link is needed;
// 422 — the item/institution cannot do this, permanently; 400 — the client sent a bad token;
// 502 — our bug or configuration, or an unusable upstream answer; 503 — Plaid, the bank or our Plaid quota is
// temporarily unavailable (retry later); 504 — Plaid did not answer in time.
const reauth = (code: string, itemStatus: ItemStatusValue | null = 'login_required'): TableEntry => ({
  code,
  retryable: false,
  retry: 'none',
  itemStatus,
  httpStatus: 409,
  userActionRequired: true,
});
const gone = (code: string, itemStatus: ItemStatusValue): TableEntry => ({
  code,
  retryable: false,
  retry: 'none',
  itemStatus,
  httpStatus: 410,
  userActionRequired: false,
});
const fatal = (code: string, itemStatus: ItemStatusValue | null, httpStatus: number): TableEntry => ({
  code,
  retryable: false,
  retry: 'none',
  itemStatus,
  httpStatus,
  userActionRequired: false,
});
const transient = (code: string, retry: Exclude<RetryPolicy, 'none'>, httpStatus = 503): TableEntry => ({
  code,
  retryable: true,
  retry,
  itemStatus: null,
  httpStatus,
  userActionRequired: false,
});
const config = (code: string): TableEntry => fatal(code, null, 502);

const RATE_LIMIT_CODES = [
  'RATE_LIMIT_EXCEEDED',
  'RATE_LIMIT',
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
  'INSTITUTION_RATE_LIMIT',
] as const;

const CONFIG_CODES = [
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
  'SANDBOX_PRODUCT_NOT_ENABLED',
  'NOT_FOUND',
  'NO_LONGER_AVAILABLE',
  'INSTITUTION_REGISTRATION_REQUIRED',
] as const;

const LOGIN_REQUIRED_CODES = [
  'ITEM_LOGIN_REQUIRED',
  'INVALID_CREDENTIALS',
  'INVALID_MFA',
  'ITEM_LOCKED',
  'USER_SETUP_REQUIRED',
  'PASSWORD_RESET_REQUIRED',
  'INSUFFICIENT_CREDENTIALS',
  'ACCESS_NOT_GRANTED',
  'ADDITIONAL_CONSENT_REQUIRED',
  'NO_ACCOUNTS',
] as const;

// THE Plaid error map. README.md summarises it; plaid-error-map.spec.ts walks it.
export const PLAID_ERROR_TABLE: Readonly<Record<string, TableEntry>> = Object.freeze({
  // The user must act at the bank or in Link update mode.
  ...Object.fromEntries(LOGIN_REQUIRED_CODES.map((c) => [c, reauth(c)])),
  // Link-only: the user timed out in Link; nothing happens to an existing item.
  USER_INPUT_TIMEOUT: reauth('USER_INPUT_TIMEOUT', null),

  // The item is gone or revoked at Plaid: update mode cannot fix it, a new Link can.
  ITEM_NOT_FOUND: gone('ITEM_NOT_FOUND', 'error'),
  ITEM_CONCURRENTLY_DELETED: gone('ITEM_CONCURRENTLY_DELETED', 'error'),
  USER_PERMISSION_REVOKED: gone('USER_PERMISSION_REVOKED', 'revoked'),
  // A stored token Plaid does not accept (wrong environment, other client): our bug, alert.
  INVALID_ACCESS_TOKEN: fatal('INVALID_ACCESS_TOKEN', 'error', 502),

  // The institution or the item cannot provide this, permanently.
  INSTITUTION_NO_LONGER_SUPPORTED: fatal('INSTITUTION_NO_LONGER_SUPPORTED', 'error', 422),
  UNSUPPORTED_RESPONSE: fatal('UNSUPPORTED_RESPONSE', 'error', 502),
  PRODUCTS_NOT_SUPPORTED: fatal('PRODUCTS_NOT_SUPPORTED', 'error', 422),
  // Not requested at /link/token/create: our configuration.
  PRODUCT_NOT_ENABLED: fatal('PRODUCT_NOT_ENABLED', 'error', 502),
  ITEM_NOT_SUPPORTED: fatal('ITEM_NOT_SUPPORTED', 'error', 422),
  MFA_NOT_SUPPORTED: fatal('MFA_NOT_SUPPORTED', 'error', 422),

  // Data not ready yet (never from /transactions/sync): wait for the webhook or retry.
  PRODUCT_NOT_READY: transient('PRODUCT_NOT_READY', 'backoff'),
  // The bank is down: retry over hours.
  INSTITUTION_DOWN: transient('INSTITUTION_DOWN', 'backoff_long'),
  INSTITUTION_NOT_RESPONDING: transient('INSTITUTION_NOT_RESPONDING', 'backoff_long'),
  INSTITUTION_NOT_AVAILABLE: transient('INSTITUTION_NOT_AVAILABLE', 'backoff_long'),
  PLANNED_MAINTENANCE: transient('PLANNED_MAINTENANCE', 'backoff_long'),
  // Plaid itself failed.
  INTERNAL_SERVER_ERROR: transient('INTERNAL_SERVER_ERROR', 'backoff'),
  'plaid-internal-error': transient('INTERNAL_SERVER_ERROR', 'backoff'),
  TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION: transient(
    'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
    'restart_sync',
  ),

  // Our Plaid quota, not the user's fault: 503 and retry.
  ...Object.fromEntries(RATE_LIMIT_CODES.map((c) => [c, transient(c, 'backoff')])),
  // The Limited Production quota is used up: waiting does not help.
  CREDITS_EXHAUSTED: fatal('CREDITS_EXHAUSTED', null, 503),

  // Tokens the frontend gave us: relaunch Link.
  INVALID_PUBLIC_TOKEN: fatal('INVALID_PUBLIC_TOKEN', null, 400),
  INVALID_LINK_TOKEN: fatal('INVALID_LINK_TOKEN', null, 400),
  // A webhook whose JWT names a key Plaid does not know: reject it as unauthenticated.
  INVALID_WEBHOOK_VERIFICATION_KEY_ID: fatal('INVALID_WEBHOOK_VERIFICATION_KEY_ID', null, 401),
  // Our request or configuration is wrong: not the client's fault.
  ...Object.fromEntries(CONFIG_CODES.map((c) => [c, config(c)])),

  // Pseudo-codes for calls that got no answer.
  NETWORK_ERROR: transient('NETWORK_ERROR', 'backoff'),
  TIMEOUT: transient('TIMEOUT', 'backoff', 504),
} satisfies Record<string, TableEntry>);

// Unknown codes behave like their error_type's family, under our generic code.
function familyOf(errorType: string | undefined): TableEntry {
  if (errorType === PlaidErrorType.RateLimitExceeded) return PLAID_ERROR_TABLE.RATE_LIMIT;
  if (errorType === PlaidErrorType.InstitutionError) return PLAID_ERROR_TABLE.INSTITUTION_NOT_RESPONDING;
  if (errorType === PlaidErrorType.ApiError) return PLAID_ERROR_TABLE.INTERNAL_SERVER_ERROR;
  if (errorType === PlaidErrorType.ItemError) return fatal(UNKNOWN_PLAID_CODE, 'error', 502);
  // Safe default: no retry storm, item untouched, and the client learns it is not their fault.
  return fatal(UNKNOWN_PLAID_CODE, null, 502);
}

const logger = new Logger('PlaidErrorMap');
const warned = new Set<string>();
const MAX_WARNED = 1000;

export function plaidErrorPolicy(errorCode: string, errorType?: string): PlaidErrorPolicy {
  const entry = Object.hasOwn(PLAID_ERROR_TABLE, errorCode) ? PLAID_ERROR_TABLE[errorCode] : undefined;
  if (entry) return { ...entry, plaidCode: errorCode, known: true };

  if (!warned.has(errorCode) && warned.size < MAX_WARNED) {
    warned.add(errorCode);
    logger.warn({
      msg: 'Unmapped Plaid error code: add it to PLAID_ERROR_TABLE',
      plaidErrorCode: errorCode,
      plaidErrorType: errorType ?? null,
    });
  }
  return { ...familyOf(errorType), code: UNKNOWN_PLAID_CODE, plaidCode: errorCode, known: false };
}
