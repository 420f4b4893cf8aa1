import { DomainError, ErrorCode } from '@app/contracts';
import { type Window } from './attempts.repository';

// The fixed window of `seconds` that holds the moment `now`.
export function windowAt(now: number, seconds: number): Window {
  const ms = seconds * 1000;
  const start = Math.floor(now / ms) * ms;
  return { start: new Date(start), end: new Date(start + ms) };
}

export function rateLimited(message: string, now: number, until: Date): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now) / 1000));
  return new DomainError(ErrorCode.RateLimited, message, { retryAfterSeconds });
}
