import { randomUUID } from 'node:crypto';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { insertItem, syncServiceTest } from '../spec-support';
import { SyncItemsRepository } from './sync-items.repository';

describe(SyncItemsRepository.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<SyncItemsRepository>;
  let sut: SyncItemsRepository;

  beforeAll(async () => {
    harness = await syncServiceTest(SyncItemsRepository);
    db = harness.db;
    sut = harness.sut;
  });

  afterAll(() => harness?.close());

  const hoursAgo = (h: number): Date => new Date(Date.now() - h * 3600_000);

  describe('claimManualSync', () => {
    it('claims the first request of the owner', async () => {
      const item = await insertItem(db, null);

      expect(await sut.claimManualSync(item.itemId, item.userId, 60)).toEqual({
        claimed: true,
        retryAfterSeconds: expect.any(Number),
      });
    });

    it('refuses a second request within the interval and says when to retry', async () => {
      const item = await insertItem(db, null);
      await sut.claimManualSync(item.itemId, item.userId, 60);

      const second = await sut.claimManualSync(item.itemId, item.userId, 60);

      expect(second?.claimed).toBe(false);
      expect(second?.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect(second?.retryAfterSeconds).toBeLessThanOrEqual(60);
    });

    it('claims again once the interval has passed', async () => {
      const item = await insertItem(db, null);
      await sut.claimManualSync(item.itemId, item.userId, 0);

      expect((await sut.claimManualSync(item.itemId, item.userId, 0))?.claimed).toBe(true);
    });

    it('keeps only the short repair interval while the item is in an item-level error', async () => {
      const item = await insertItem(db, null, { lastSyncError: 'ITEM_LOGIN_REQUIRED' });
      await sut.claimManualSync(item.itemId, item.userId, 60, 0);

      expect((await sut.claimManualSync(item.itemId, item.userId, 60, 0))?.claimed).toBe(true);
      const third = await sut.claimManualSync(item.itemId, item.userId, 60, 5);
      expect(third?.claimed).toBe(false);
      expect(third?.retryAfterSeconds).toBeLessThanOrEqual(5);
    });

    it('keeps the full interval for a healthy item', async () => {
      const item = await insertItem(db, null);
      await sut.claimManualSync(item.itemId, item.userId, 60, 0);

      expect((await sut.claimManualSync(item.itemId, item.userId, 60, 0))?.claimed).toBe(false);
    });

    it('answers null for another user’s item and for an unknown one', async () => {
      const item = await insertItem(db, null);

      expect(await sut.claimManualSync(item.itemId, randomUUID(), 60)).toBeNull();
      expect(await sut.claimManualSync(randomUUID(), item.userId, 60)).toBeNull();
    });
  });

  describe('findDue', () => {
    it('finds items synced too long ago and never-synced items older than ten minutes, oldest first', async () => {
      await db.dataSource.query(`DELETE FROM items`);
      const old = await insertItem(db, null, { lastSyncedAt: hoursAgo(30) });
      const never = await insertItem(db, null, { createdAt: hoursAgo(1) });
      await insertItem(db, null, { lastSyncedAt: hoursAgo(1) });
      await insertItem(db, null, { createdAt: new Date() });
      await insertItem(db, null, { lastSyncedAt: hoursAgo(30), lastSyncError: 'ITEM_LOGIN_REQUIRED' });

      expect(await sut.findDue(24 * 3600, false, 10)).toEqual([never.itemId, old.itemId]);
    });

    it('leaves items of a paused institution alone, and spreads polled items over ±20% of the interval', async () => {
      await db.dataSource.query(`DELETE FROM items`);
      const paused = await insertItem(db, null, { lastSyncedAt: hoursAgo(30), institutionId: 'ins_paused' });
      await db.dataSource.query(
        `INSERT INTO institutions (institution_id, paused_until) VALUES ('ins_paused', now() + interval '1 hour')`,
      );
      const due = await insertItem(db, null, { lastSyncedAt: hoursAgo(1.21) });
      const notYet = await insertItem(db, null, { lastSyncedAt: hoursAgo(0.79) });

      const found = await sut.findDue(3600, true, 10);

      expect(found).toContain(due.itemId);
      expect(found).not.toContain(notYet.itemId);
      expect(found).not.toContain(paused.itemId);
    });

    it('returns at most `limit` items, and none for a limit of 0', async () => {
      await db.dataSource.query(`DELETE FROM items`);
      for (let i = 0; i < 3; i++) await insertItem(db, null, { lastSyncedAt: hoursAgo(48 + i) });

      expect(await sut.findDue(24 * 3600, false, 2)).toHaveLength(2);
      expect(await sut.findDue(24 * 3600, false, 0)).toEqual([]);
    });
  });

  describe('sync flags', () => {
    it('flags a known item and takes the request exactly once', async () => {
      const item = await insertItem(db, null);

      expect(await sut.flagSyncRequested(item.itemId)).toBe(true);
      expect(await sut.takeSyncRequest(item.itemId)).toBe(true);
      expect(await sut.takeSyncRequest(item.itemId)).toBe(false);
      expect(await sut.isSyncRequested(item.itemId)).toBe(false);
    });

    it('flags nothing for an unknown item', async () => {
      expect(await sut.flagSyncRequested(randomUUID())).toBe(false);
    });
  });

  describe('ownership', () => {
    async function owner(itemId: string): Promise<string | null> {
      const rows = await db.dataSource.query<{ user_id: string }[]>(
        `SELECT user_id FROM item_owners WHERE item_id = $1`,
        [itemId],
      );
      return rows[0]?.user_id ?? null;
    }

    it('records the owner with the item and keeps the cursor when "item linked" comes again', async () => {
      const item = {
        itemId: randomUUID(),
        userId: randomUUID(),
        plaidItemId: randomUUID(),
        accessTokenEnc: 'a',
      };
      await sut.upsert(item);
      await db.dataSource.query(`UPDATE items SET cursor = 'c1' WHERE item_id = $1`, [item.itemId]);

      await sut.upsert({ ...item, accessTokenEnc: 'b' });

      expect(await sut.find(item.itemId)).toMatchObject({ accessTokenEnc: 'b', cursor: 'c1' });
      expect(await owner(item.itemId)).toBe(item.userId);
    });

    it('keeps the owner when consent is revoked, and drops it when the item is removed', async () => {
      const revoked = await insertItem(db, null);
      const removed = await insertItem(db, null);

      await db.dataSource.transaction((em) => sut.deleteSyncState(em, revoked.itemId));
      await sut.delete(removed.itemId);

      expect(await sut.find(revoked.itemId)).toBeNull();
      expect(await owner(revoked.itemId)).toBe(revoked.userId);
      expect(await sut.find(removed.itemId)).toBeNull();
      expect(await owner(removed.itemId)).toBeNull();
    });
  });
});
