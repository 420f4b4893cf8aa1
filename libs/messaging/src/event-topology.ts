import { deadLetterQueueName, RETRY_TIERS_MS, retryQueueName } from '@app/contracts';
import { type DurableQueue, retryTier } from './durable-queues';

// An events queue with its delayed-retry tiers and its dead-letter queue; its consumer declares them at start-up
// (publishers never declare another service's queues). Each retry queue holds messages for its TTL and then
// dead-letters them back to the work queue (stock broker, no plugin).
export function eventQueues(queue: string, tiersMs: readonly number[] = RETRY_TIERS_MS): DurableQueue[] {
  return [
    {
      name: queue,
      // A quorum queue counts deliveries, and RabbitMQ 4 drops a message past its delivery limit (20 by default)
      // unless the queue dead-letters: e.g. one requeued again and again because the broker could not take its
      // retry during an outage. It goes to the dead-letter queue instead (re-drivable with npm run dead-letters).
      arguments: (type) =>
        type === 'quorum'
          ? {
              'x-dead-letter-exchange': '',
              'x-dead-letter-routing-key': deadLetterQueueName(queue),
              'x-overflow': 'reject-publish',
              'x-dead-letter-strategy': 'at-least-once',
            }
          : {},
    },
    { name: deadLetterQueueName(queue) },
    ...tiersMs.map((delay) => retryTier(retryQueueName(queue, delay), queue, delay)),
  ];
}
