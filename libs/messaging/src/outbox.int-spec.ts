import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { requestContext } from '@app/common';
import { EventPattern } from '@app/contracts';
import { serviceDataSourceOptions } from '@app/database';
import { strictMock, TestDatabase } from '@app/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { UnroutableMessageError } from './amqp-connection';
import { EventPublisher } from './event-publisher';
import { enqueueBroadcast, enqueueEvent, OUTBOX_TABLE_SQL, OutboxRelay } from './outbox';

const SCHEMA = 'outbox_spec';

class CreateOutbox1700000000000 implements MigrationInterface {
  name = 'CreateOutbox1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_TABLE_SQL(SCHEMA));
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${SCHEMA}.outbox`);
  }
}

interface Published {
  queue: string;
  pattern: string;
  data: unknown;
  headers: Record<string, unknown>;
}

const USER = '6f1c2f8e-0c1a-4b8e-9d1e-2b7f3c4d5e6f';
const item = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

// The relay against the real Postgres (its SQL is the point) with the broker replaced by a fake publisher.
describe(OutboxRelay.name, () => {
  let db: TestDatabase;
  let sut: OutboxRelay;
  let published: Published[];
  let broadcasts: { exchange: string; type: string; payload: unknown }[];
  let refuseBroadcast: boolean;
  let refuse: (queue: string, data: unknown) => Error | undefined;
  let connected: boolean;

  beforeAll(async () => {
    db = await TestDatabase.create(SCHEMA, (url) =>
      serviceDataSourceOptions({
        url,
        schema: SCHEMA,
        entities: [],
        migrations: [CreateOutbox1700000000000],
        migrationsRun: true,
      }),
    );
  });

  afterAll(async () => {
    await db.destroy();
  });

  beforeEach(async () => {
    await db.dataSource.query('TRUNCATE outbox');
    published = [];
    broadcasts = [];
    refuseBroadcast = false;
    refuse = () => undefined;
    connected = true;
    const publisher = strictMock<EventPublisher>('EventPublisher', {
      isConnected: () => connected,
      publish: async (
        queue: string,
        pattern: string,
        data: unknown,
        headers: Record<string, unknown> = {},
      ) => {
        const err = refuse(queue, data);
        if (err) throw err;
        published.push({ queue, pattern, data, headers });
      },
      broadcast: async (exchange: string, type: string, payload: object) => {
        if (refuseBroadcast) throw new Error('nacked');
        broadcasts.push({ exchange, type, payload });
      },
    });
    const moduleRef = await Test.createTestingModule({
      providers: [
        OutboxRelay,
        { provide: DataSource, useValue: db.dataSource },
        { provide: EventPublisher, useValue: publisher },
      ],
    }).compile();
    Logger.overrideLogger(false);
    sut = moduleRef.get(OutboxRelay);
  });

  const enqueue = (n: number, prefix = 'p.'): Promise<void> =>
    db.dataSource.transaction((em) =>
      enqueueEvent(em, prefix, EventPattern.ItemRemoved, { itemId: item(n), userId: USER }),
    );

  it('publishes committed events in order to the queue their pattern routes to, then deletes them', async () => {
    await enqueue(1);
    await enqueue(2);

    const result = await sut.publishBatch(200);

    expect(result).toEqual({ published: 2, failed: 0 });
    expect(published.map((p) => [p.queue, p.pattern, (p.data as { itemId: string }).itemId])).toEqual([
      ['p.sync.events', EventPattern.ItemRemoved, item(1)],
      ['p.sync.events', EventPattern.ItemRemoved, item(2)],
    ]);
    expect(await db.dataSource.query('SELECT id FROM outbox')).toEqual([]);
  });

  it('carries the request id of the transaction that wrote the event', async () => {
    await requestContext.run({ requestId: 'req-9' }, () => enqueue(3));

    await sut.publishBatch(200);

    expect(published[0].headers).toEqual({ 'x-request-id': 'req-9' });
  });

  it('writes nothing when the transaction rolls back', async () => {
    await expect(
      db.dataSource.transaction(async (em) => {
        await enqueueEvent(em, 'p.', EventPattern.ItemRemoved, { itemId: item(4), userId: USER });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');

    expect(await sut.publishBatch(200)).toEqual({ published: 0, failed: 0 });
  });

  it('keeps a refused event with its attempt count and reason, and publishes the rest', async () => {
    await enqueue(5);
    await enqueue(6);
    refuse = (queue, data) =>
      (data as { itemId: string }).itemId === item(5) ? new UnroutableMessageError('', queue) : undefined;

    const result = await sut.publishBatch(200);

    expect(result).toEqual({ published: 1, failed: 1 });
    const rows: { payload: { itemId: string }; attempts: number; last_error: string }[] =
      await db.dataSource.query('SELECT payload, attempts, last_error FROM outbox');
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.itemId).toBe(item(5));
    expect(rows[0].attempts).toBe(1);
    expect(rows[0].last_error).toContain('no queue took the message');
  });

  it('leaves every event in place while the broker is disconnected', async () => {
    await enqueue(7);
    connected = false;

    expect(await sut.publishBatch(200)).toEqual({ published: 0, failed: 0 });
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM outbox')).toEqual([{ n: 1 }]);
  });

  it('publishes at most the batch size per pass', async () => {
    for (let n = 10; n < 15; n++) await enqueue(n);

    expect(await sut.publishBatch(3)).toEqual({ published: 3, failed: 0 });
    expect(await sut.publishBatch(3)).toEqual({ published: 2, failed: 0 });
  });

  describe('broadcasts', () => {
    const enqueueRevocation = (sessionId: string): Promise<void> =>
      db.dataSource.transaction((em) =>
        enqueueBroadcast(em, 'p.auth.revocations', 'session.revoked', { sessionId }),
      );

    it('publishes a broadcast row to its exchange, not to a queue, then deletes it', async () => {
      await enqueueRevocation('s-1');

      expect(await sut.publishBatch(200)).toEqual({ published: 1, failed: 0 });
      expect(broadcasts).toEqual([
        { exchange: 'p.auth.revocations', type: 'session.revoked', payload: { sessionId: 's-1' } },
      ]);
      expect(published).toEqual([]);
      expect(await db.dataSource.query('SELECT id FROM outbox')).toEqual([]);
    });

    it('keeps a refused broadcast and publishes it on a later pass', async () => {
      await enqueueRevocation('s-2');
      refuseBroadcast = true;

      expect(await sut.publishBatch(200)).toEqual({ published: 0, failed: 1 });
      refuseBroadcast = false;
      expect(await sut.publishBatch(200)).toEqual({ published: 1, failed: 0 });

      expect(broadcasts.map((b) => b.payload)).toEqual([{ sessionId: 's-2' }]);
    });
  });
});
