import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookRateLimitGuard } from './webhook-rate-limit.guard';
import { WebhookVerifier } from './webhook-verifier.service';
import { WebhooksController } from './webhooks.controller';

// Plaid's webhooks: verified here (signature, age, body hash), then handed to the consumers' events queues.
@Module({
  imports: [RpcModule],
  controllers: [WebhooksController],
  providers: [WebhookVerifier, WebhookIntake, WebhookRateLimitGuard],
})
export class WebhooksModule {}
