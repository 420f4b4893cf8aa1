import { requestContext } from '@app/common';
import { BroadcastEvent, EventPattern } from '@app/contracts';
import { strictMock } from '@app/testing';
import { type DataSource, type EntityManager } from 'typeorm';
import { type OutboxRelay } from './outbox';
import { type IsolationLevel, type Transaction, UnitOfWork } from './unit-of-work';

interface Statement {
  sql: string;
  params: unknown[];
}

const USER = '6f1c2f8e-0c1a-4b8e-9d1e-2b7f3c4d5e6f';
const ITEM = '00000000-0000-4000-8000-000000000001';
const SESSION = '00000000-0000-4000-8000-0000000000aa';

// What reaches the database and the relay, with a manager that records statements instead of running them: the
// routing, the kick and the rollback rule are logic; the SQL itself is exercised in unit-of-work.int-spec.ts.
describe(UnitOfWork.name, () => {
  let statements: Statement[];
  let kicks: number;
  let isolations: (IsolationLevel | undefined)[];
  let sut: UnitOfWork;

  beforeEach(() => {
    statements = [];
    kicks = 0;
    isolations = [];
    const manager = strictMock<EntityManager>('EntityManager', {
      query: ((sql: string, params: unknown[] = []) => {
        statements.push({ sql, params });
        return Promise.resolve([]);
      }) as EntityManager['query'],
    });
    // DataSource.transaction([isolation,] work): commits when the work resolves, rolls back when it throws.
    const db = strictMock<DataSource>('DataSource', {
      transaction: ((...args: unknown[]) => {
        const work = args[args.length - 1] as (em: EntityManager) => Promise<unknown>;
        isolations.push(args.length > 1 ? (args[0] as IsolationLevel) : undefined);
        return work(manager);
      }),
    });
    const relay = strictMock<Pick<OutboxRelay, 'kick'>>('OutboxRelay', { kick: () => void kicks++ });
    sut = new UnitOfWork(db, relay, 'p.');
  });

  it('writes a published event for the queue its pattern routes to, under the service prefix', async () => {
    await sut.run((tx) => tx.publish(EventPattern.ItemRemoved, { itemId: ITEM, userId: USER }));

    expect(statements).toHaveLength(1);
    expect(statements[0].sql).toContain('INSERT INTO outbox');
    expect(statements[0].params.slice(0, 3)).toEqual([
      EventPattern.ItemRemoved,
      'p.sync.events',
      JSON.stringify({ itemId: ITEM, userId: USER }),
    ]);
  });

  it('kicks the relay once after the commit when several events were published', async () => {
    await sut.run(async (tx) => {
      await tx.publish(EventPattern.ItemRemoved, { itemId: ITEM, userId: USER });
      await tx.publish(EventPattern.ItemDataRevoked, { itemId: ITEM });
      expect(kicks).toBe(0);
    });

    expect(statements).toHaveLength(2);
    expect(kicks).toBe(1);
  });

  it('does not kick the relay when nothing was published', async () => {
    const result = await sut.run(async (tx) => {
      await tx.manager.query('SELECT 1');
      return 42;
    });

    expect(result).toBe(42);
    expect(kicks).toBe(0);
  });

  it('does not kick the relay when the work throws after publishing', async () => {
    await expect(
      sut.run(async (tx) => {
        await tx.publish(EventPattern.ItemRemoved, { itemId: ITEM, userId: USER });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(kicks).toBe(0);
  });

  it('kicks when a helper handed the transaction published through it', async () => {
    const helper = (tx: Transaction): Promise<void> =>
      tx.publish(EventPattern.ItemDataRevoked, { itemId: ITEM });

    await sut.run(async (tx) => {
      await tx.manager.query('UPDATE items SET status = $1', ['revoked']);
      await helper(tx);
    });

    expect(statements.map((s) => s.sql.split(' ')[0])).toEqual(['UPDATE', 'INSERT']);
    expect(kicks).toBe(1);
  });

  it('routes a broadcast to its fanout exchange under the service prefix', async () => {
    await sut.run((tx) => tx.broadcast(BroadcastEvent.SessionRevoked, { sessionId: SESSION, until: 1 }));

    expect(statements[0].params.slice(0, 2)).toEqual([
      BroadcastEvent.SessionRevoked,
      'exchange:p.auth.revocations',
    ]);
    expect(kicks).toBe(1);
  });

  it('writes many broadcasts in one statement, and nothing (no kick) for none', async () => {
    const revocation = { sessionId: SESSION, until: 1 };
    await sut.run((tx) => tx.broadcastMany(BroadcastEvent.SessionRevoked, []));
    expect(statements).toHaveLength(0);
    expect(kicks).toBe(0);

    await sut.run((tx) => tx.broadcastMany(BroadcastEvent.SessionRevoked, [revocation, revocation]));

    expect(statements).toHaveLength(1);
    expect(statements[0].params[2]).toEqual([JSON.stringify(revocation), JSON.stringify(revocation)]);
    expect(kicks).toBe(1);
  });

  it('carries the request id of the caller into the event headers', async () => {
    await requestContext.run({ requestId: 'req-1' }, () =>
      sut.run((tx) => tx.publish(EventPattern.ItemDataRevoked, { itemId: ITEM })),
    );

    expect(JSON.parse(statements[0].params[3] as string)).toEqual({ 'x-request-id': 'req-1' });
  });

  it('opens the transaction at the isolation level asked for, and at the default otherwise', async () => {
    await sut.run(() => Promise.resolve(), { isolation: 'SERIALIZABLE' });
    await sut.run(() => Promise.resolve());

    expect(isolations).toEqual(['SERIALIZABLE', undefined]);
  });

  it('refuses a publish after its run has returned', async () => {
    let leaked: Transaction | undefined;
    await sut.run((tx) => {
      leaked = tx;
      return Promise.resolve();
    });

    await expect(leaked!.publish(EventPattern.ItemDataRevoked, { itemId: ITEM })).rejects.toThrow(
      'the unit of work has ended',
    );
    expect(statements).toHaveLength(0);
  });
});
