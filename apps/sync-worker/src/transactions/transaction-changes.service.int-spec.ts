import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  type TransactionChangesDto,
  type TransactionDto,
  type TransactionPageDto,
  decodeTransactionChangesCursor,
  encodeTransactionChangesCursor,
} from '@app/contracts';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { type AccountBase, type Transaction } from 'plaid';
import { AccountsRepository } from '../accounts/accounts.repository';
import { SyncItemsRepository } from '../items/sync-items.repository';
import { type SyncItem } from '../items/sync-items.repository';
import { insertItem, makeAccount, makeTransaction, syncServiceTest } from '../spec-support';
import { TransactionChangesRepository } from './transaction-changes.repository';
import { TransactionChangesService } from './transaction-changes.service';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';
import { TransactionPagesRepository } from './transaction-pages.repository';

// A client's local copy, kept with the delta API.
class Replica {
  readonly rows = new Map<string, TransactionDto>();
  cursor: string | undefined;

  apply(page: TransactionChangesDto): void {
    for (const t of [...page.added, ...page.modified]) this.rows.set(t.id, t);
    for (const { id } of page.removed) this.rows.delete(id);
    this.cursor = page.nextCursor;
  }
}

describe(TransactionChangesService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<TransactionChangesService>;
  let sut: TransactionChangesService;
  let writer: TransactionPagesRepository;
  let accounts: AccountsRepository;

  beforeAll(async () => {
    harness = await syncServiceTest(TransactionChangesService, {
      real: [
        TransactionChangesRepository,
        TransactionsService,
        TransactionsRepository,
        TransactionPagesRepository,
        AccountsRepository,
        SyncItemsRepository,
      ],
    });
    db = harness.db;
    sut = harness.sut;
    writer = harness.get(TransactionPagesRepository);
    accounts = harness.get(AccountsRepository);
  });

  afterAll(() => harness?.close());

  const changes = async (userId: string, q: { cursor?: string; limit?: number; itemId?: string } = {}) =>
    JSON.parse(await sut.page({ userId, ...q })) as TransactionChangesDto;

  // Pulls every page after the replica's cursor, as a client would.
  async function catchUp(replica: Replica, userId: string, limit = 7): Promise<void> {
    for (let page = 0; page < 1000; page++) {
      const result = await changes(userId, { cursor: replica.cursor, limit });
      replica.apply(result);
      if (!result.hasMore) return;
    }
    throw new Error('the changes never ended');
  }

  async function listAll(userId: string): Promise<Map<string, TransactionDto>> {
    const all = new Map<string, TransactionDto>();
    let cursor: string | undefined;
    do {
      const page = JSON.parse(
        await harness.get(TransactionsService).page({ userId, limit: 500, cursor }),
      ) as TransactionPageDto;
      for (const t of page.data) all.set(t.id, t);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  async function linkedItem(userId = randomUUID()): Promise<{ item: SyncItem; account: AccountBase }> {
    const item = await insertItem(db, null, { userId });
    const account = makeAccount();
    await db.dataSource.transaction((em) => accounts.upsertMany(em, item.itemId, userId, [account]));
    return { item, account };
  }

  const upsert = (item: SyncItem, txs: Transaction[]) =>
    db.dataSource.transaction((em) => writer.upsert(em, item.itemId, item.userId, txs));
  const remove = (item: SyncItem, ids: string[]) =>
    db.dataSource.transaction((em) => writer.remove(em, item.itemId, ids));

  it('answers every current transaction as added when there is no cursor', async () => {
    const { item, account } = await linkedItem();
    const txs = [makeTransaction(account.account_id), makeTransaction(account.account_id)];
    await upsert(item, txs);

    const page = await changes(item.userId);

    expect(page.added.map((t) => t.id).sort()).toEqual(txs.map((t) => t.transaction_id).sort());
    expect(page).toMatchObject({ modified: [], removed: [], hasMore: false });
  });

  it('answers the transaction shape of the list', async () => {
    const { item, account } = await linkedItem();
    await upsert(item, [makeTransaction(account.account_id)]);

    const [added] = (await changes(item.userId)).added;

    expect(added).toEqual([...(await listAll(item.userId)).values()][0]);
  });

  it('answers an upsert as modified, a delete as removed and a new row as added after a cursor', async () => {
    const { item, account } = await linkedItem();
    const [a, b] = [makeTransaction(account.account_id), makeTransaction(account.account_id)];
    await upsert(item, [a, b]);
    const start = await changes(item.userId);
    const c = makeTransaction(account.account_id);

    await upsert(item, [{ ...a, amount: 99 }, c]);
    await remove(item, [b.transaction_id]);
    const page = await changes(item.userId, { cursor: start.nextCursor });

    expect(page.modified.map((t) => [t.id, t.amount])).toEqual([[a.transaction_id, 99]]);
    expect(page.added.map((t) => t.id)).toEqual([c.transaction_id]);
    expect(page.removed).toEqual([{ id: b.transaction_id }]);
  });

  it('answers an empty page with the same position when nothing changed', async () => {
    const { item, account } = await linkedItem();
    await upsert(item, [makeTransaction(account.account_id)]);
    const start = await changes(item.userId);

    const page = await changes(item.userId, { cursor: start.nextCursor });

    expect(page).toEqual({
      added: [],
      modified: [],
      removed: [],
      nextCursor: start.nextCursor,
      hasMore: false,
    });
  });

  it('logs the removal of an item’s transactions when the item is deleted (cascade)', async () => {
    const { item, account } = await linkedItem();
    const tx = makeTransaction(account.account_id);
    await upsert(item, [tx]);
    const start = await changes(item.userId);

    await harness.get(SyncItemsRepository).delete(item.itemId);

    expect((await changes(item.userId, { cursor: start.nextCursor })).removed).toEqual([
      { id: tx.transaction_id },
    ]);
  });

  it('logs the removal of an account’s transactions when the account is revoked', async () => {
    const { item, account } = await linkedItem();
    const tx = makeTransaction(account.account_id);
    await upsert(item, [tx]);
    const start = await changes(item.userId);

    await db.dataSource.transaction((em) => accounts.revokeOne(em, item.itemId, account.account_id));

    expect((await changes(item.userId, { cursor: start.nextCursor })).removed).toEqual([
      { id: tx.transaction_id },
    ]);
  });

  it('keeps a replica equal to the list through random writes, small pages and deletions', async () => {
    const userId = randomUUID();
    const items = [await linkedItem(userId), await linkedItem(userId)];
    const replica = new Replica();
    const live = new Map<string, { tx: Transaction; item: SyncItem }>();
    let seed = 1234;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };

    for (let round = 0; round < 12; round++) {
      const { item, account } = items[random(items.length)];
      const adds = Array.from({ length: random(9) }, () =>
        makeTransaction(account.account_id, { date: `2026-11-${String(1 + random(28)).padStart(2, '0')}` }),
      );
      const mine = [...live.values()].filter((l) => l.item.itemId === item.itemId).map((l) => l.tx);
      const mods = mine
        .filter(() => random(3) === 0)
        .map((t) => ({ ...t, amount: random(1000), pending: false }));
      const gone = mine.filter(() => random(4) === 0).map((t) => t.transaction_id);
      await upsert(item, [...adds, ...mods]);
      await remove(item, gone);
      for (const tx of [...adds, ...mods]) live.set(tx.transaction_id, { tx, item });
      for (const id of gone) live.delete(id);
      if (random(3) === 0) await catchUp(replica, userId, 1 + random(6));
    }
    await harness.get(SyncItemsRepository).delete(items[0].item.itemId);
    await catchUp(replica, userId);

    expect(replica.rows).toEqual(await listAll(userId));
    expect(replica.rows.size).toBeGreaterThan(0);
  });

  async function waitingOnLock(): Promise<boolean> {
    const rows = await db.dataSource.query<unknown[]>(
      `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
    );
    return rows.length > 0;
  }

  it('never skips a change that commits after a later-numbered one of the same user', async () => {
    const userId = randomUUID();
    const [one, two] = [await linkedItem(userId), await linkedItem(userId)];
    const replica = new Replica();
    await catchUp(replica, userId);
    const slow = db.dataSource.createQueryRunner();
    await slow.startTransaction();
    try {
      // The slow writer takes its log position first and commits last.
      await writer.upsert(slow.manager, one.item.itemId, userId, [makeTransaction(one.account.account_id)]);
      let fastDone = false;
      const fast = upsert(two.item, [makeTransaction(two.account.account_id)]).then(() => {
        fastDone = true;
      });
      // The fast writer has either committed or is waiting for the slow one: read the log then.
      for (let polls = 0; !fastDone && !(await waitingOnLock()); polls++) {
        if (polls > 500) throw new Error('the fast writer neither committed nor waited');
        await new Promise((r) => setImmediate(r));
      }
      await catchUp(replica, userId);
      await slow.commitTransaction();
      await fast;
    } finally {
      await slow.release();
    }
    await catchUp(replica, userId);

    expect(replica.rows).toEqual(await listAll(userId));
    expect(replica.rows.size).toBe(2);
  });

  it('refuses another user’s cursor', async () => {
    const { item } = await linkedItem();
    const theirs = (await changes(item.userId)).nextCursor;

    await expect(sut.page({ userId: randomUUID(), cursor: theirs })).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
    });
  });

  it('refuses a cursor issued for another itemId filter', async () => {
    const { item } = await linkedItem();
    const unfiltered = (await changes(item.userId)).nextCursor;

    await expect(
      sut.page({ userId: item.userId, itemId: item.itemId, cursor: unfiltered }),
    ).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
  });

  it('answers NotFound for another user’s item', async () => {
    const { item } = await linkedItem();

    await expect(sut.page({ userId: randomUUID(), itemId: item.itemId })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });

  it('answers only the filtered item’s changes', async () => {
    const userId = randomUUID();
    const [one, two] = [await linkedItem(userId), await linkedItem(userId)];
    await upsert(one.item, [makeTransaction(one.account.account_id)]);
    await upsert(two.item, [makeTransaction(two.account.account_id)]);

    const page = await changes(userId, { itemId: two.item.itemId });

    expect(page.added.map((t) => t.itemId)).toEqual([two.item.itemId]);
  });

  it('answers CursorExpired for a cursor below what compaction deleted, and a fresh start still works', async () => {
    const { item, account } = await linkedItem();
    await upsert(item, [makeTransaction(account.account_id)]);
    const old = decodeTransactionChangesCursor((await changes(item.userId)).nextCursor);
    await upsert(item, [makeTransaction(account.account_id)]);

    const deleted = await harness.get(TransactionChangesRepository).compact(0, 1_000_000);

    expect(deleted).toBeGreaterThan(0);
    await expect(
      sut.page({ userId: item.userId, cursor: old ? encodeTransactionChangesCursor(old) : '' }),
    ).rejects.toMatchObject({ code: ErrorCode.CursorExpired });
    const replica = new Replica();
    await catchUp(replica, item.userId);
    expect(replica.rows).toEqual(await listAll(item.userId));
  });
});
