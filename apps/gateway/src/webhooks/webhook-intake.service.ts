import { Inject, Injectable, Logger } from '@nestjs/common';
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
import { APP_CONFIG, GatewayConfig } from '../config';

const ROUTES: Partial<Record<string, EventPattern.PlaidTransactionsWebhook | EventPattern.PlaidItemWebhook>> =
  {
    TRANSACTIONS: EventPattern.PlaidTransactionsWebhook,
    ITEM: EventPattern.PlaidItemWebhook,
  };

// Hands a verified webhook to RabbitMQ durably (persistent, publisher confirm) before Plaid gets its 200. The
// consumers declare their queues; the publish is mandatory, so a queue nobody has declared yet (its service never
// started) is a 503 that Plaid retries, not a message the broker drops.
@Injectable()
export class WebhookIntake {
  private readonly logger = new Logger(WebhookIntake.name);
  private readonly queues: ReturnType<typeof topology>['events'];

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly publisher: EventPublisher,
  ) {
    this.queues = topology(config.QUEUE_PREFIX).events;
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
}
