import { isAxiosError } from 'axios';

export interface PlaidApiErrorFields {
  errorType: string;
  errorCode: string;
  displayMessage: string | null;
  requestId: string | null;
  httpStatus: number;
  plaidMessage: string;
}

// A failed Plaid call, reduced to Plaid's safe fields. It deliberately keeps no reference to the axios error
// (no `cause`): its config holds PLAID-SECRET, and loggers serialise causes.
export class PlaidApiError extends Error {
  readonly errorType: string;
  readonly errorCode: string;
  readonly displayMessage: string | null;
  readonly requestId: string | null;
  readonly httpStatus: number;
  // Plaid's error_message: for logs only, never for clients.
  readonly plaidMessage: string;

  constructor(fields: PlaidApiErrorFields) {
    super(
      `Plaid ${fields.errorType}/${fields.errorCode} (HTTP ${fields.httpStatus}, request_id ${fields.requestId ?? 'none'})`,
    );
    this.name = 'PlaidApiError';
    this.errorType = fields.errorType;
    this.errorCode = fields.errorCode;
    this.displayMessage = fields.displayMessage;
    this.requestId = fields.requestId;
    this.httpStatus = fields.httpStatus;
    this.plaidMessage = fields.plaidMessage;
  }

  toJSON(): PlaidApiErrorFields & { name: string; message: string } {
    return {
      name: this.name,
      message: this.message,
      errorType: this.errorType,
      errorCode: this.errorCode,
      displayMessage: this.displayMessage,
      requestId: this.requestId,
      httpStatus: this.httpStatus,
      plaidMessage: this.plaidMessage,
    };
  }
}

interface PlaidErrorBody {
  error_type: string;
  error_code: string;
  error_message?: unknown;
  display_message?: unknown;
  request_id?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isPlaidErrorBody(value: unknown): value is PlaidErrorBody {
  return isRecord(value) && typeof value.error_code === 'string' && typeof value.error_type === 'string';
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

// 'TIMEOUT' | 'NETWORK_ERROR' for a request that got no HTTP response; null when it did get one.
export function transportFailure(err: unknown): 'TIMEOUT' | 'NETWORK_ERROR' | null {
  if (!isRecord(err) || isRecord(err.response)) return null;
  return typeof err.code === 'string' && TIMEOUT_CODES.has(err.code) ? 'TIMEOUT' : 'NETWORK_ERROR';
}

// Reduces whatever a Plaid call threw to a PlaidApiError, copying only safe fields (never headers or config).
export function toPlaidApiError(err: unknown): PlaidApiError {
  if (err instanceof PlaidApiError) return err;
  // Duck-typed as well as axios errors, so callers' tests can reject with `{ response: { status, data } }`.
  if (!isAxiosError(err) && !(isRecord(err) && isRecord(err.response))) {
    return new PlaidApiError({
      errorType: 'UNKNOWN',
      errorCode: 'UNKNOWN',
      displayMessage: null,
      requestId: null,
      httpStatus: 0,
      plaidMessage: err instanceof Error ? err.message : 'non-error value thrown',
    });
  }
  const response = (err as { response?: unknown }).response;
  if (!isRecord(response)) {
    const failure = transportFailure(err) ?? 'NETWORK_ERROR';
    return new PlaidApiError({
      errorType: failure,
      errorCode: failure,
      displayMessage: null,
      requestId: null,
      httpStatus: 0,
      plaidMessage: err instanceof Error ? err.message : failure,
    });
  }
  const status = typeof response.status === 'number' ? response.status : 0;
  const body = response.data;
  if (isPlaidErrorBody(body)) {
    return new PlaidApiError({
      errorType: body.error_type,
      errorCode: body.error_code,
      displayMessage: stringOrNull(body.display_message),
      requestId: stringOrNull(body.request_id),
      httpStatus: status,
      plaidMessage: typeof body.error_message === 'string' ? body.error_message : '',
    });
  }
  // An answer that is not Plaid's (a proxy's 502 page, a load balancer's 429): classify by status.
  const [errorType, errorCode] =
    status >= 500
      ? ['API_ERROR', 'INTERNAL_SERVER_ERROR']
      : status === 429
        ? ['RATE_LIMIT_EXCEEDED', 'RATE_LIMIT']
        : ['UNKNOWN', 'UNKNOWN'];
  return new PlaidApiError({
    errorType,
    errorCode,
    displayMessage: null,
    requestId: null,
    httpStatus: status,
    plaidMessage: `HTTP ${status} without a Plaid error body`,
  });
}

// Awaits an SDK call and returns its data; every failure becomes a PlaidApiError.
export async function plaidCall<T>(request: () => Promise<{ data: T }>): Promise<T> {
  try {
    const response = await request();
    return response.data;
  } catch (err) {
    throw toPlaidApiError(err);
  }
}
