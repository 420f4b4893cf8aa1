// Thrown by event handlers to say whether a failure is worth another attempt.
export class JobError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}
