import { DomainError, ErrorCode } from '@app/contracts';
import { plaidErrorPolicy } from './plaid-error-map';
import { type PlaidApiError } from './plaid-error';

// A Plaid failure on a request path, as our API answers it: the mapped status and code, Plaid's safe fields,
// and display_message (meant for users) as the message when Plaid gave one. Plaid's error_message stays in logs.
export function plaidDomainError(err: PlaidApiError): DomainError {
  const policy = plaidErrorPolicy(err.errorCode, err.errorType);
  const retryAfterSeconds = policy.httpStatus === 503 ? 30 : undefined;
  return new DomainError(
    ErrorCode.Plaid,
    err.displayMessage ?? defaultMessage(policy.httpStatus),
    {
      httpStatus: policy.httpStatus,
      publicCode: policy.code,
      plaid: {
        errorType: err.errorType,
        errorCode: err.errorCode,
        displayMessage: err.displayMessage,
        requestId: err.requestId,
      },
    },
    retryAfterSeconds,
  );
}

function defaultMessage(status: number): string {
  if (status === 503) return 'The bank connection service is temporarily unavailable; try again shortly';
  if (status === 504) return 'The bank connection service did not answer in time';
  if (status === 409) return 'The bank connection needs the user to sign in again';
  if (status >= 500) return 'The bank connection service failed';
  return 'The bank connection request was rejected';
}
