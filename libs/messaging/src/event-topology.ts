import { deadLetterQueueName, RETRY_TIERS_MS, retryQueueName } from '@app/contracts';
import { type AmqpConnection } from './amqp-connection';

// Declares an events queue with its delayed-retry tiers and its dead-letter queue; its consumer runs this at
// start-up (publishers never declare another service's queues). Each retry queue holds messages for its TTL and
// then dead-letters them back to the work queue (stock broker, no plugin).
export async function assertEventQueues(
  amqp: AmqpConnection,
  queue: string,
  tiersMs: readonly number[] = RETRY_TIERS_MS,
): Promise<void> {
  await amqp.declare(async (ch) => {
    await ch.assertQueue(queue, { durable: true });
    await ch.assertQueue(deadLetterQueueName(queue), { durable: true });
    for (const delay of tiersMs) {
      await ch.assertQueue(retryQueueName(queue, delay), {
        durable: true,
        arguments: {
          'x-message-ttl': delay,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': queue,
        },
      });
    }
  });
}
