export interface JobErrorOptions {
  // Worth another attempt (the next retry tier), or not (the dead-letter queue, with `reason`).
  retryable: boolean;
  reason: string;
  // Not a failure at all: the job must wait about this long (a paused institution); attempts unchanged.
  deferMs?: number;
}

// Thrown by event handlers to say what should become of the message.
export class JobError extends Error {
  readonly retryable: boolean;
  readonly reason: string;
  readonly deferMs?: number;

  constructor(message: string, options: JobErrorOptions) {
    super(message);
    this.name = 'JobError';
    this.retryable = options.retryable;
    this.reason = options.reason;
    this.deferMs = options.deferMs;
  }

  static permanent(message: string, reason: string): JobError {
    return new JobError(message, { retryable: false, reason });
  }

  static retryable(message: string, reason: string): JobError {
    return new JobError(message, { retryable: true, reason });
  }

  static deferred(message: string, reason: string, deferMs: number): JobError {
    return new JobError(message, { retryable: true, reason, deferMs });
  }
}
