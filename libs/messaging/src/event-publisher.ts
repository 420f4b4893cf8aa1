import { Injectable } from '@nestjs/common';
import { AmqpConnection } from './amqp-connection';
import { FanoutPublisher } from './fanout';

// Publishes Nest-format events ({pattern, data}) straight to a queue on the shared connection: persistent,
// mandatory and confirmed. A resolved publish means the broker has the message on disk; a queue nobody has
// declared yet returns the message and the publish fails (the caller keeps it or answers 503) instead of the
// broker dropping it.
@Injectable()
export class EventPublisher {
  private readonly fanouts = new Map<string, FanoutPublisher>();

  constructor(private readonly amqp: AmqpConnection) {}

  isConnected(): boolean {
    return this.amqp.isConnected();
  }

  publish(
    queue: string,
    pattern: string,
    data: unknown,
    headers: Record<string, unknown> = {},
    timeoutMs = 5000,
  ): Promise<void> {
    return this.amqp.sendToQueue(queue, Buffer.from(JSON.stringify({ pattern, data })), {
      headers,
      timeoutMs,
    });
  }

  // To a fanout exchange (declared on first use): confirmed, not mandatory (no subscriber is no failure).
  broadcast(
    exchange: string,
    type: string,
    payload: object,
    headers: Record<string, unknown> = {},
  ): Promise<void> {
    let fanout = this.fanouts.get(exchange);
    if (!fanout) {
      fanout = new FanoutPublisher(this.amqp, exchange);
      this.fanouts.set(exchange, fanout);
    }
    return fanout.publish(type, payload, 5000, headers);
  }
}
