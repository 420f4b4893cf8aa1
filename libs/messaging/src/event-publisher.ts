import { Injectable } from '@nestjs/common';
import { AmqpConnection } from './amqp-connection';

// Publishes Nest-format events ({pattern, data}) straight to a queue on the shared connection: persistent,
// mandatory and confirmed. A resolved publish means the broker has the message on disk; a queue nobody has
// declared yet returns the message and the publish fails (the caller keeps it or answers 503) instead of the
// broker dropping it.
@Injectable()
export class EventPublisher {
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
}
