import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// One registry per process, served as Prometheus text at GET /metrics by every service.
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const registers = [metricsRegistry];

export const metrics = {
  httpDuration: new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  }),
  messagesConsumed: new Counter({
    name: 'messages_consumed_total',
    help: 'Messages handled successfully, by queue and pattern',
    labelNames: ['queue', 'pattern'],
    registers,
  }),
  messagesFailed: new Counter({
    name: 'messages_failed_total',
    help: 'Messages whose handler failed, by queue and pattern',
    labelNames: ['queue', 'pattern'],
    registers,
  }),
  messagesRetried: new Counter({
    name: 'messages_retried_total',
    help: 'Failed events sent to a delayed-retry tier',
    labelNames: ['queue', 'pattern'],
    registers,
  }),
  messagesDeferred: new Counter({
    name: 'messages_deferred_total',
    help: 'Events put off without counting an attempt (e.g. their institution is paused)',
    labelNames: ['queue', 'pattern'],
    registers,
  }),
  messagesDeadLettered: new Counter({
    name: 'messages_dead_lettered_total',
    help: 'Events sent to the dead-letter queue',
    labelNames: ['queue', 'pattern'],
    registers,
  }),
  plaidCalls: new Counter({
    name: 'plaid_calls_total',
    help: 'Plaid API calls by endpoint, HTTP status and Plaid error_code',
    labelNames: ['endpoint', 'status', 'error_code'],
    registers,
  }),
  plaidCallDuration: new Histogram({
    name: 'plaid_call_duration_seconds',
    help: 'Plaid API call latency by endpoint',
    labelNames: ['endpoint'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  }),
  syncDuration: new Histogram({
    name: 'sync_duration_seconds',
    help: 'Duration of one /transactions/sync run of an item (all pages)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  }),
  transactionsApplied: new Counter({
    name: 'sync_transactions_applied_total',
    help: 'Transactions written by syncs: upserted (added or modified) and removed',
    labelNames: ['kind'],
    registers,
  }),
  // A posted transaction arrived without pending_transaction_id (or the pending one vanished): the user's edit of
  // the pending transaction stays with its id, counted once here rather than guessed onto another transaction.
  transactionEditsOrphaned: new Counter({
    name: 'sync_transaction_edits_orphaned_total',
    help: 'User edits left on a transaction that is gone, with no posted transaction naming it as its pending one',
    registers,
  }),
  recurringFetches: new Counter({
    name: 'sync_recurring_fetches_total',
    help: 'Fetches of /transactions/recurring/get by outcome (ok, unavailable, failed)',
    labelNames: ['outcome'],
    registers,
  }),
};

// A gauge whose values are read (e.g. from the database) when Prometheus scrapes.
export function scrapedGauge(
  name: string,
  help: string,
  labelNames: string[],
  read: () => Promise<{ labels: Record<string, string>; value: number }[]>,
): Gauge {
  return new Gauge({
    name,
    help,
    labelNames,
    registers,
    async collect() {
      this.reset();
      for (const { labels, value } of await read()) this.set(labels, value);
    },
  });
}
