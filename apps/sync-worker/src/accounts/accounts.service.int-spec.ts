import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DomainError, ErrorCode, EventPattern } from '@app/contracts';
import { OutboxRelay, UnitOfWork } from '@app/messaging';
import { type TestDatabase, strictMock } from '@app/testing';
import { type AccountBase } from 'plaid';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config';
import { type SyncItem } from '../items/sync-items.repository';
import {
  createSyncDatabase,
  insertItem,
  makeAccount,
  outboxEvents,
  specConfig,
  unitOfWorkProvider,
} from '../spec-support';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { AccountWritesService } from './account-writes.service';
import { BalanceSnapshotsRepository } from './balance-snapshots.repository';

const DAY = 86_400_000;
const day = (offset: number): string => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const at = (offset: number): string => new Date(Date.now() + offset * DAY).toISOString();

function withBalance(
  a: AccountBase,
  current: number,
  asOfDays?: number,
  available: number | null = null,
): AccountBase {
  return {
    ...a,
    balances: {
      ...a.balances,
      current,
      available,
      last_updated_datetime: asOfDays === undefined ? null : at(asOfDays),
    },
  };
}

describe(AccountsService.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: AccountsService;
  let writer: AccountWritesService;

  beforeAll(async () => {
    db = await createSyncDatabase();
    moduleRef = await Test.createTestingModule({
      providers: [
        AccountsService,
        AccountsRepository,
        AccountWritesService,
        BalanceSnapshotsRepository,
        { provide: DataSource, useValue: db.dataSource },
        { provide: APP_CONFIG, useValue: specConfig(db.url) },
        { provide: OutboxRelay, useValue: strictMock<OutboxRelay>('OutboxRelay', { kick: () => undefined }) },
        unitOfWorkProvider,
      ],
    }).compile();
    sut = moduleRef.get(AccountsService);
    writer = moduleRef.get(AccountWritesService);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  const upsert = (item: SyncItem, accounts: AccountBase[]) =>
    moduleRef.get(UnitOfWork).run((tx) => writer.upsert(tx, item, accounts));
  const reconcile = (item: SyncItem, accounts: AccountBase[], now = new Date(), afterSelection = false) =>
    moduleRef.get(UnitOfWork).run((tx) => writer.reconcile(tx, item, accounts, { afterSelection, now }));
  const statuses = async (item: SyncItem) =>
    Object.fromEntries((await sut.list(item.userId, item.itemId, true)).data.map((a) => [a.name, a.status]));

  describe('list', () => {
    let item: SyncItem;

    beforeAll(async () => {
      item = await insertItem(db, null);
      await upsert(item, [makeAccount({ name: 'B' }), makeAccount({ name: 'A' })]);
    });

    it('lists the owner’s accounts of an item, by name, available and current apart', async () => {
      const { data } = await sut.list(item.userId, item.itemId);

      expect(data.map((a) => a.name)).toEqual(['A', 'B']);
      expect(data[0]).toMatchObject({
        itemId: item.itemId,
        status: 'active',
        hidden: false,
        displayName: null,
        balances: { available: 100, current: 110, limit: null },
      });
    });

    it('answers NotFound for another user’s item', async () => {
      await expect(sut.list(randomUUID(), item.itemId)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });

    it('answers NotFound for an item the worker does not know yet', async () => {
      await expect(sut.list(item.userId, randomUUID())).rejects.toBeInstanceOf(DomainError);
    });

    it('answers an empty list for an owned item whose data was revoked', async () => {
      const revoked = await insertItem(db, null, { userId: item.userId });
      await db.dataSource.query(`DELETE FROM items WHERE item_id = $1`, [revoked.itemId]);

      await expect(sut.list(item.userId, revoked.itemId)).resolves.toEqual({ data: [] });
    });
  });

  describe('update', () => {
    it('hides an account and names it; the name survives every sync; hidden ones only with includeHidden', async () => {
      const item = await insertItem(db, null);
      const account = makeAccount({ name: 'Plaid Checking' });
      await upsert(item, [account]);
      const [row] = (await sut.list(item.userId, item.itemId)).data;

      const updated = await sut.update(item.userId, row.id, { hidden: true, displayName: '  Bills  ' });
      await upsert(item, [{ ...account, name: 'Renamed by the bank' }]);
      await reconcile(item, [account]);

      expect(updated).toMatchObject({ hidden: true, displayName: 'Bills' });
      expect((await sut.list(item.userId, item.itemId)).data).toEqual([]);
      expect((await sut.list(item.userId, item.itemId, true)).data).toEqual([
        expect.objectContaining({ hidden: true, displayName: 'Bills', name: 'Plaid Checking' }),
      ]);
      const changed = (await outboxEvents(db, EventPattern.ItemAccountsChanged)).filter(
        (e) => (e as { itemId: string }).itemId === item.itemId,
      );
      expect(changed.length).toBeGreaterThanOrEqual(2);
    });

    it('clears the display name with null, 404s another user’s account and 400s an empty patch', async () => {
      const item = await insertItem(db, null);
      await upsert(item, [makeAccount()]);
      const [row] = (await sut.list(item.userId, item.itemId)).data;
      await sut.update(item.userId, row.id, { displayName: 'Mine' });

      await expect(sut.update(item.userId, row.id, { displayName: null })).resolves.toMatchObject({
        displayName: null,
      });
      await expect(sut.update(randomUUID(), row.id, { hidden: true })).rejects.toMatchObject({
        code: ErrorCode.NotFound,
      });
      await expect(sut.update(item.userId, row.id, {})).rejects.toMatchObject({ code: ErrorCode.BadRequest });
      await expect(sut.update(item.userId, row.id, { displayName: '   ' })).rejects.toMatchObject({
        code: ErrorCode.BadRequest,
      });
    });
  });

  describe('reconciliation', () => {
    it('never takes an account missing from a sync page as closed', async () => {
      const item = await insertItem(db, null);
      const [a, b] = [makeAccount({ name: 'A' }), makeAccount({ name: 'B' })];
      await reconcile(item, [a, b]);

      await upsert(item, [a]);

      expect(await statuses(item)).toEqual({ A: 'active', B: 'active' });
    });

    it('closes an account only after two absences at least a day apart, and reopens one that comes back', async () => {
      const item = await insertItem(db, null);
      const [a, b] = [makeAccount({ name: 'A' }), makeAccount({ name: 'B' })];
      const t0 = new Date();
      await reconcile(item, [a, b], t0);

      await reconcile(item, [a], t0);
      await reconcile(item, [a], new Date(t0.getTime() + DAY - 60_000));
      expect(await statuses(item)).toEqual({ A: 'active', B: 'active' });

      await reconcile(item, [a], new Date(t0.getTime() + DAY));
      expect(await statuses(item)).toEqual({ A: 'active', B: 'closed' });

      await reconcile(item, [a, b], new Date(t0.getTime() + 2 * DAY));
      expect(await statuses(item)).toEqual({ A: 'active', B: 'active' });
    });

    it('forgets an absence when the account is seen again before the second check', async () => {
      const item = await insertItem(db, null);
      const [a, b] = [makeAccount({ name: 'A' }), makeAccount({ name: 'B' })];
      const t0 = new Date();
      await reconcile(item, [a], t0);
      await reconcile(item, [a, b], new Date(t0.getTime() + DAY / 2));

      await reconcile(item, [a], new Date(t0.getTime() + DAY + 1));

      expect(await statuses(item)).toEqual({ A: 'active', B: 'active' });
    });

    it('unlinks at once what the user stopped sharing in account selection, and adds what they shared', async () => {
      const item = await insertItem(db, null);
      const [a, b, c] = [makeAccount({ name: 'A' }), makeAccount({ name: 'B' }), makeAccount({ name: 'C' })];
      await reconcile(item, [a, b]);

      const outcome = await reconcile(item, [a, c], new Date(), true);

      expect(outcome).toEqual({ changed: 2, absent: 1 });
      expect(await statuses(item)).toEqual({ A: 'active', B: 'unlinked', C: 'active' });
    });
  });

  describe('balance history', () => {
    it('keeps one snapshot per account and day (latest wins) and carries a day without one forward', async () => {
      const item = await insertItem(db, null);
      const account = makeAccount({ name: 'Checking' });
      await upsert(item, [withBalance(account, 100, -3)]);
      await upsert(item, [withBalance(account, 150, -3)]);
      await upsert(item, [withBalance(account, 200, -1, 180)]);
      const [row] = (await sut.list(item.userId, item.itemId)).data;

      const { data } = await sut.balances(item.userId, row.id, day(-5), day(-1));

      expect(data).toEqual([
        {
          date: day(-3),
          current: 150,
          available: null,
          limit: null,
          isoCurrencyCode: 'USD',
          carriedForward: false,
        },
        {
          date: day(-2),
          current: 150,
          available: null,
          limit: null,
          isoCurrencyCode: 'USD',
          carriedForward: true,
        },
        {
          date: day(-1),
          current: 200,
          available: 180,
          limit: null,
          isoCurrencyCode: 'USD',
          carriedForward: false,
        },
      ]);
    });

    it('stamps a balance from the future as today, 404s another user’s account and 400s a backwards range', async () => {
      const item = await insertItem(db, null);
      await upsert(item, [withBalance(makeAccount(), 10, 5)]);
      const [row] = (await sut.list(item.userId, item.itemId)).data;

      expect((await sut.balances(item.userId, row.id, day(0), day(0))).data).toHaveLength(1);
      await expect(sut.balances(randomUUID(), row.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
      await expect(sut.balances(item.userId, row.id, day(0), day(-1))).rejects.toMatchObject({
        code: ErrorCode.BadRequest,
      });
    });
  });

  describe('net worth', () => {
    it('counts credit and loan as liabilities whatever their sign, per currency, without hidden or closed accounts', async () => {
      const userId = randomUUID();
      const item = await insertItem(db, null, { userId });
      const accounts = [
        withBalance(makeAccount({ name: 'Checking' }), 1000, -2),
        withBalance(makeAccount({ name: 'IRA', type: 'investment' } as Partial<AccountBase>), 500, -2),
        withBalance(makeAccount({ name: 'Card', type: 'credit' } as Partial<AccountBase>), -300, -2),
        withBalance(makeAccount({ name: 'Loan', type: 'loan' } as Partial<AccountBase>), 200, -2),
        withBalance(makeAccount({ name: 'Hidden' }), 7000, -2),
        withBalance(makeAccount({ name: 'Closed' }), 9000, -2),
      ];
      const euro = withBalance(makeAccount({ name: 'Euro' }), 50, -1);
      euro.balances.iso_currency_code = 'EUR';
      await upsert(item, [...accounts, euro]);
      const rows = (await sut.list(userId, undefined, true)).data;
      await sut.update(userId, rows.find((a) => a.name === 'Hidden')!.id, { hidden: true });
      await db.dataSource.query(
        `UPDATE accounts SET status = 'closed' WHERE item_id = $1 AND name = 'Closed'`,
        [item.itemId],
      );

      const worth = await sut.netWorth(userId, { from: day(-3), to: day(-1), interval: 'day' });

      expect(worth.currency).toBe('USD');
      // Each currency's series starts at its first balance: the days before are unknown, not zero.
      expect(worth.series).toEqual([
        { date: day(-2), assets: 1500, liabilities: 500, netWorth: 1000 },
        { date: day(-1), assets: 1500, liabilities: 500, netWorth: 1000 },
      ]);
      expect(worth.otherCurrencies).toEqual([
        {
          currency: 'EUR',
          series: [{ date: day(-1), assets: 50, liabilities: 0, netWorth: 50 }],
        },
      ]);
    });

    it('answers an empty series for a user without balances, not a row of zeros', async () => {
      const worth = await sut.netWorth(randomUUID(), {
        from: '2026-01-15',
        to: '2026-03-10',
        interval: 'month',
      });

      expect(worth).toEqual({ currency: 'USD', series: [], otherCurrencies: [] });
    });

    it('answers one point per month (its last day, the last one `to`) from the month of the first balance', async () => {
      const userId = randomUUID();
      const item = await insertItem(db, null, { userId });
      await upsert(item, [withBalance(makeAccount({ name: 'Checking' }), 100, -40)]);

      const worth = await sut.netWorth(userId, { from: day(-100), to: day(0), interval: 'month' });

      expect(worth.series.length).toBeGreaterThanOrEqual(2);
      expect(worth.series.length).toBeLessThanOrEqual(3);
      expect(worth.series[0].date >= day(-40)).toBe(true);
      expect(worth.series.at(-1)).toEqual({ date: day(0), assets: 100, liabilities: 0, netWorth: 100 });
    });
  });
});
