import {
  Controller,
  Headers,
  HttpCode,
  Logger,
  Post,
  type RawBodyRequest,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '@app/contracts';
import { type FastifyRequest } from 'fastify';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookRateLimitGuard } from './webhook-rate-limit.guard';
import { WebhookRejected, WebhookVerifier } from './webhook-verifier.service';

// main.ts gives this route (only) the larger WEBHOOK_BODY_LIMIT_BYTES.
export const WEBHOOK_ROUTE = '/v1/webhooks/plaid';

@Controller('v1/webhooks')
export class WebhooksController {
  private readonly logger = new Logger(WebhooksController.name);

  constructor(
    private readonly verifier: WebhookVerifier,
    private readonly intake: WebhookIntake,
  ) {}

  // Plaid calls this; it is verified by signature, not by our JWT.
  @Post('plaid')
  @UseGuards(WebhookRateLimitGuard)
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async plaid(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers('plaid-verification') signature: string | undefined,
  ): Promise<{ received: true }> {
    try {
      await this.verifier.verify(request.rawBody, signature);
    } catch (err) {
      if (err instanceof WebhookRejected) this.logger.warn({ reason: err.reason }, 'webhook rejected');
      throw err;
    }
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new DomainError(ErrorCode.BadRequest, 'Webhook body must be a JSON object');
    }
    await this.intake.accept(body as Record<string, unknown>);
    return { received: true };
  }
}
