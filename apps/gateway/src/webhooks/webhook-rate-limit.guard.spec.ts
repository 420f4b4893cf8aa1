import { Test } from '@nestjs/testing';
import { DomainError, ErrorCode } from '@app/contracts';
import { strictMock } from '@app/testing';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { mapError } from '../errors/error-mapping';
import { WebhookRateLimitGuard } from './webhook-rate-limit.guard';

describe(WebhookRateLimitGuard.name, () => {
  let sut: WebhookRateLimitGuard;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [
        WebhookRateLimitGuard,
        {
          provide: APP_CONFIG,
          useValue: strictMock<GatewayConfig>('GatewayConfig', { WEBHOOK_RATE_LIMIT_PER_MINUTE: 3 }),
        },
      ],
    }).compile();
    sut = moduleRef.get(WebhookRateLimitGuard);
  });

  const refusal = (address: string): unknown => {
    try {
      sut.take(address);
      return undefined;
    } catch (err) {
      return err;
    }
  };

  it('lets an address send up to the limit in a minute', () => {
    expect([1, 2, 3].map(() => refusal('203.0.113.7'))).toEqual([undefined, undefined, undefined]);
  });

  it('answers 429 with Retry-After when an address goes over the limit', () => {
    for (let i = 0; i < 3; i++) sut.take('203.0.113.7');
    const err = refusal('203.0.113.7');
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.RateLimited);
    const mapped = mapError(err, 'req-1');
    expect(mapped.body.statusCode).toBe(429);
    expect(mapped.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(mapped.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('counts each address on its own', () => {
    for (let i = 0; i < 3; i++) sut.take('203.0.113.7');
    expect(refusal('198.51.100.1')).toBeUndefined();
  });
});
