import {
  Inject,
  Injectable,
  type InjectionToken,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
  type Provider,
} from '@nestjs/common';
import { EVENT_ROUTES, type EventPattern, type EventPayload, topology } from '@app/contracts';
import { REQUEST_ID_HEADER, requestContext } from '@app/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EventPublisher } from './event-publisher';

// The SQL each service that publishes events runs in a migration: the outbox lives in the service's schema.
export const OUTBOX_TABLE_SQL = (schema: string): string => `
  CREATE TABLE ${schema}.outbox (
    id bigserial PRIMARY KEY,
    pattern text NOT NULL,
    queue text NOT NULL,
    payload jsonb NOT NULL,
    headers jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    last_error text
  )`;

// Writes an event in the caller's transaction: it is published if and only if the transaction commits.
export async function enqueueEvent<E extends EventPattern>(
  em: EntityManager,
  queuePrefix: string,
  pattern: E,
  payload: EventPayload<E>,
): Promise<void> {
  const queue = topology(queuePrefix).events[EVENT_ROUTES[pattern]];
  const requestId = requestContext.requestId();
  await em.query(`INSERT INTO outbox (pattern, queue, payload, headers) VALUES ($1, $2, $3, $4)`, [
    pattern,
    queue,
    JSON.stringify(payload),
    JSON.stringify(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
  ]);
}

// A broadcast row names an exchange instead of a queue: every subscriber bound to it gets a copy (fanout), and
// nobody listening is no failure. Same table, so a broadcast commits or rolls back with the caller's writes.
const EXCHANGE_DESTINATION = 'exchange:';

export async function enqueueBroadcast(
  em: EntityManager,
  exchange: string,
  type: string,
  payload: object,
): Promise<void> {
  const requestId = requestContext.requestId();
  await em.query(`INSERT INTO outbox (pattern, queue, payload, headers) VALUES ($1, $2, $3, $4)`, [
    type,
    `${EXCHANGE_DESTINATION}${exchange}`,
    JSON.stringify(payload),
    JSON.stringify(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
  ]);
}

// Many broadcasts of one type in one statement (e.g. every session of a user revoked at once).
export async function enqueueBroadcasts(
  em: EntityManager,
  exchange: string,
  type: string,
  payloads: readonly object[],
): Promise<void> {
  if (payloads.length === 0) return;
  const requestId = requestContext.requestId();
  await em.query(
    `INSERT INTO outbox (pattern, queue, payload, headers) SELECT $1, $2, p, $4 FROM unnest($3::jsonb[]) AS p`,
    [
      type,
      `${EXCHANGE_DESTINATION}${exchange}`,
      payloads.map((p) => JSON.stringify(p)),
      JSON.stringify(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
    ],
  );
}

// How long the relay sleeps between polls when nothing woke it (optional provider; 250 ms by default).
export const OUTBOX_IDLE_MS = Symbol('OUTBOX_IDLE_MS');

interface OutboxRow {
  id: string;
  pattern: string;
  queue: string;
  payload: unknown;
  headers: Record<string, unknown>;
}

// Moves committed outbox rows to RabbitMQ (publisher confirms), then deletes them. Runs in every instance;
// SKIP LOCKED keeps instances off each other's rows. A broker outage, or a queue nobody has declared yet (the
// publish is mandatory), leaves the rows for the next pass.
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;
  private wake = false;
  private current?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly publisher: EventPublisher,
    @Optional() @Inject(OUTBOX_IDLE_MS) private readonly idleMs = 250,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  // Runs before the broker connection and the database pool close: no new pass starts, and the current one
  // finishes (its rows are published and deleted, or stay for the next pass of any instance).
  async beforeApplicationShutdown(): Promise<void> {
    this.onApplicationShutdown();
    await this.current;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  // Called after a commit that wrote to the outbox: publish now instead of at the next poll.
  kick(): void {
    if (this.running) {
      this.wake = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.current = this.pass();
    }, ms);
  }

  private async pass(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    let next = this.idleMs;
    try {
      const { published, failed } = await this.publishBatch(200);
      if (failed > 0) next = 1000;
      else if (published === 200 || this.wake) next = 0;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'outbox pass failed; will retry');
      next = 1000;
    } finally {
      this.wake = false;
      this.running = false;
      this.schedule(next);
    }
  }

  async publishBatch(limit: number): Promise<{ published: number; failed: number }> {
    if (!this.publisher.isConnected()) return { published: 0, failed: 0 };
    return this.db.transaction(async (em) => {
      const rows: OutboxRow[] = await em.query(
        `SELECT id, pattern, queue, payload, headers FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return { published: 0, failed: 0 };
      const results = await Promise.allSettled(
        rows.map((r) =>
          r.queue.startsWith(EXCHANGE_DESTINATION)
            ? this.publisher.broadcast(
                r.queue.slice(EXCHANGE_DESTINATION.length),
                r.pattern,
                r.payload as object,
                r.headers,
              )
            : this.publisher.publish(r.queue, r.pattern, r.payload, r.headers),
        ),
      );
      const done = rows.filter((_, i) => results[i].status === 'fulfilled').map((r) => r.id);
      const failed = rows.filter((_, i) => results[i].status === 'rejected').map((r) => r.id);
      if (done.length > 0) await em.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [done]);
      if (failed.length > 0) {
        const reason = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult)
          .reason as Error;
        await em.query(
          `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`,
          [failed, String(reason?.message ?? reason).slice(0, 500)],
        );
        this.logger.warn(
          { failed: failed.length, err: String(reason?.message ?? reason) },
          'outbox events not confirmed',
        );
      }
      return { published: done.length, failed: failed.length };
    });
  }
}

// The relay on the process's shared connection (MessagingModule, imported by runService). The config token is
// no longer needed and only kept so that existing modules compile unchanged; a service that writes to its outbox
// provides `unitOfWorkProviders(APP_CONFIG)` (the relay and the UnitOfWork on it) instead.
export function outboxRelayProvider(_configToken?: InjectionToken): Provider {
  return OutboxRelay;
}
