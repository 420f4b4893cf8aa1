import { deadLetterQueueName, RETRY_TIERS_MS, retryQueueName } from '@app/contracts';
import { type DurableQueue, retryTier } from './durable-queues';

// An events queue with its delayed-retry tiers and its dead-letter queue; its consumer declares them at start-up
// (publishers never declare another service's queues). Each retry queue holds messages for its TTL and then
// dead-letters them back to the work queue (stock broker, no plugin).
export function eventQueues(queue: string, tiersMs: readonly number[] = RETRY_TIERS_MS): DurableQueue[] {
  return [
    { name: queue },
    { name: deadLetterQueueName(queue) },
    ...tiersMs.map((delay) => retryTier(retryQueueName(queue, delay), queue, delay)),
  ];
}
