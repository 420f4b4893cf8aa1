import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/messaging';
import { APP_CONFIG, AuthConfig } from '../config';
import { AttemptsRepository } from './attempts.repository';
import { rateLimited, windowAt } from './windows';

// Plain fixed-window limits: signups per client address (refused before any hashing) and refreshes per session.
// A refused request writes nothing: its transaction rolls back.
@Injectable()
export class RequestThrottle {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsRepository,
    @Inject(APP_CONFIG) private readonly config: AuthConfig,
  ) {}

  signup(clientIp: string): Promise<void> {
    return this.take(
      `signup-ip:${clientIp}`,
      this.config.SIGNUP_RATE_LIMIT_PER_IP,
      this.config.SIGNUP_RATE_WINDOW_SECONDS,
      'Too many signups; try again later',
    );
  }

  refresh(sessionId: string): Promise<void> {
    return this.take(
      `refresh:${sessionId}`,
      this.config.REFRESH_RATE_LIMIT_PER_SESSION,
      this.config.REFRESH_RATE_WINDOW_SECONDS,
      'Too many refreshes; try again later',
    );
  }

  private async take(key: string, limit: number, windowSeconds: number, message: string): Promise<void> {
    const now = Date.now();
    const window = windowAt(now, windowSeconds);
    await this.uow.run(async ({ manager }) => {
      const hits = (await this.attempts.hit(manager, [key], window)).get(key) ?? 0;
      if (hits > limit) throw rateLimited(message, now, window.end);
    });
  }
}
