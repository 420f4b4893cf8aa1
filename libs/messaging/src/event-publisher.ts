import { Logger } from '@nestjs/common';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import { type ConfirmChannel } from 'amqplib';

// Publishes Nest-format events ({pattern, data}) straight to a queue, persistent, with publisher confirms:
// a resolved publish means the broker has the message on disk.
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;

  constructor(url: string, setup?: (ch: ConfirmChannel) => Promise<unknown>) {
    this.connection = amqp.connect([url], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
      connectionOptions: { noDelay: true },
    });
    this.connection.on('disconnect', ({ err }) =>
      this.logger.warn({ err: err?.message }, 'broker disconnected'),
    );
    this.channel = this.connection.createChannel({ json: false, confirm: true, setup });
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  async publish(
    queue: string,
    pattern: string,
    data: unknown,
    headers: Record<string, unknown> = {},
    timeoutMs = 5000,
  ): Promise<void> {
    if (!this.connection.isConnected()) throw new Error('broker not connected');
    await this.channel.sendToQueue(queue, Buffer.from(JSON.stringify({ pattern, data })), {
      persistent: true,
      contentType: 'application/json',
      headers,
      timeout: timeoutMs,
    });
  }

  async close(): Promise<void> {
    await this.channel.close();
    await this.connection.close();
  }
}
