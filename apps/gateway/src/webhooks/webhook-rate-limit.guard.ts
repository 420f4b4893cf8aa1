import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/contracts';
import { type FastifyRequest } from 'fastify';
import { APP_CONFIG, GatewayConfig } from '../config';

const WINDOW_MS = 60_000;
// Addresses tracked per window; past this, new addresses share one counter (the map cannot grow without bound).
const MAX_ADDRESSES = 100_000;
const OVERFLOW = 'overflow';

// Webhook requests per source address per minute (WEBHOOK_RATE_LIMIT_PER_MINUTE), counted before the signature
// is checked: verification costs CPU and, for a new kid, a look-up. One fixed window for every address, so the
// whole map is dropped when it ends. The address is Fastify's request.ip, i.e. after TRUST_PROXY.
@Injectable()
export class WebhookRateLimitGuard implements CanActivate {
  private counts = new Map<string, number>();
  private windowStartedAt = Date.now();

  constructor(@Inject(APP_CONFIG) private readonly config: GatewayConfig) {}

  canActivate(context: ExecutionContext): boolean {
    this.take(context.switchToHttp().getRequest<FastifyRequest>().ip);
    return true;
  }

  take(address: string): void {
    const now = Date.now();
    if (now - this.windowStartedAt >= WINDOW_MS) {
      this.counts = new Map();
      this.windowStartedAt = now;
    }
    const key = this.counts.has(address) || this.counts.size < MAX_ADDRESSES ? address : OVERFLOW;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count > this.config.WEBHOOK_RATE_LIMIT_PER_MINUTE) {
      const retryAfter = Math.max(1, Math.ceil((this.windowStartedAt + WINDOW_MS - now) / 1000));
      throw new DomainError(ErrorCode.RateLimited, 'Too many webhook requests', undefined, retryAfter);
    }
  }
}
