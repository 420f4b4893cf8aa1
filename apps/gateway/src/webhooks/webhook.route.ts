import { Injectable, Logger } from '@nestjs/common';
import { requestContext } from '@app/common';
import { DomainError, ErrorCode } from '@app/contracts';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookRateLimitGuard } from './webhook-rate-limit.guard';
import { WebhookRejected, WebhookVerifier } from './webhook-verifier.service';

export const WEBHOOK_ROUTE = '/v1/webhooks/plaid';

type WebhookRequest = FastifyRequest & { rawBody?: Buffer };

// Plaid's webhook as a plain Fastify route (main.ts registers it), outside Nest's router: a profile of intake put
// a tenth of the gateway's CPU per webhook in the generic pipeline (execution context, guard and interceptor
// chain, rxjs, parameter pipes) that this one route does not need. What the pipeline gave it is kept: the
// instance's hooks still run (request id, security headers, metrics, request logs, draining), the JSON parser
// with its depth/key limits and raw body, WEBHOOK_BODY_LIMIT_BYTES (http/body-limits.ts), errors in the one
// shape through the instance's error handler, the rate limit counted before the signature is checked, and the
// request's context around the work (its id in logs and message headers). Verified by signature, not our JWT.
@Injectable()
export class WebhookRoute {
  private readonly logger = new Logger(WebhookRoute.name);

  constructor(
    private readonly rateLimit: WebhookRateLimitGuard,
    private readonly verifier: WebhookVerifier,
    private readonly intake: WebhookIntake,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.post(WEBHOOK_ROUTE, (request: WebhookRequest, reply: FastifyReply) =>
      this.handle(request, reply),
    );
  }

  async handle(request: WebhookRequest, reply: FastifyReply): Promise<{ received: true }> {
    this.rateLimit.take(request.ip);
    return requestContext.run({ requestId: String(request.id) }, async () => {
      try {
        await this.verifier.verify(request.rawBody, request.headers['plaid-verification']);
      } catch (err) {
        if (err instanceof WebhookRejected) this.logger.warn({ reason: err.reason }, 'webhook rejected');
        throw err;
      }
      const body: unknown = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new DomainError(ErrorCode.BadRequest, 'Webhook body must be a JSON object');
      }
      await this.intake.accept(body as Record<string, unknown>);
      void reply.code(200);
      return { received: true };
    });
  }
}
