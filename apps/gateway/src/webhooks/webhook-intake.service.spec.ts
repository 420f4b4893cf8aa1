import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { REQUEST_ID_HEADER, requestContext } from '@app/common';
import { DomainError, ErrorCode, EventPattern } from '@app/contracts';
import {
  AmqpConnection,
  type ConfirmedPublishOptions,
  MessagingModule,
  UnroutableMessageError,
} from '@app/messaging';
import { strictMock } from '@app/testing';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { WebhookIntake } from './webhook-intake.service';

interface Sent {
  queue: string;
  message: {
    pattern: string;
    data: { webhookType: string; webhookCode: string; plaidItemId: string | null };
  };
  options: ConfirmedPublishOptions;
}

// The intake on the real MessagingModule (the real EventPublisher) with the broker connection replaced
// through DI: what is published, and how a broker refusal becomes the 503 Plaid retries.
describe(WebhookIntake.name, () => {
  let sut: WebhookIntake;
  let sent: Sent[];
  let refusal: Error | undefined;

  beforeEach(async () => {
    sent = [];
    refusal = undefined;
    const broker = strictMock<AmqpConnection>('AmqpConnection', {
      sendToQueue: async (queue: string, content: Buffer, options: ConfirmedPublishOptions = {}) => {
        if (refusal) throw refusal;
        sent.push({ queue, message: JSON.parse(content.toString()) as Sent['message'], options });
      },
    });
    const moduleRef = await Test.createTestingModule({
      // The URL points nowhere: the override below means no connection is ever opened.
      imports: [MessagingModule.forRoot({ url: 'amqp://127.0.0.1:1' })],
      providers: [
        WebhookIntake,
        {
          provide: APP_CONFIG,
          useValue: strictMock<GatewayConfig>('GatewayConfig', { QUEUE_PREFIX: 't.' }),
        },
      ],
    })
      .overrideProvider(AmqpConnection)
      .useValue(broker)
      .compile();
    // The refusals below are logged as errors by design; keep the test output quiet.
    Logger.overrideLogger(false);
    sut = moduleRef.get(WebhookIntake);
  });

  it('publishes a TRANSACTIONS webhook to the sync events queue with the request id', async () => {
    const body = { webhook_type: 'TRANSACTIONS', webhook_code: 'SYNC_UPDATES_AVAILABLE', item_id: 'p-1' };

    const result = await requestContext.run({ requestId: 'req-1' }, () => sut.accept(body));

    expect(result).toEqual({ queued: true });
    expect(sent).toHaveLength(1);
    expect(sent[0].queue).toBe('t.sync.events');
    expect(sent[0].message.pattern).toBe(EventPattern.PlaidTransactionsWebhook);
    expect(sent[0].message.data).toMatchObject({
      webhookType: 'TRANSACTIONS',
      webhookCode: 'SYNC_UPDATES_AVAILABLE',
      plaidItemId: 'p-1',
    });
    expect(sent[0].options.headers).toEqual({ [REQUEST_ID_HEADER]: 'req-1' });
  });

  it('publishes an ITEM webhook to the link events queue', async () => {
    await sut.accept({ webhook_type: 'ITEM', webhook_code: 'ERROR', item_id: 'p-1' });

    expect(sent.map((s) => [s.queue, s.message.pattern])).toEqual([
      ['t.link.events', EventPattern.PlaidItemWebhook],
    ]);
  });

  it('acknowledges a webhook type nobody consumes without publishing it', async () => {
    await expect(sut.accept({ webhook_type: 'AUTH', webhook_code: 'X' })).resolves.toEqual({ queued: false });
    expect(sent).toHaveLength(0);
  });

  it('answers SERVICE_UNAVAILABLE with a retry hint when no queue took the message', async () => {
    refusal = new UnroutableMessageError('', 't.sync.events');

    const err = await sut
      .accept({ webhook_type: 'TRANSACTIONS', webhook_code: 'X' })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.ServiceUnavailable);
    expect((err as DomainError).retryAfterSeconds).toBe(30);
  });

  it('answers SERVICE_UNAVAILABLE when the broker is down', async () => {
    refusal = new Error('broker not connected');

    await expect(sut.accept({ webhook_type: 'ITEM', webhook_code: 'ERROR' })).rejects.toMatchObject({
      code: ErrorCode.ServiceUnavailable,
    });
  });
});
