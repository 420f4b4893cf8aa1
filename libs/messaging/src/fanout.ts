import { Logger } from '@nestjs/common';
import { type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { type AmqpConnection } from './amqp-connection';

// Publishes to a fanout exchange on the shared connection, persistent and confirmed: resolved means the broker
// has the message. Not mandatory: a broadcast nobody listens to (no gateway up) is not a failure.
export class FanoutPublisher {
  private readonly channelName: string;

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly exchange: string,
  ) {
    this.channelName = `fanout:${exchange}`;
    amqp.channel(this.channelName, (ch) => ch.assertExchange(exchange, 'fanout', { durable: true }));
  }

  publish(type: string, payload: object, timeoutMs = 5000): Promise<void> {
    return this.amqp.publish(
      this.exchange,
      '',
      Buffer.from(JSON.stringify(payload)),
      { type, timeoutMs },
      this.channelName,
    );
  }
}

// One exclusive, auto-deleted queue per subscriber instance, bound to the exchange, on its own channel of the
// shared connection; re-created on every reconnect.
export class FanoutSubscriber {
  private readonly logger = new Logger(FanoutSubscriber.name);
  private subscribed = false;

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly exchange: string,
  ) {}

  isConnected(): boolean {
    return this.subscribed && this.amqp.isConnected();
  }

  // onReconnect runs after every re-subscription, so the caller can re-read what it may have missed.
  subscribe(handler: (type: string, payload: unknown) => void, onReconnect?: () => void): void {
    let first = true;
    // Not awaited: a broker that is down must not block start-up; setup runs whenever it connects.
    this.amqp.channel(`subscribe:${this.exchange}`, async (ch: ConfirmChannel) => {
      await ch.assertExchange(this.exchange, 'fanout', { durable: true });
      const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await ch.bindQueue(queue, this.exchange, '');
      await ch.consume(
        queue,
        (msg: ConsumeMessage | null) => {
          if (!msg) return;
          try {
            handler(msg.properties.type as string, JSON.parse(msg.content.toString()) as unknown);
          } catch (err) {
            this.logger.error({ err }, 'broadcast handler failed');
          }
        },
        { noAck: true },
      );
      this.subscribed = true;
      if (!first) onReconnect?.();
      first = false;
    });
  }
}
