import { type Logger } from '@nestjs/common';

// A job a service runs on a timer from bootstrap to shutdown (every `seconds`; 0 = never). A pass never overlaps
// the previous one of the same process, and a failure is logged, never thrown: the next pass tries again.
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly what: string,
    private readonly seconds: number,
    private readonly pass: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.seconds === 0) return;
    this.timer = setInterval(() => void this.tick(), this.seconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.pass();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, `${this.what} failed`);
    } finally {
      this.running = false;
    }
  }
}
