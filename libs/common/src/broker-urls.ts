// RABBITMQ_URL names one broker or, comma-separated, the nodes of a cluster: every connection starts on the first
// and, when its node is lost, reconnects to the next one in turn (amqp-connection-manager's round robin).
export const BROKER_URLS_PATTERN = /^amqps?:\/\/[^,\s]+(\s*,\s*amqps?:\/\/[^,\s]+)*$/;
export const BROKER_URLS_MESSAGE = 'must be an amqp:// URL or a comma-separated list of them (one per node)';

export function brokerUrls(value: string): string[] {
  return value
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
}

// Durable queues are replicated quorum queues unless the broker needs otherwise (see QUEUE_TYPE).
export const QUEUE_TYPES = ['quorum', 'classic'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];
