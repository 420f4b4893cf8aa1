import { JobError } from '@app/messaging';

// Readable names for JobError's positional (retryable, reason, deferMs) arguments.

// Not worth another attempt: the message goes to the dead-letter queue with `reason`.
export function permanentJobError(message: string, reason: string): JobError {
  return new JobError(message, false, reason);
}

// Worth another attempt: the message goes to the next retry tier.
export function retryableJobError(message: string, reason: string): JobError {
  return new JobError(message, true, reason);
}

// Not a failure: the job must wait about `delayMs` (attempts unchanged), e.g. while its institution is paused.
export function deferredJobError(message: string, reason: string, delayMs: number): JobError {
  return new JobError(message, true, reason, delayMs);
}
