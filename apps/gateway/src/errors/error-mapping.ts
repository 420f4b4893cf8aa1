import { HttpException } from '@nestjs/common';
import { DomainError, type ErrorDetail, ErrorCode, type PlaidErrorInfo } from '@app/contracts';

export interface HttpErrorBody {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  details?: ErrorDetail[];
  plaid?: PlaidErrorInfo;
}

export interface MappedError {
  body: HttpErrorBody;
  retryAfterSeconds?: number;
  // Unknown errors are logged in full; expected ones are not.
  unexpected: boolean;
}

export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.BadRequest:
      return 400;
    case ErrorCode.Unauthorized:
    case ErrorCode.InvalidCredentials:
    case ErrorCode.InvalidRefreshToken:
      return 401;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.EmailTaken:
    case ErrorCode.ItemAlreadyLinked:
      return 409;
    case ErrorCode.CursorExpired:
      return 410;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.Internal:
      return 500;
    case ErrorCode.Plaid:
      // The Plaid error map chose the status; this is the fallback for a Plaid failure without one.
      return 502;
    case ErrorCode.ServiceUnavailable:
      return 503;
    case ErrorCode.GatewayTimeout:
      return 504;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped error code ${String(unmapped)}`);
    }
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return ErrorCode.Unauthorized;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 413) return ErrorCode.PayloadTooLarge;
  if (status === 429) return ErrorCode.RateLimited;
  if (status === 503) return ErrorCode.ServiceUnavailable;
  if (status === 504) return ErrorCode.GatewayTimeout;
  if (status >= 400 && status < 500) return ErrorCode.BadRequest;
  return ErrorCode.Internal;
}

const MESSAGES: Partial<Record<number, string>> = {
  401: 'Authentication required',
  404: 'Not found',
  413: 'Request body too large',
};

// Fastify's own errors (bad JSON, body too large, unsupported media type) carry a statusCode and an FST_ code.
function fastifyError(err: unknown): { statusCode: number; message: string } | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof e.statusCode !== 'number' || typeof e.code !== 'string' || !e.code.startsWith('FST_'))
    return null;
  return { statusCode: e.statusCode, message: typeof e.message === 'string' ? e.message : 'Bad request' };
}

// Error bodies never echo a request back in bulk: a body with thousands of unknown keys gets the first few
// complaints, each cut short (field names are the client's keys and can be long).
export const MAX_DETAILS = 20;
const MAX_FIELD_CHARS = 100;
const MAX_MESSAGES = 5;
const MAX_MESSAGE_CHARS = 200;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

export function capDetails(details: ErrorDetail[]): ErrorDetail[] {
  const overflow = details.length > MAX_DETAILS;
  const kept = details.slice(0, overflow ? MAX_DETAILS - 1 : MAX_DETAILS).map((d) => ({
    field: cut(d.field, MAX_FIELD_CHARS),
    messages: d.messages.slice(0, MAX_MESSAGES).map((m) => cut(m, MAX_MESSAGE_CHARS)),
  }));
  if (overflow)
    kept.push({ field: '…', messages: [`${details.length - kept.length} more problems not listed`] });
  return kept;
}

export function mapError(err: unknown, requestId: string): MappedError {
  if (err instanceof DomainError) {
    const plaid = err.code === ErrorCode.Plaid;
    const statusCode = plaid ? (err.extra.httpStatus ?? statusForCode(err.code)) : statusForCode(err.code);
    const internal = statusCode === 500;
    return {
      body: {
        statusCode,
        code: plaid ? (err.extra.publicCode ?? err.code) : err.code,
        message: internal ? 'Internal server error' : err.message,
        requestId,
        ...(err.details && !internal ? { details: capDetails(err.details) } : {}),
        ...(err.extra.plaid ? { plaid: err.extra.plaid } : {}),
      },
      retryAfterSeconds: err.retryAfterSeconds,
      unexpected: internal,
    };
  }
  if (err instanceof HttpException) {
    const statusCode = err.getStatus();
    if (statusCode < 500) {
      const code = codeForStatus(statusCode);
      const message =
        statusCode === 404 ? 'Route not found' : (MESSAGES[statusCode] ?? (err.message || 'Bad request'));
      return { body: { statusCode, code, message, requestId }, unexpected: false };
    }
  }
  const fst = fastifyError(err);
  if (fst && fst.statusCode < 500) {
    const code = codeForStatus(fst.statusCode);
    const message =
      fst.statusCode === 413
        ? 'Request body too large'
        : fst.statusCode === 400 && /JSON/i.test(fst.message)
          ? 'Malformed JSON body'
          : fst.message;
    return { body: { statusCode: fst.statusCode, code, message, requestId }, unexpected: false };
  }
  return {
    body: { statusCode: 500, code: ErrorCode.Internal, message: 'Internal server error', requestId },
    unexpected: true,
  };
}
