import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookRateLimitGuard } from './webhook-rate-limit.guard';
import { WebhookRoute } from './webhook.route';
import { WebhookVerifier } from './webhook-verifier.service';

// Plaid's webhooks: verified here (signature, age, body hash), then handed to the consumers' events queues. The
// route is a plain Fastify one (WebhookRoute, registered by main.ts), not a controller.
@Module({
  imports: [RpcModule],
  providers: [WebhookVerifier, WebhookIntake, WebhookRateLimitGuard, WebhookRoute],
  exports: [WebhookRoute],
})
export class WebhooksModule {}
