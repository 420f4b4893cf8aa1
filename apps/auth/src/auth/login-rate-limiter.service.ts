import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/contracts';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { LoginAttemptsRepository } from './login-attempts.repository';

// Fixed windows per email and per client address, in Postgres so every auth instance shares them.
// Checked before any hashing: argon2 is the expensive part of a login.
@Injectable()
export class LoginRateLimiter {
  constructor(
    private readonly attempts: LoginAttemptsRepository,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async hit(email: string, clientIp: string): Promise<void> {
    const windowMs = this.config.LOGIN_RATE_WINDOW_SECONDS * 1000;
    const now = Date.now();
    const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
    const counts = await this.attempts.hit([`email:${email}`, `ip:${clientIp}`], windowStart);
    const over = counts.some((c) =>
      c.key.startsWith('email:')
        ? c.hits > this.config.LOGIN_RATE_LIMIT_PER_EMAIL
        : c.hits > this.config.LOGIN_RATE_LIMIT_PER_IP,
    );
    if (over) {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
      throw new DomainError(ErrorCode.RateLimited, 'Too many login attempts; try again later', {
        retryAfterSeconds,
      });
    }
  }
}
