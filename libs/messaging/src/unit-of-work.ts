import { type InjectionToken, type Provider } from '@nestjs/common';
import {
  BroadcastEvent,
  type EventPattern,
  type EventPayload,
  type SessionRevocation,
  type Topology,
  type UserFeedBroadcast,
  topology,
} from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { enqueueBroadcast, enqueueBroadcasts, enqueueEvent, OutboxRelay } from './outbox';

// The payload of every broadcast, and the fanout exchange it goes to (the unit of work adds the queue prefix).
export interface BroadcastContract {
  [BroadcastEvent.SessionRevoked]: SessionRevocation;
  [BroadcastEvent.UserEvent]: UserFeedBroadcast;
}

export type BroadcastPayload<B extends BroadcastEvent> = BroadcastContract[B];

export const BROADCAST_ROUTES: Record<BroadcastEvent, 'revocationsExchange' | 'userEventsExchange'> = {
  [BroadcastEvent.SessionRevoked]: 'revocationsExchange',
  [BroadcastEvent.UserEvent]: 'userEventsExchange',
};

// Postgres' levels, as TypeORM spells them (its own type is not exported from the package root).
export type IsolationLevel = 'READ UNCOMMITTED' | 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

export interface UnitOfWorkOptions {
  isolation?: IsolationLevel;
}

// One open transaction: `manager` is what repositories take for work inside it; what is published or broadcast
// is written to the outbox in it, so it leaves the service if and only if the transaction commits. Code handed
// a transaction (a repository method, a helper shared by two services) takes the Transaction, not its manager,
// whenever it publishes.
export interface Transaction {
  readonly manager: EntityManager;
  publish<E extends EventPattern>(pattern: E, payload: EventPayload<E>): Promise<void>;
  broadcast<B extends BroadcastEvent>(type: B, payload: BroadcastPayload<B>): Promise<void>;
  // One statement for many broadcasts of a type (e.g. every session of a user revoked at once).
  broadcastMany<B extends BroadcastEvent>(type: B, payloads: readonly BroadcastPayload<B>[]): Promise<void>;
}

// The transaction of one `run`: counts what it wrote to the outbox, and refuses use after `run` has returned (the
// connection is back in the pool by then, and a row written outside the transaction would break the promise).
class OutboxTransaction implements Transaction {
  published = false;
  private ended = false;

  constructor(
    readonly manager: EntityManager,
    private readonly names: Topology,
    private readonly prefix: string,
  ) {}

  async publish<E extends EventPattern>(pattern: E, payload: EventPayload<E>): Promise<void> {
    this.assertOpen();
    await enqueueEvent(this.manager, this.prefix, pattern, payload);
    this.published = true;
  }

  async broadcast<B extends BroadcastEvent>(type: B, payload: BroadcastPayload<B>): Promise<void> {
    this.assertOpen();
    await enqueueBroadcast(this.manager, this.names[BROADCAST_ROUTES[type]], type, payload);
    this.published = true;
  }

  async broadcastMany<B extends BroadcastEvent>(
    type: B,
    payloads: readonly BroadcastPayload<B>[],
  ): Promise<void> {
    this.assertOpen();
    if (payloads.length === 0) return;
    await enqueueBroadcasts(this.manager, this.names[BROADCAST_ROUTES[type]], type, payloads);
    this.published = true;
  }

  end(): void {
    this.ended = true;
  }

  private assertOpen(): void {
    if (this.ended) throw new Error('the unit of work has ended: publish inside its run()');
  }
}

// "These rows and these events commit together": runs the work in one transaction of the service's DataSource,
// and once it has committed kicks the outbox relay — only when something was published, so the relay's next poll
// is not the only thing that moves the rows. A rollback (the work threw) publishes nothing. Provided by
// `unitOfWorkProviders` (it needs the service's queue prefix); inject it by its class.
export class UnitOfWork {
  private readonly names: Topology;

  constructor(
    private readonly db: DataSource,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
    private readonly queuePrefix: string,
  ) {
    this.names = topology(queuePrefix);
  }

  async run<T>(work: (tx: Transaction) => Promise<T>, options: UnitOfWorkOptions = {}): Promise<T> {
    let tx: OutboxTransaction | undefined;
    const inTransaction = async (em: EntityManager): Promise<T> => {
      tx = new OutboxTransaction(em, this.names, this.queuePrefix);
      try {
        return await work(tx);
      } finally {
        tx.end();
      }
    };
    const result = options.isolation
      ? await this.db.transaction(options.isolation, inTransaction)
      : await this.db.transaction(inTransaction);
    if (tx?.published) this.relay.kick();
    return result;
  }
}

// The outbox relay and the unit of work on it, for a module that provides them to a service's features; the
// queue prefix comes from the service's config (any object with QUEUE_PREFIX under `configToken`).
export function unitOfWorkProviders(configToken: InjectionToken): Provider[] {
  return [
    OutboxRelay,
    {
      provide: UnitOfWork,
      useFactory: (db: DataSource, relay: OutboxRelay, config: { QUEUE_PREFIX: string }) =>
        new UnitOfWork(db, relay, config.QUEUE_PREFIX),
      inject: [DataSource, OutboxRelay, configToken],
    },
  ];
}
