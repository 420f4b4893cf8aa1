import { type PlaidError, PlaidErrorType } from 'plaid';

interface ErrorSpec {
  type: PlaidErrorType;
  status: number;
  message: string;
  display?: string;
}

const USER_RELINK =
  "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state";

// error_code → type, HTTP status and Plaid's usual wording (REFERENCE §5.2).
export const ERROR_CATALOG: Record<string, ErrorSpec> = {
  INVALID_API_KEYS: {
    type: PlaidErrorType.InvalidInput,
    status: 400,
    message: 'invalid client_id or secret provided',
  },
  INVALID_ACCESS_TOKEN: {
    type: PlaidErrorType.InvalidInput,
    status: 400,
    message:
      'provided access token is in an invalid format. expected format: access-<environment>-<identifier>',
  },
  INVALID_PUBLIC_TOKEN: {
    type: PlaidErrorType.InvalidInput,
    status: 400,
    message:
      'provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged',
  },
  INVALID_LINK_TOKEN: {
    type: PlaidErrorType.InvalidInput,
    status: 400,
    message: 'provided link token is invalid or expired',
  },
  INVALID_INSTITUTION: {
    type: PlaidErrorType.InvalidInput,
    status: 400,
    message: 'invalid institution_id provided',
  },
  INVALID_PRODUCT: { type: PlaidErrorType.InvalidInput, status: 400, message: 'invalid product provided' },
  INVALID_ACCOUNT_ID: {
    type: PlaidErrorType.InvalidInput,
    status: 400,
    message: 'one or more of the account IDs is invalid',
  },
  USER_PERMISSION_REVOKED: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'the user has revoked access to this item',
    display: 'The user has revoked their permission for this application to access their financial data.',
  },
  INVALID_WEBHOOK_VERIFICATION_KEY_ID: {
    type: PlaidErrorType.InvalidInput,
    status: 400,
    message:
      'invalid key_id provided. note that key_ids are specific to Plaid environments, and verification requests must be made to the same environment that the webhook was sent from',
  },
  INVALID_BODY: {
    type: PlaidErrorType.InvalidRequest,
    status: 400,
    message: 'body could not be parsed as JSON',
  },
  INVALID_HEADERS: {
    type: PlaidErrorType.InvalidRequest,
    status: 400,
    message: 'Content-Type header must be application/json',
  },
  INVALID_FIELD: {
    type: PlaidErrorType.InvalidRequest,
    status: 400,
    message: 'one or more of the request fields are invalid',
  },
  MISSING_FIELDS: {
    type: PlaidErrorType.InvalidRequest,
    status: 400,
    message: 'the following required fields are missing',
  },
  NOT_FOUND: { type: PlaidErrorType.InvalidRequest, status: 404, message: 'not found' },
  ITEM_LOGIN_REQUIRED: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: USER_RELINK,
    // Plaid's display_message is for end users and null here (its docs' example); USER_RELINK is developer text.
  },
  ITEM_NOT_FOUND: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message:
      'The Item you requested cannot be found. This Item does not exist, has been previously removed via /item/remove, or has had access removed by the user.',
  },
  INVALID_CREDENTIALS: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'the provided credentials were not correct',
    display: 'The provided credentials were not correct. Please try again.',
  },
  INVALID_MFA: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'the provided MFA response(s) were not correct',
    display: 'The provided MFA responses were not correct. Please try again.',
  },
  ITEM_LOCKED: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message:
      "the account is locked. prompt the user to visit the institution's site and unlock their account",
    display:
      "The given account has been locked by the financial institution. Please visit your financial institution's website to unlock your account.",
  },
  ITEM_NOT_SUPPORTED: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'this account is currently not supported',
    display: 'The given account is not currently supported for this financial institution.',
  },
  MFA_NOT_SUPPORTED: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'this account requires a MFA type that we do not currently support',
    display:
      'The multi-factor security features enabled on this account are not currently supported for this financial institution.',
  },
  NO_ACCOUNTS: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'no valid accounts were found for this item',
    display:
      "No valid accounts were found at the financial institution. Please visit your financial institution's website to confirm accounts are available.",
  },
  USER_SETUP_REQUIRED: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message:
      "the account has not been fully set up. prompt the user to visit the issuing institution's site and finish the setup process",
    display: 'The given account requires additional setup at the financial institution.',
  },
  USER_INPUT_TIMEOUT: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'user must retry this operation',
    display: 'The application timed out waiting for user input',
  },
  PASSWORD_RESET_REQUIRED: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'the user must reset their password at the institution',
    display: 'The given account requires a password reset at the financial institution.',
  },
  INSUFFICIENT_CREDENTIALS: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'insufficient authorization was provided to complete the request',
    display: 'The user did not provide sufficient authorization.',
  },
  PRODUCT_NOT_READY: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message:
      'the requested product is not yet ready. please provide a webhook or try the request again later',
  },
  PRODUCT_NOT_ENABLED: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'a requested product is not enabled for the current access token',
  },
  PRODUCTS_NOT_SUPPORTED: {
    type: PlaidErrorType.ItemError,
    status: 400,
    message: 'the requested products are not supported by this item',
  },
  INSTITUTION_DOWN: {
    type: PlaidErrorType.InstitutionError,
    status: 400,
    message: 'this institution is not currently responding to this request. please try again soon',
    display:
      'This financial institution is not currently responding to requests. We apologize for the inconvenience.',
  },
  INSTITUTION_NOT_RESPONDING: {
    type: PlaidErrorType.InstitutionError,
    status: 400,
    message: 'this institution is not currently responding to this request. please try again soon',
    display:
      'This financial institution is not currently responding to requests. We apologize for the inconvenience.',
  },
  INSTITUTION_NOT_AVAILABLE: {
    type: PlaidErrorType.InstitutionError,
    status: 400,
    message: 'this institution is not currently responding to this request. please try again soon',
    display:
      'This financial institution is not currently responding to requests. We apologize for the inconvenience.',
  },
  INSTITUTION_NO_LONGER_SUPPORTED: {
    type: PlaidErrorType.InstitutionError,
    status: 400,
    message: 'this institution is no longer supported',
    display: 'This financial institution is no longer supported. We apologize for the inconvenience.',
  },
  INTERNAL_SERVER_ERROR: {
    type: PlaidErrorType.ApiError,
    status: 500,
    message: 'an unexpected error occurred',
    display: 'Unexpected error. Please try again later.',
  },
  PLANNED_MAINTENANCE: {
    type: PlaidErrorType.ApiError,
    status: 503,
    message: 'the Plaid API is undergoing planned maintenance',
    display: 'This service is undergoing planned maintenance. Please try again later.',
  },
  TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION: {
    type: PlaidErrorType.TransactionsError,
    status: 400,
    message:
      'Underlying transaction data changed since last page was fetched. Please restart pagination from last update.',
  },
  RATE_LIMIT: { type: PlaidErrorType.RateLimitExceeded, status: 429, message: 'rate limit exceeded' },
  TRANSACTIONS_SYNC_LIMIT: {
    type: PlaidErrorType.RateLimitExceeded,
    status: 429,
    message: 'rate limit exceeded for attempts to access this item. please try again later',
  },
  TRANSACTIONS_REFRESH_LIMIT: {
    type: PlaidErrorType.RateLimitExceeded,
    status: 429,
    message: 'rate limit exceeded for attempts to refresh this item. please try again later',
  },
  ACCOUNTS_LIMIT: {
    type: PlaidErrorType.RateLimitExceeded,
    status: 429,
    message: 'rate limit exceeded for attempts to access this item. please try again later',
  },
  BALANCE_LIMIT: {
    type: PlaidErrorType.RateLimitExceeded,
    status: 429,
    message: 'rate limit exceeded for attempts to access this item. please try again later',
  },
  ITEM_GET_LIMIT: {
    type: PlaidErrorType.RateLimitExceeded,
    status: 429,
    message: 'rate limit exceeded for attempts to access this item. please try again later',
  },
  INSTITUTION_RATE_LIMIT: {
    type: PlaidErrorType.RateLimitExceeded,
    status: 429,
    message: 'rate limit exceeded for this institution. please try again later',
  },
  SANDBOX_PRODUCT_NOT_ENABLED: {
    type: PlaidErrorType.SandboxError,
    status: 400,
    message: 'the requested product is not enabled for this item',
  },
  SANDBOX_WEBHOOK_INVALID: {
    type: PlaidErrorType.SandboxError,
    status: 400,
    message: 'the webhook for this item is either not set or is invalid',
  },
};

const DOC_SLUG: Partial<Record<PlaidErrorType, string>> = {
  [PlaidErrorType.InvalidRequest]: 'invalid-request',
  [PlaidErrorType.InvalidInput]: 'invalid-input',
  [PlaidErrorType.ItemError]: 'item',
  [PlaidErrorType.InstitutionError]: 'institution',
  [PlaidErrorType.ApiError]: 'api',
  [PlaidErrorType.RateLimitExceeded]: 'rate-limit-exceeded',
  [PlaidErrorType.TransactionsError]: 'transactions',
  [PlaidErrorType.SandboxError]: 'sandbox',
};

export function isPlaidErrorType(value: string): value is PlaidErrorType {
  return (Object.values(PlaidErrorType) as string[]).includes(value);
}

/** Thrown anywhere in the emulator; the exception filter renders it as Plaid's error object. */
export class PlaidApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorType: PlaidErrorType,
    readonly errorCode: string,
    message: string,
    readonly displayMessage: string | null = null,
  ) {
    super(message);
    this.name = 'PlaidApiError';
  }

  static of(
    code: string,
    message?: string,
    overrides: { status?: number; type?: PlaidErrorType } = {},
  ): PlaidApiError {
    const spec = ERROR_CATALOG[code] ?? ERROR_CATALOG.INTERNAL_SERVER_ERROR;
    return new PlaidApiError(
      overrides.status ?? spec.status,
      overrides.type ?? spec.type,
      code,
      message ?? spec.message,
      spec.display ?? null,
    );
  }

  static missingFields(fields: string[]): PlaidApiError {
    return PlaidApiError.of(
      'MISSING_FIELDS',
      `the following required fields are missing: ${fields.join(', ')}`,
    );
  }

  static invalidField(message: string): PlaidApiError {
    return PlaidApiError.of('INVALID_FIELD', message);
  }

  /** The object as an API response body (with request_id) or, without one, as it appears in item.error. */
  toPlaidError(requestId?: string): PlaidError {
    const slug = DOC_SLUG[this.errorType] ?? 'errors';
    const body: PlaidError = {
      display_message: this.displayMessage,
      documentation_url: `https://plaid.com/docs/errors/${slug}/#${this.errorCode.toLowerCase()}`,
      error_code: this.errorCode,
      error_message: this.message,
      error_type: this.errorType,
      causes: [],
      status: this.httpStatus,
      suggested_action: null,
    };
    if (requestId !== undefined) body.request_id = requestId;
    return body;
  }
}
