import { Logger } from '@nestjs/common';
import { type QueueType } from '@app/common';
import { type Options } from 'amqplib';
import { type AmqpConnection } from './amqp-connection';

// A durable queue this system declares, with its arguments for either queue type.
export interface DurableQueue {
  name: string;
  arguments?: (type: QueueType) => Record<string, unknown>;
}

// By queue name: the options each was declared with.
export type DeclaredQueues = Record<string, Options.AssertQueue>;

const otherType = (type: QueueType): QueueType => (type === 'quorum' ? 'classic' : 'quorum');

export function durableQueueOptions(queue: DurableQueue, type: QueueType): Options.AssertQueue {
  return { durable: true, arguments: { 'x-queue-type': type, ...queue.arguments?.(type) } };
}

// A retry tier holds a message for its delay, then dead-letters it back to the work queue. On a quorum queue,
// at-least-once dead-lettering keeps the message until the work queue has confirmed it (at-most-once, the
// default, drops it when the work queue cannot take it, e.g. while its leader is being elected); the broker only
// honours the strategy with reject-publish overflow, which never applies here as no tier has a length limit.
export function retryTier(name: string, target: string, delayMs: number): DurableQueue {
  return {
    name,
    arguments: (type) => ({
      'x-message-ttl': delayMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': target,
      ...(type === 'quorum' && { 'x-overflow': 'reject-publish', 'x-dead-letter-strategy': 'at-least-once' }),
    }),
  };
}

const isPreconditionFailed = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 406;

// Declares each queue as `type` and returns the options it was declared with, for the consumers that redeclare it
// on every reconnect. A queue that already exists as the other type (a deployment from before QUEUE_TYPE, whose
// queues are classic) is kept as it is: the broker refuses to change a queue's type, and deleting it would lose
// its messages. The service runs on it and says so in one line; anything else the broker refuses stops the start.
export async function declareDurableQueues(
  amqp: AmqpConnection,
  queues: readonly DurableQueue[],
  type: QueueType,
): Promise<DeclaredQueues> {
  const declared: DeclaredQueues = {};
  const kept: string[] = [];
  // One channel per attempt: a refused declaration closes its channel.
  const declare = (queue: DurableQueue, as: QueueType): Promise<void> =>
    amqp.declare(async (ch) => {
      await ch.assertQueue(queue.name, durableQueueOptions(queue, as));
    });
  for (const queue of queues) {
    try {
      await declare(queue, type);
      declared[queue.name] = durableQueueOptions(queue, type);
    } catch (err) {
      if (!isPreconditionFailed(err)) throw err;
      // The broker names the first argument that differs (x-queue-type, or x-overflow for a retry tier), so the
      // test is whether the queue takes the other type's declaration.
      const existing = otherType(type);
      const isOtherType = await declare(queue, existing).then(
        () => true,
        () => false,
      );
      if (!isOtherType) throw err;
      declared[queue.name] = durableQueueOptions(queue, existing);
      kept.push(queue.name);
    }
  }
  if (kept.length > 0) {
    new Logger('DurableQueues').warn(
      { queues: kept, queueType: type, existingType: otherType(type) },
      `QUEUE_TYPE=${type} but ${kept.length} queue(s) already exist as ${otherType(type)} queues; running on them as they are. Set QUEUE_TYPE=${otherType(type)}, or migrate: stop every consumer of a queue, let it drain, delete it and restart (docs/operations.md)`,
    );
  }
  return declared;
}
