import { Logger } from '@nestjs/common';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import { type Channel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';

const connectionOptions = { noDelay: true };

// Publishes to a fanout exchange with publisher confirms: resolved means the broker has the message.
export class FanoutPublisher {
  private readonly logger = new Logger(FanoutPublisher.name);
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;

  constructor(
    url: string,
    private readonly exchange: string,
  ) {
    this.connection = amqp.connect([url], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
      connectionOptions,
    });
    this.connection.on('disconnect', ({ err }) =>
      this.logger.warn({ err: err?.message }, 'broker disconnected'),
    );
    this.channel = this.connection.createChannel({
      json: false,
      confirm: true,
      setup: (ch: ConfirmChannel) => ch.assertExchange(this.exchange, 'fanout', { durable: true }),
    });
  }

  async publish(type: string, payload: object, timeoutMs = 5000): Promise<void> {
    const body = Buffer.from(JSON.stringify(payload));
    await this.channel.publish(this.exchange, '', body, {
      persistent: true,
      contentType: 'application/json',
      type,
      timeout: timeoutMs,
    });
  }

  async close(): Promise<void> {
    await this.channel.close();
    await this.connection.close();
  }
}

// One exclusive, auto-deleted queue per subscriber instance, bound to the exchange; re-created on reconnect.
export class FanoutSubscriber {
  private readonly logger = new Logger(FanoutSubscriber.name);
  private readonly connection: AmqpConnectionManager;
  private channel?: ChannelWrapper;
  private onReconnect?: () => void;

  constructor(
    url: string,
    private readonly exchange: string,
  ) {
    this.connection = amqp.connect([url], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
      connectionOptions,
    });
    this.connection.on('disconnect', ({ err }) =>
      this.logger.warn({ err: err?.message }, 'broker disconnected'),
    );
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  // onReconnect runs after every re-subscription, so the caller can re-read what it may have missed.
  subscribe(handler: (type: string, payload: unknown) => void, onReconnect?: () => void): void {
    this.onReconnect = onReconnect;
    let first = true;
    this.channel = this.connection.createChannel({
      json: false,
      setup: async (ch: Channel) => {
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
        if (!first) this.onReconnect?.();
        first = false;
      },
    });
    // Not awaited: a broker that is down must not block start-up; setup runs whenever it connects.
  }

  async close(): Promise<void> {
    await this.channel?.close();
    await this.connection.close();
  }
}
