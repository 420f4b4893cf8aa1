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

  publish(
    type: string,
    payload: object,
    timeoutMs = 5000,
    headers: Record<string, unknown> = {},
  ): Promise<void> {
    return this.amqp.publish(
      this.exchange,
      '',
      Buffer.from(JSON.stringify(payload)),
      { type, timeoutMs, headers },
      this.channelName,
    );
  }
}

// How long a subscriber waits before re-subscribing after its consumer was cancelled or its channel closed.
export const FANOUT_RESUBSCRIBE_DELAY_MS = 200;

// One exclusive, auto-deleted queue per subscriber instance, bound to the exchange, on its own channel of the
// shared connection; re-created on every reconnect. The channel wrapper only re-runs its setup after a lost
// connection, so a consumer the broker cancelled (its queue deleted) or a channel closed on its own (a channel
// error) would leave the subscriber deaf for good: either drops the channel and subscribes on a fresh one.
export class FanoutSubscriber {
  private readonly logger = new Logger(FanoutSubscriber.name);
  private subscribed = false;
  // Bumped whenever the current channel is given up: events of an older channel are ignored.
  private generation = 0;
  // The channel of the current subscription.
  private current?: { close(): Promise<void> };
  private retry?: NodeJS.Timeout;
  private stopped = false;

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
    const open = (): void => {
      const generation = ++this.generation;
      const lost = (why: string): void => {
        if (generation !== this.generation || this.stopped) return;
        this.generation++;
        this.subscribed = false;
        this.logger.warn({ exchange: this.exchange, why }, 'broadcast subscription lost; re-subscribing');
        void this.current?.close().catch(() => undefined);
        this.retry = setTimeout(open, FANOUT_RESUBSCRIBE_DELAY_MS);
      };
      // A fresh channel name per subscription: the wrapper of a given-up channel is closed, never reused.
      // Not awaited: a broker that is down must not block start-up; setup runs whenever it connects.
      this.current = this.amqp.channel(
        `subscribe:${this.exchange}:${generation}`,
        async (ch: ConfirmChannel) => {
          if (generation !== this.generation) return;
          // A close while the connection stays up; a lost connection closes it too, and the next setup replaces it.
          ch.once('close', () => setImmediate(() => this.amqp.isConnected() && lost('channel closed')));
          try {
            await ch.assertExchange(this.exchange, 'fanout', { durable: true });
            const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
            await ch.bindQueue(queue, this.exchange, '');
            await ch.consume(
              queue,
              (msg: ConsumeMessage | null) => {
                // null: the broker cancelled the consumer (basic.cancel, e.g. the queue was deleted).
                if (!msg) return lost('consumer cancelled');
                try {
                  handler(msg.properties.type as string, JSON.parse(msg.content.toString()) as unknown);
                } catch (err) {
                  this.logger.error({ err }, 'broadcast handler failed');
                }
              },
              { noAck: true },
            );
          } catch (err) {
            lost(`setup failed: ${(err as Error).message}`);
            return;
          }
          this.subscribed = true;
          if (!first) onReconnect?.();
          first = false;
        },
      );
    };
    open();
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.subscribed = false;
    await this.current?.close().catch(() => undefined);
  }
}
