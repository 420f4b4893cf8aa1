import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { BroadcastEvent, type FeedEventDto, topology } from '@app/contracts';
import { type OutboxRelay, UnitOfWork } from '@app/messaging';
import { type ServiceTest, type TestDatabase, strictMock } from '@app/testing';
import { type PlaidApi } from 'plaid';
import { feedBroadcasts, feedEvents, linkServiceTest, resetLinkTables } from '../spec-support';
import { OutboxModule } from '../outbox/outbox.module';
import { FeedCompactor } from './feed.compactor';
import { FeedModule } from './feed.module';
import { FeedRepository } from './feed.repository';
import { FeedService } from './feed.service';

describe(FeedService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<FeedService>;
  let sut: FeedService;
  let uow: UnitOfWork;

  beforeAll(async () => {
    harness = await linkServiceTest(
      FeedService,
      [FeedModule, OutboxModule],
      strictMock<PlaidApi>('PlaidApi'),
      strictMock<OutboxRelay>('OutboxRelay', { kick: jest.fn() }),
    );
    db = harness.db;
    sut = harness.sut;
    uow = harness.get(UnitOfWork);
  });

  afterAll(() => harness?.close());

  beforeEach(() => resetLinkTables(db));

  const removed = (userId: string, itemId = randomUUID(), dedupKey?: string): Promise<FeedEventDto | null> =>
    uow.run((tx) => sut.append(tx, userId, 'item.removed', { itemId }, dedupKey));

  // The user's feed holds ids 1..n, the oldest `old` of them created two days ago.
  async function seed(userId: string, n: number, old: number): Promise<void> {
    await db.dataSource.query(
      `INSERT INTO user_events (user_id, seq, name, data, created_at)
       SELECT $1, s, 'accounts.changed', '{}', CASE WHEN s <= $3 THEN now() - interval '48 hours' ELSE now() END
         FROM generate_series(1, $2::int) s`,
      [userId, n, old],
    );
    await db.dataSource.query(`INSERT INTO user_event_heads (user_id, seq) VALUES ($1, $2)`, [userId, n]);
  }

  async function storedIds(userId: string): Promise<number[]> {
    return (await feedEvents(db)).filter((e) => e.userId === userId).map((e) => e.id);
  }

  describe('append', () => {
    it('numbers each user’s events 1, 2, 3… independently of other users', async () => {
      const [alice, bob] = [randomUUID(), randomUUID()];

      for (const user of [alice, bob, alice, alice, bob]) await removed(user);

      expect(await storedIds(alice)).toEqual([1, 2, 3]);
      expect(await storedIds(bob)).toEqual([1, 2]);
    });

    it('queues the broadcast of each stored event on the user-events exchange', async () => {
      const user = randomUUID();
      const itemId = randomUUID();

      const stored = await removed(user, itemId);

      expect(stored).toEqual({ id: 1, event: 'item.removed', data: { itemId } });
      expect(await feedBroadcasts(db)).toEqual([
        {
          queue: `exchange:${topology('spec').userEventsExchange}`,
          pattern: BroadcastEvent.UserEvent,
          payload: { userId: user, id: 1, event: 'item.removed', data: { itemId } },
        },
      ]);
    });

    it('stores and broadcasts nothing when the caller’s transaction rolls back', async () => {
      const user = randomUUID();

      await expect(
        uow.run(async (tx) => {
          await sut.append(tx, user, 'item.removed', { itemId: randomUUID() });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');

      expect(await feedEvents(db)).toEqual([]);
      expect(await feedBroadcasts(db)).toEqual([]);
      expect((await removed(user))?.id).toBe(1);
    });

    it('appends an event with a dedup key once, and takes no id for the duplicate', async () => {
      const user = randomUUID();
      const itemId = randomUUID();

      await removed(user, itemId, 'k1');
      await expect(removed(user, itemId, 'k1')).resolves.toBeNull();
      await removed(user, itemId, 'k2');

      expect(await storedIds(user)).toEqual([1, 2]);
      expect(await feedBroadcasts(db)).toHaveLength(2);
    });

    it('gives concurrent appends of one user consecutive ids, and one event per dedup key', async () => {
      const user = randomUUID();

      await Promise.all([
        ...Array.from({ length: 8 }, () => removed(user)),
        ...Array.from({ length: 4 }, () => removed(user, randomUUID(), 'same')),
      ]);

      expect(await storedIds(user)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });
  });

  describe('since', () => {
    it('answers only the head when the stream starts without an id', async () => {
      const user = randomUUID();
      await removed(user);
      await removed(user);

      await expect(sut.since({ userId: user, after: null, limit: 10 })).resolves.toEqual({
        head: 2,
        events: [],
        resyncRequired: false,
      });
      await expect(sut.since({ userId: randomUUID(), after: null, limit: 10 })).resolves.toEqual({
        head: 0,
        events: [],
        resyncRequired: false,
      });
    });

    it('answers the events after the id, oldest first, at most `limit`', async () => {
      const user = randomUUID();
      for (let i = 0; i < 5; i++) await removed(user);
      await removed(randomUUID());

      const page = await sut.since({ userId: user, after: 1, limit: 3 });

      expect(page).toMatchObject({ head: 5, resyncRequired: false });
      expect(page.events.map((e) => e.id)).toEqual([2, 3, 4]);
      expect(page.events[0]).toEqual({ id: 2, event: 'item.removed', data: { itemId: expect.any(String) } });
      await expect(sut.since({ userId: user, after: 0, limit: 10 })).resolves.toMatchObject({
        events: [1, 2, 3, 4, 5].map((id) => expect.objectContaining({ id })),
      });
    });

    it('answers nothing, and no resync, at the head', async () => {
      const user = randomUUID();
      await removed(user);

      await expect(sut.since({ userId: user, after: 1, limit: 10 })).resolves.toEqual({
        head: 1,
        events: [],
        resyncRequired: false,
      });
    });

    it('requires a resync for an id above the head (another user’s id, or a feed that was reset)', async () => {
      const user = randomUUID();
      await removed(user);

      await expect(sut.since({ userId: user, after: 7, limit: 10 })).resolves.toEqual({
        head: 1,
        events: [],
        resyncRequired: true,
      });
    });

    it('requires a resync for an id whose next event was compacted away', async () => {
      const user = randomUUID();
      await seed(user, 10, 10);
      await harness.get(FeedRepository).compact(24, 3, 1000);

      await expect(sut.since({ userId: user, after: 2, limit: 10 })).resolves.toEqual({
        head: 10,
        events: [],
        resyncRequired: true,
      });
      const resumed = await sut.since({ userId: user, after: 7, limit: 10 });
      expect(resumed.resyncRequired).toBe(false);
      expect(resumed.events.map((e) => e.id)).toEqual([8, 9, 10]);
    });
  });

  describe('compaction', () => {
    it('deletes old events beyond each user’s last N, keeping everything within retention', async () => {
      const [allOld, halfOld, fresh] = [randomUUID(), randomUUID(), randomUUID()];
      await seed(allOld, 10, 10);
      await seed(halfOld, 10, 5);
      await seed(fresh, 10, 0);

      await expect(harness.get(FeedRepository).compact(24, 3, 1000)).resolves.toBe(12);

      expect(await storedIds(allOld)).toEqual([8, 9, 10]);
      expect(await storedIds(halfOld)).toEqual([6, 7, 8, 9, 10]);
      expect(await storedIds(fresh)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('keeps the feed gap-free when a newer id has an older time', async () => {
      const user = randomUUID();
      await seed(user, 10, 10);
      // An append that began before id 5's and committed after it.
      await db.dataSource.query(`UPDATE user_events SET created_at = now() WHERE user_id = $1 AND seq = 5`, [
        user,
      ]);

      await harness.get(FeedRepository).compact(24, 3, 1000);

      expect(await storedIds(user)).toEqual([5, 6, 7, 8, 9, 10]);
    });

    it('keeps appending after the last id once the feed was compacted', async () => {
      const user = randomUUID();
      await seed(user, 10, 10);
      await harness.get(FeedRepository).compact(24, 3, 1000);

      await expect(removed(user)).resolves.toMatchObject({ id: 11 });
    });

    it('runs with FEED_RETENTION_HOURS and FEED_MIN_EVENTS (24 h and 1,000 by default)', async () => {
      const user = randomUUID();
      await seed(user, 1005, 1005);

      await expect(harness.get(FeedCompactor).compact()).resolves.toBe(5);

      const ids = await storedIds(user);
      expect(ids).toHaveLength(1000);
      expect(ids[0]).toBe(6);
    });
  });
});
