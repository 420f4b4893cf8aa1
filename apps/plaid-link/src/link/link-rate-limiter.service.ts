import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/contracts';
import { APP_CONFIG, LinkConfig } from '../config';
import { RateLimitsRepository } from './rate-limits.repository';

export type LinkAction = 'link-token' | 'exchange';

// Per-user fixed windows on the calls that cost Plaid requests, checked before any other work.
@Injectable()
export class LinkRateLimiter {
  constructor(
    private readonly limits: RateLimitsRepository,
    @Inject(APP_CONFIG) private readonly config: LinkConfig,
  ) {}

  async hit(action: LinkAction, userId: string): Promise<void> {
    const windowMs = this.config.LINK_RATE_WINDOW_SECONDS * 1000;
    const now = Date.now();
    const { windowStart, hits } = await this.limits.hit(
      `${action}:${userId}`,
      new Date(Math.floor(now / windowMs) * windowMs),
    );
    const limit =
      action === 'link-token' ? this.config.LINK_TOKEN_RATE_LIMIT : this.config.EXCHANGE_RATE_LIMIT;
    if (hits <= limit) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
    throw new DomainError(ErrorCode.RateLimited, 'Too many bank-linking requests; try again later', {
      retryAfterSeconds,
    });
  }
}
