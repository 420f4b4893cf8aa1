// Codes that cross service boundaries. The gateway maps each to an HTTP status in one exhaustive switch.
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  BadRequest = 'BAD_REQUEST',
  Unauthorized = 'UNAUTHORIZED',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  EmailTaken = 'EMAIL_TAKEN',
  NotFound = 'NOT_FOUND',
  // A delta cursor older than the change log's retention: the client starts over without a cursor.
  CursorExpired = 'CURSOR_EXPIRED',
  ItemAlreadyLinked = 'ITEM_ALREADY_LINKED',
  RateLimited = 'RATE_LIMITED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  // A Plaid failure: the answer's status and public code come from the Plaid error map.
  Plaid = 'PLAID_ERROR',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  GatewayTimeout = 'GATEWAY_TIMEOUT',
  Internal = 'INTERNAL',
}

export interface ErrorDetail {
  field: string;
  messages: string[];
}

// What clients may see of a Plaid error: never Plaid's error_message.
export interface PlaidErrorInfo {
  errorType: string;
  errorCode: string;
  displayMessage: string | null;
  requestId: string | null;
}

export interface DomainErrorExtra {
  details?: ErrorDetail[];
  retryAfterSeconds?: number;
  // For ErrorCode.Plaid: the mapped HTTP status and public code, and Plaid's safe fields.
  httpStatus?: number;
  publicCode?: string;
  plaid?: PlaidErrorInfo;
}

// What a service answers over RPC when a request fails.
export interface RpcErrorBody extends DomainErrorExtra {
  code: ErrorCode;
  message: string;
}

// Thrown by services for expected failures; the RPC filter turns it into an RpcErrorBody.
export class DomainError extends Error {
  readonly details?: ErrorDetail[];
  readonly retryAfterSeconds?: number;
  readonly extra: DomainErrorExtra;

  constructor(
    readonly code: ErrorCode,
    message: string,
    detailsOrExtra?: ErrorDetail[] | DomainErrorExtra,
    retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
    this.extra = Array.isArray(detailsOrExtra)
      ? { details: detailsOrExtra, retryAfterSeconds }
      : { ...detailsOrExtra, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
    this.details = this.extra.details;
    this.retryAfterSeconds = this.extra.retryAfterSeconds;
  }

  toBody(): RpcErrorBody {
    const body: RpcErrorBody = { code: this.code, message: this.message };
    for (const [k, v] of Object.entries(this.extra)) {
      if (v !== undefined) (body as unknown as Record<string, unknown>)[k] = v;
    }
    return body;
  }

  static fromBody(body: RpcErrorBody): DomainError {
    const { code, message, ...extra } = body;
    return new DomainError(code, message, extra);
  }
}

export function isRpcErrorBody(value: unknown): value is RpcErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    Object.values(ErrorCode).includes(v.code as ErrorCode)
  );
}
