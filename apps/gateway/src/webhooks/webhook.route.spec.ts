import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { requestContext } from '@app/common';
import { DomainError, ErrorCode } from '@app/contracts';
import { strictMock } from '@app/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { sendError } from '../errors/http-error.filter';
import { type WebhookIntake } from './webhook-intake.service';
import { type WebhookRateLimitGuard } from './webhook-rate-limit.guard';
import { WEBHOOK_ROUTE, WebhookRoute } from './webhook.route';
import { WebhookRejected, type WebhookVerifier } from './webhook-verifier.service';

// The route on a real Fastify server (loopback) with main.ts's error handler and a raw-body JSON parser; the rate
// limit, verifier and intake are strict fakes that record what reached them.
describe(WebhookRoute.name, () => {
  let fastify: FastifyInstance;
  let calls: string[];
  let limited: boolean;
  let rejection: Error | undefined;
  let accepted: { body: Record<string, unknown>; requestId: string | undefined }[];
  let url: string;

  beforeEach(async () => {
    calls = [];
    limited = false;
    rejection = undefined;
    accepted = [];
    const rateLimit = strictMock<WebhookRateLimitGuard>('WebhookRateLimitGuard', {
      take: (address: string) => {
        calls.push(`rate limit ${address}`);
        if (limited) throw new DomainError(ErrorCode.RateLimited, 'Too many webhook requests', undefined, 7);
      },
    });
    const verifier = strictMock<WebhookVerifier>('WebhookVerifier', {
      verify: async (raw: Buffer | undefined, header: string | string[] | undefined) => {
        calls.push(`verify ${String(header)} ${raw?.toString('utf8') ?? ''}`);
        if (rejection) throw rejection;
      },
    });
    const intake = strictMock<WebhookIntake>('WebhookIntake', {
      accept: async (body: Record<string, unknown>) => {
        accepted.push({ body, requestId: requestContext.requestId() });
        return { queued: true };
      },
    });
    fastify = Fastify({ genReqId: () => 'req-1' });
    fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      (req as unknown as { rawBody: Buffer }).rawBody = body as Buffer;
      try {
        done(null, JSON.parse((body as Buffer).toString('utf8')));
      } catch (err) {
        done(err as Error);
      }
    });
    const logger = strictMock<Logger>('Logger', { error: () => undefined });
    fastify.setErrorHandler((err, request, reply) => sendError(err, request, reply, logger));
    new WebhookRoute(rateLimit, verifier, intake).register(fastify);
    url = `${await fastify.listen({ port: 0, host: '127.0.0.1' })}${WEBHOOK_ROUTE}`;
  });

  afterEach(async () => {
    await fastify.close();
  });

  const post = async (body: string) => {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'plaid-verification': 'jwt' },
    });
    return {
      statusCode: res.status,
      headers: res.headers,
      json: (await res.json()) as Record<string, unknown>,
    };
  };

  it('verifies the exact bytes received and queues the body inside the request context', async () => {
    const res = await post('{"webhook_type":"TRANSACTIONS", "item_id":"i"}');

    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ received: true });
    expect(calls).toEqual([
      'rate limit 127.0.0.1',
      'verify jwt {"webhook_type":"TRANSACTIONS", "item_id":"i"}',
    ]);
    expect(accepted).toEqual([{ body: { webhook_type: 'TRANSACTIONS', item_id: 'i' }, requestId: 'req-1' }]);
  });

  it('answers 429 in the error shape with Retry-After before the signature is checked', async () => {
    limited = true;

    const res = await post('{}');

    expect(res.statusCode).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.json).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', requestId: 'req-1' });
    expect(calls).toEqual(['rate limit 127.0.0.1']);
  });

  it('answers 401 when verification fails, logs the reason, and queues nothing', async () => {
    rejection = new WebhookRejected('body hash mismatch');
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

    const res = await post('{}');

    expect(res.statusCode).toBe(401);
    expect(res.json).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', requestId: 'req-1' });
    expect(warn).toHaveBeenCalledWith({ reason: 'body hash mismatch' }, 'webhook rejected');
    expect(accepted).toEqual([]);
    warn.mockRestore();
  });

  it('answers 400 for a verified body that is not a JSON object, and queues nothing', async () => {
    const res = await post('[1, 2]');

    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST', requestId: 'req-1' });
    expect(accepted).toEqual([]);
  });
});
