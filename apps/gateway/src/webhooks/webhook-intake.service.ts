import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { REQUEST_ID_HEADER, requestContext } from '@app/common';
import {
  DomainError,
  EVENT_ROUTES,
  ErrorCode,
  EventPattern,
  type PlaidWebhookEvent,
  topology,
} from '@app/contracts';
import { EventPublisher } from '@app/messaging';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

const ROUTES: Partial<Record<string, EventPattern.PlaidTransactionsWebhook | EventPattern.PlaidItemWebhook>> =
  {
    TRANSACTIONS: EventPattern.PlaidTransactionsWebhook,
    ITEM: EventPattern.PlaidItemWebhook,
  };

// Hands a verified webhook to RabbitMQ durably (persistent, publisher confirm) before Plaid gets its 200.
@Injectable()
export class WebhookIntake implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookIntake.name);
  private readonly publisher: EventPublisher;
  private readonly queues: ReturnType<typeof topology>['events'];

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.queues = topology(config.QUEUE_PREFIX).events;
    // The consumers' queues are declared here too: a publish to a queue that does not exist yet is dropped.
    this.publisher = new EventPublisher(config.RABBITMQ_URL, async (ch) => {
      for (const queue of Object.values(this.queues)) await ch.assertQueue(queue, { durable: true });
    });
  }

  async accept(body: Record<string, unknown>): Promise<{ queued: boolean }> {
    const webhookType = typeof body.webhook_type === 'string' ? body.webhook_type : '';
    const webhookCode = typeof body.webhook_code === 'string' ? body.webhook_code : '';
    const pattern = ROUTES[webhookType];
    const plaidItemId = typeof body.item_id === 'string' ? body.item_id : null;
    if (!pattern) {
      this.logger.log(
        { webhookType, webhookCode, plaidItemId },
        'webhook of a type we do not use; acknowledged',
      );
      return { queued: false };
    }
    const event: PlaidWebhookEvent = {
      webhookType,
      webhookCode,
      plaidItemId,
      body,
      receivedAt: new Date().toISOString(),
    };
    const requestId = requestContext.requestId();
    try {
      await this.publisher.publish(
        this.queues[EVENT_ROUTES[pattern]],
        pattern,
        event,
        requestId ? { [REQUEST_ID_HEADER]: requestId } : {},
      );
    } catch (err) {
      this.logger.error(
        { webhookType, webhookCode, plaidItemId, err: (err as Error).message },
        'webhook not queued',
      );
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        'Webhook could not be queued; retry later',
        undefined,
        30,
      );
    }
    this.logger.log({ webhookType, webhookCode, plaidItemId }, 'webhook queued');
    return { queued: true };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
  }
}
