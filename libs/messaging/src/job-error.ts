// Thrown by event handlers to say whether a failure is worth another attempt. With `deferMs`, the job did not
// fail at all: it must wait (a paused institution); it comes back after about that long, attempts unchanged.
export class JobError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly reason: string,
    readonly deferMs?: number,
  ) {
    super(message);
    this.name = 'JobError';
  }
}
