import { randomUUID } from 'node:crypto';
import { type CustomStrategy, type ReadPacket, RmqContext, ServerRMQ } from '@nestjs/microservices';
import { type ChannelWrapper } from 'amqp-connection-manager';
import { type Channel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { rmqServerOptions, type RmqServerSettings } from './rmq-options';

// What to do with an event no handler of this service knows (e.g. a newer producer's pattern during a rolling
// upgrade): Nest would nack it without requeue, and on a queue without a dead-letter exchange that drops it.
export type UnhandledEventSink = (
  channel: ConfirmChannel,
  message: ConsumeMessage,
  pattern: string,
) => Promise<void>;

// Nest's ServerRMQ with one hot-path fix: Server.getRouteFromPattern runs JSON.parse on every incoming
// pattern and catches the SyntaxError for plain string patterns, so each of our messages threw and caught an
// exception (~0.1 ms, the largest Nest item in the worker's profile under read load). Our patterns are plain
// strings; object patterns still take Nest's path.
// Kept as an override because Nest offers no public hook here: a custom deserializer could only make every
// pattern valid JSON ('"sync.x"'), which still parses each one and changes the pattern RmqContext reports (our
// metric labels and logs). Re-check on each Nest upgrade (server.js getHandlerByPattern).
export class RmqServer extends ServerRMQ {
  // Our own consumer tag and the channel it consumes on, so that shutdown can cancel the consumer (the broker
  // stops delivering) while the channel stays open for the in-flight handlers' acks and replies.
  private readonly consumerTag: string;
  private consuming?: Channel;
  private stopping = false;
  // Deliveries not yet handed to their handler (the interceptor counts them from there on).
  private dispatching = 0;

  constructor(
    options: ConstructorParameters<typeof ServerRMQ>[0],
    private readonly unhandled?: UnhandledEventSink,
  ) {
    const consumerTag = `${options?.queue ?? 'rmq'}.${randomUUID()}`;
    super({ ...options, consumerTag });
    this.consumerTag = consumerTag;
  }

  override async setupChannel(channel: Channel, callback: () => void): Promise<void> {
    // A reconnect during shutdown must not start consuming again.
    if (this.stopping) return callback();
    this.consuming = channel;
    return super.setupChannel(channel, callback);
  }

  override async handleMessage(message: Record<string, unknown>, channel: unknown): Promise<void> {
    this.dispatching += 1;
    try {
      await super.handleMessage(message, channel);
    } finally {
      this.dispatching -= 1;
    }
  }

  get idle(): boolean {
    return this.dispatching === 0;
  }

  // Cancels the consumer: no new deliveries; unacked messages stay with us until acked or the channel closes
  // (then the broker requeues them).
  async stopConsuming(): Promise<void> {
    this.stopping = true;
    await this.consuming?.cancel(this.consumerTag).catch(() => undefined);
  }

  // Resolves once the replies handlers sent are on the wire (closing the channel would drop queued ones).
  async flushed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Written but not yet confirmed by the socket counts too: close() rejects those (amqp-connection-manager 4
    // keeps them in a private list; re-check on upgrade).
    const pending = (): number => {
      const ch = this.channel as ChannelWrapper | null;
      const unconfirmed = (ch as { _unconfirmedMessages?: unknown[] } | null)?._unconfirmedMessages;
      return (ch?.queueLength() ?? 0) + (unconfirmed?.length ?? 0);
    };
    while (pending() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  protected override getRouteFromPattern(pattern: string): string {
    return pattern.startsWith('{') ? super.getRouteFromPattern(pattern) : pattern;
  }

  override async handleEvent(pattern: string, packet: ReadPacket, context: RmqContext): Promise<unknown> {
    if (!this.unhandled || this.getHandlerByPattern(pattern))
      return super.handleEvent(pattern, packet, context);
    const message = context.getMessage() as ConsumeMessage;
    return this.unhandled(context.getChannelRef() as ConfirmChannel, message, pattern);
  }
}

// The consumer side as a custom strategy: the options of rmqServerOptions, served by RmqServer.
export function rmqServerStrategy(s: RmqServerSettings, unhandled?: UnhandledEventSink): CustomStrategy {
  return { strategy: new RmqServer(rmqServerOptions(s).options ?? {}, unhandled) };
}
