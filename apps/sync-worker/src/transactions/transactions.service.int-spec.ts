import { randomUUID } from 'node:crypto';
import { ErrorCode, type TransactionPageDto } from '@app/contracts';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { type AccountBase } from 'plaid';
import { AccountsRepository } from '../accounts/accounts.repository';
import { type SyncItem } from '../items/sync-items.repository';
import { insertItem, makeAccount, makeTransaction, syncServiceTest } from '../spec-support';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';
import { TransactionPagesRepository } from './transaction-pages.repository';

describe(TransactionsService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<TransactionsService>;
  let sut: TransactionsService;
  let item: SyncItem;
  let accountId: string;

  beforeAll(async () => {
    harness = await syncServiceTest(TransactionsService, {
      real: [TransactionsRepository, TransactionPagesRepository, AccountsRepository],
    });
    db = harness.db;
    sut = harness.sut;
    item = await insertItem(db, null);
    const account: AccountBase = makeAccount();
    const days = Array.from({ length: 5 }, (_, i) => `2026-11-0${i + 1}`);
    await db.dataSource.transaction(async (em) => {
      await harness.get(AccountsRepository).upsertMany(em, item.itemId, item.userId, [account]);
      await harness.get(TransactionPagesRepository).upsert(
        em,
        item.itemId,
        item.userId,
        days.map((date) => makeTransaction(account.account_id, { date })),
      );
    });
    [{ id: accountId }] = await db.dataSource.query<{ id: string }[]>(`SELECT id FROM accounts`);
  });

  afterAll(() => harness?.close());

  const list = async (q: Partial<Parameters<TransactionsService['page']>[0]>): Promise<TransactionPageDto> =>
    JSON.parse(await sut.page({ userId: item.userId, ...q })) as TransactionPageDto;

  it('pages newest first with a cursor until the end', async () => {
    const first = await list({ itemId: item.itemId, limit: 3 });
    const second = await list({ itemId: item.itemId, limit: 3, cursor: first.nextCursor ?? '' });

    expect([...first.data, ...second.data].map((t) => t.date)).toEqual([
      '2026-11-05',
      '2026-11-04',
      '2026-11-03',
      '2026-11-02',
      '2026-11-01',
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it('answers NotFound for another user’s item, in the same statement as the list', async () => {
    await expect(sut.page({ userId: randomUUID(), itemId: item.itemId })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
      message: 'Item not found',
    });
  });

  it('answers NotFound for an item the worker does not know yet', async () => {
    await expect(sut.page({ userId: item.userId, itemId: randomUUID() })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });

  it('answers NotFound for another user’s account', async () => {
    await expect(sut.page({ userId: randomUUID(), accountId })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
      message: 'Account not found',
    });
  });

  it('names the item when neither the item nor the account is the caller’s', async () => {
    await expect(sut.page({ userId: randomUUID(), itemId: item.itemId, accountId })).rejects.toMatchObject({
      message: 'Item not found',
    });
  });

  it('answers an empty page for an owned item whose data was revoked', async () => {
    const revoked = await insertItem(db, null, { userId: item.userId });
    await db.dataSource.query(`DELETE FROM items WHERE item_id = $1`, [revoked.itemId]);

    expect(await list({ itemId: revoked.itemId })).toEqual({ data: [], nextCursor: null });
  });

  it('counts an item a previous-release worker linked (no owner row) as its owner’s', async () => {
    const legacy = await insertItem(db, null, { userId: item.userId });
    await db.dataSource.query(`DELETE FROM item_owners WHERE item_id = $1`, [legacy.itemId]);

    expect(await list({ itemId: legacy.itemId })).toEqual({ data: [], nextCursor: null });
    await expect(sut.page({ userId: randomUUID(), itemId: legacy.itemId })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(sut.page({ userId: item.userId, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
    });
  });

  it('refuses from after to', async () => {
    await expect(
      sut.page({ userId: item.userId, from: '2026-11-05', to: '2026-11-01' }),
    ).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
    });
  });
});
