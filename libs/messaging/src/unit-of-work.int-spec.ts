import { BroadcastEvent, EventPattern } from '@app/contracts';
import { serviceDataSourceOptions } from '@app/database';
import { strictMock, TestDatabase } from '@app/testing';
import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { OUTBOX_TABLE_SQL, type OutboxRelay } from './outbox';
import { type Transaction, UnitOfWork } from './unit-of-work';

const SCHEMA = 'uow_spec';

class CreateTables1700000000000 implements MigrationInterface {
  name = 'CreateTables1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_TABLE_SQL(SCHEMA));
    await q.query(`CREATE TABLE ${SCHEMA}.items (id uuid PRIMARY KEY, status text NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${SCHEMA}.items`);
    await q.query(`DROP TABLE ${SCHEMA}.outbox`);
  }
}

interface OutboxRow {
  pattern: string;
  queue: string;
  payload: unknown;
}

const USER = '6f1c2f8e-0c1a-4b8e-9d1e-2b7f3c4d5e6f';
const SESSION = '00000000-0000-4000-8000-0000000000aa';
const item = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

// The unit of work on the real Postgres and the real outbox table: what commits is what the relay will move, and
// the relay is kicked after a commit that wrote to the outbox, never after a rollback or a commit that did not.
describe(`${UnitOfWork.name} (Postgres)`, () => {
  let db: TestDatabase;
  let kicks: number;
  let seenAtKick: Promise<OutboxRow[]> | undefined;
  let sut: UnitOfWork;

  beforeAll(async () => {
    db = await TestDatabase.create(SCHEMA, (url) =>
      serviceDataSourceOptions({
        url,
        schema: SCHEMA,
        entities: [],
        migrations: [CreateTables1700000000000],
        migrationsRun: true,
      }),
    );
  });

  afterAll(async () => {
    await db.destroy();
  });

  beforeEach(async () => {
    await db.dataSource.query('TRUNCATE outbox, items');
    kicks = 0;
    seenAtKick = undefined;
    const relay = strictMock<Pick<OutboxRelay, 'kick'>>('OutboxRelay', {
      kick: () => {
        kicks++;
        seenAtKick = outbox();
      },
    });
    sut = new UnitOfWork(db.dataSource, relay, 'p.');
  });

  const outbox = (): Promise<OutboxRow[]> =>
    db.dataSource.query(`SELECT pattern, queue, payload FROM outbox ORDER BY id`);
  const items = (): Promise<{ id: string; status: string }[]> =>
    db.dataSource.query(`SELECT id, status FROM items ORDER BY id`);

  it('commits the row and its event together and kicks the relay once', async () => {
    await sut.run(async (tx) => {
      await tx.manager.query(`INSERT INTO items (id, status) VALUES ($1, 'active')`, [item(1)]);
      await tx.publish(EventPattern.ItemDataRevoked, { itemId: item(1) });
      await tx.publish(EventPattern.ItemRemoved, { itemId: item(1), userId: USER });
    });

    expect(await items()).toEqual([{ id: item(1), status: 'active' }]);
    expect((await outbox()).map((r) => [r.pattern, r.queue])).toEqual([
      [EventPattern.ItemDataRevoked, 'p.sync.events'],
      [EventPattern.ItemRemoved, 'p.sync.events'],
    ]);
    expect(kicks).toBe(1);
    // Read from another connection when the relay was kicked: the rows were committed by then.
    expect(await seenAtKick).toHaveLength(2);
  });

  it('does not kick the relay after a commit that published nothing', async () => {
    await sut.run((tx) =>
      tx.manager.query(`INSERT INTO items (id, status) VALUES ($1, 'active')`, [item(1)]),
    );

    expect(await items()).toHaveLength(1);
    expect(await outbox()).toEqual([]);
    expect(kicks).toBe(0);
  });

  it('leaves neither the row nor the event when the work throws, and does not kick', async () => {
    await expect(
      sut.run(async (tx) => {
        await tx.manager.query(`INSERT INTO items (id, status) VALUES ($1, 'active')`, [item(1)]);
        await tx.publish(EventPattern.ItemRemoved, { itemId: item(1), userId: USER });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');

    expect(await items()).toEqual([]);
    expect(await outbox()).toEqual([]);
    expect(kicks).toBe(0);
  });

  it('rolls back the events of a work whose later statement fails in the database', async () => {
    await db.dataSource.query(`INSERT INTO items (id, status) VALUES ($1, 'active')`, [item(1)]);

    await expect(
      sut.run(async (tx) => {
        await tx.publish(EventPattern.ItemDataRevoked, { itemId: item(1) });
        await tx.manager.query(`INSERT INTO items (id, status) VALUES ($1, 'active')`, [item(1)]);
      }),
    ).rejects.toThrow(/duplicate key/);

    expect(await outbox()).toEqual([]);
    expect(kicks).toBe(0);
  });

  it('publishes through the same transaction from code it was handed, and kicks once', async () => {
    // What a repository method called from a unit of work does: its SQL and its event on the caller's transaction.
    const revoke = async (tx: Transaction, id: string): Promise<void> => {
      await tx.manager.query(`UPDATE items SET status = 'revoked' WHERE id = $1`, [id]);
      await tx.publish(EventPattern.ItemDataRevoked, { itemId: id });
    };
    await db.dataSource.query(`INSERT INTO items (id, status) VALUES ($1, 'active'), ($2, 'active')`, [
      item(1),
      item(2),
    ]);

    await sut.run(async (tx) => {
      await revoke(tx, item(1));
      await revoke(tx, item(2));
      await tx.broadcastMany(BroadcastEvent.SessionRevoked, [{ sessionId: SESSION, until: 1 }]);
    });

    expect(await items()).toEqual([
      { id: item(1), status: 'revoked' },
      { id: item(2), status: 'revoked' },
    ]);
    expect((await outbox()).map((r) => [r.pattern, r.queue])).toEqual([
      [EventPattern.ItemDataRevoked, 'p.sync.events'],
      [EventPattern.ItemDataRevoked, 'p.sync.events'],
      [BroadcastEvent.SessionRevoked, 'exchange:p.auth.revocations'],
    ]);
    expect(kicks).toBe(1);
  });

  it('sees nothing of an uncommitted unit of work from another connection, and everything after it', async () => {
    let seenInside: OutboxRow[] | undefined;

    await sut.run(async (tx) => {
      await tx.publish(EventPattern.ItemDataRevoked, { itemId: item(1) });
      seenInside = await outbox();
    });

    expect(seenInside).toEqual([]);
    expect(await outbox()).toHaveLength(1);
  });

  it('runs at the isolation level asked for', async () => {
    const level = await sut.run(
      async (tx) => {
        const [row] =
          await tx.manager.query<{ transaction_isolation: string }[]>(`SHOW transaction_isolation`);
        return row.transaction_isolation;
      },
      { isolation: 'SERIALIZABLE' },
    );

    expect(level).toBe('serializable');
  });
});
