import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  EventPattern,
  type ItemAccountsChangedEvent,
  type ItemSyncedEvent,
  decodeTransactionChangesCursor,
} from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError } from '@app/plaid';
import { type TestDatabase, strictMock } from '@app/testing';
import { PlaidApi, type TransactionsSyncRequest, type TransactionsSyncResponse } from 'plaid';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { AccountWritesService } from '../accounts/account-writes.service';
import { ItemPlaidClients } from '../plaid/item-plaid.client';
import { APP_CONFIG, type SyncConfig } from '../config';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import {
  createSyncDatabase,
  openPlaid,
  plaidDoorProviders,
  insertItem,
  makeAccount,
  makeSyncPage,
  makeTransaction,
  outboxEvents,
  plaidOk,
  specConfig,
  unitOfWorkProvider,
} from '../spec-support';
import { TransactionChangesRepository } from '../transactions/transaction-changes.repository';
import { TransactionChangesService } from '../transactions/transaction-changes.service';
import { TransactionEditsRepository } from '../transactions/transaction-edits.repository';
import { TransactionPagesRepository } from '../transactions/transaction-pages.repository';
import { TransfersRepository } from '../transactions/transfers.repository';
import { SyncRunService } from './sync-run.service';

// Plaid's answers for /transactions/sync, one per call, in order: a page, or an error to throw.
type Answer = TransactionsSyncResponse | PlaidApiError;

function mutationError(): PlaidApiError {
  return new PlaidApiError({
    errorType: 'TRANSACTIONS_ERROR',
    errorCode: 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
    displayMessage: null,
    requestId: null,
    httpStatus: 400,
    plaidMessage: 'mutated',
  });
}

describe(SyncRunService.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: SyncRunService;
  let config: SyncConfig;
  let cipher: AccessTokenCipher;
  let answers: Answer[];
  const transactionsSync = jest.fn(async (_req: TransactionsSyncRequest) => {
    const answer = answers.shift();
    if (!answer) throw new Error('the test gave Plaid no more answers');
    if (answer instanceof PlaidApiError) throw answer;
    return plaidOk(answer);
  });

  beforeAll(async () => {
    db = await createSyncDatabase();
    config = specConfig(db.url, { SYNC_MAX_RESTARTS: 2 });
    cipher = new AccessTokenCipher(config.TOKEN_ENCRYPTION_KEYS);
    moduleRef = await Test.createTestingModule({
      providers: [
        SyncRunService,
        SyncItemsRepository,
        AccountsRepository,
        AccountWritesService,
        TransactionPagesRepository,
        TransactionChangesRepository,
        TransactionChangesService,
        TransactionEditsRepository,
        TransfersRepository,
        ...plaidDoorProviders,
        { provide: APP_CONFIG, useValue: config },
        { provide: DataSource, useValue: db.dataSource },
        { provide: AccessTokenCipher, useValue: cipher },
        { provide: PlaidApi, useValue: strictMock<PlaidApi>('PlaidApi', { transactionsSync }) },
        {
          provide: OutboxRelay,
          useValue: strictMock<OutboxRelay>('OutboxRelay', { kick: () => undefined }),
        },
        unitOfWorkProvider,
      ],
    }).compile();
    sut = moduleRef.get(SyncRunService);
  });

  const plaid = (item: SyncItem) => openPlaid(moduleRef.get(ItemPlaidClients), item);

  beforeEach(() => {
    answers = [];
    transactionsSync.mockClear();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  async function storedIds(item: SyncItem): Promise<string[]> {
    const rows = await db.dataSource.query<{ id: string }[]>(
      `SELECT plaid_transaction_id AS id FROM transactions WHERE item_id = $1 ORDER BY 1`,
      [item.itemId],
    );
    return rows.map((r) => r.id);
  }

  async function syncedEvents(item: SyncItem): Promise<ItemSyncedEvent[]> {
    const events = await outboxEvents(db, EventPattern.ItemSynced);
    return events.filter((e): e is ItemSyncedEvent => (e as ItemSyncedEvent).itemId === item.itemId);
  }

  it('applies every page, follows next_cursor and stores the last cursor', async () => {
    const item = await insertItem(db, cipher, { cursor: 'stored-cursor' });
    const account = makeAccount();
    const pages = [1, 2, 3].map((n) =>
      makeSyncPage({
        accounts: [account],
        added: [makeTransaction(account.account_id), makeTransaction(account.account_id)],
        next_cursor: `cursor-${n}`,
        has_more: n < 3,
      }),
    );
    answers = [...pages];

    const outcome = await sut.run(await plaid(item));

    expect(outcome).toEqual({ pages: 3, upserted: 6, removed: 0, restarts: 0 });
    expect(transactionsSync.mock.calls.map(([req]) => req.cursor)).toEqual([
      'stored-cursor',
      'cursor-1',
      'cursor-2',
    ]);
    expect(await storedIds(item)).toEqual(pages.flatMap((p) => p.added.map((t) => t.transaction_id)).sort());
    const [row] = await db.dataSource.query<{ cursor: string; synced: boolean }[]>(
      `SELECT cursor, last_synced_at IS NOT NULL AS synced FROM items WHERE item_id = $1`,
      [item.itemId],
    );
    expect(row).toEqual({ cursor: 'cursor-3', synced: true });
  });

  it('moves an edit from pending to posted across pages, pairs a transfer and marks an edit left behind', async () => {
    const item = await insertItem(db, cipher);
    const [checking, savings] = [makeAccount(), makeAccount({ name: 'Savings' })];
    const followed = makeTransaction(checking.account_id, { pending: true });
    const lost = makeTransaction(checking.account_id, { pending: true });
    answers = [makeSyncPage({ accounts: [checking, savings], added: [followed, lost] })];
    await sut.run(await plaid(item));
    await db.dataSource.query(
      `INSERT INTO transaction_edits (user_id, plaid_transaction_id, item_id, note)
       VALUES ($1, $2, $4, 'followed'), ($1, $3, $4, 'lost')`,
      [item.userId, followed.transaction_id, lost.transaction_id, item.itemId],
    );
    const posted = makeTransaction(checking.account_id, { pending_transaction_id: followed.transaction_id });
    const unnamed = makeTransaction(checking.account_id);
    const out = makeTransaction(checking.account_id, { amount: 500, date: '2026-11-02' });
    const into = makeTransaction(savings.account_id, { amount: -500, date: '2026-11-03' });
    const removed = [followed, lost].map((t) => ({
      transaction_id: t.transaction_id,
      account_id: t.account_id,
    }));
    answers = [
      makeSyncPage({ accounts: [checking, savings], removed, has_more: true, next_cursor: 'c1' }),
      makeSyncPage({ accounts: [checking, savings], added: [posted, unnamed, out, into] }),
    ];

    await sut.run(await plaid(item));

    const edits = await db.dataSource.query<{ id: string; orphaned: boolean }[]>(
      `SELECT plaid_transaction_id AS id, orphaned_at IS NOT NULL AS orphaned FROM transaction_edits
        WHERE item_id = $1 ORDER BY note`,
      [item.itemId],
    );
    const pairs = await db.dataSource.query<{ id: string; pair: string | null }[]>(
      `SELECT plaid_transaction_id AS id, transfer_pair_id AS pair FROM transactions
        WHERE plaid_transaction_id = ANY($1) ORDER BY amount`,
      [[out.transaction_id, into.transaction_id]],
    );
    expect(edits).toEqual([
      { id: posted.transaction_id, orphaned: false },
      { id: lost.transaction_id, orphaned: true },
    ]);
    expect(pairs[0].pair).not.toBeNull();
    expect(pairs[1].pair).toBe(pairs[0].pair);
  });

  it('publishes ItemSynced with the counts of the run', async () => {
    const item = await insertItem(db, cipher);
    const account = makeAccount();
    const existing = makeTransaction(account.account_id);
    const gone = makeTransaction(account.account_id);
    answers = [makeSyncPage({ accounts: [account], added: [existing, gone] })];
    await sut.run(await plaid(item));
    answers = [
      makeSyncPage({
        accounts: [account],
        added: [makeTransaction(account.account_id)],
        modified: [{ ...existing, amount: 99 }],
        removed: [{ transaction_id: gone.transaction_id, account_id: account.account_id }],
      }),
    ];

    await sut.run(await plaid(item));

    const events = await syncedEvents(item);
    expect(events[1]).toEqual({
      itemId: item.itemId,
      syncedAt: expect.any(String),
      added: 1,
      modified: 1,
      removed: 1,
      changesCursor: expect.any(String),
    });
  });

  it("hands out the user's delta cursor as of the run: reading from it gives exactly the later changes", async () => {
    const item = await insertItem(db, cipher);
    const account = makeAccount();
    const first = makeTransaction(account.account_id);
    answers = [makeSyncPage({ accounts: [account], added: [first] })];
    await sut.run(await plaid(item));
    const cursor = (await syncedEvents(item))[0].changesCursor;
    const changes = moduleRef.get(TransactionChangesService);

    expect(decodeTransactionChangesCursor(cursor)).toEqual({
      phase: 'log',
      userId: item.userId,
      itemId: null,
      seq: expect.any(String),
    });
    const afterRun = JSON.parse(await changes.page({ userId: item.userId, cursor })) as Record<
      string,
      unknown
    >;
    expect(afterRun).toMatchObject({ added: [], modified: [], removed: [], hasMore: false });

    const second = makeTransaction(account.account_id);
    answers = [makeSyncPage({ accounts: [account], added: [second] })];
    await sut.run(await plaid(item));

    const later = JSON.parse(await changes.page({ userId: item.userId, cursor })) as {
      added: { id: string }[];
      modified: unknown[];
    };
    expect(later.added.map((t) => t.id)).toEqual([second.transaction_id]);
    expect(later.modified).toEqual([]);
  });

  it('publishes ItemAccountsChanged once per page that changed accounts, and none when they are unchanged', async () => {
    const item = await insertItem(db, cipher);
    const account = makeAccount();
    const accountsChanged = async (): Promise<ItemAccountsChangedEvent[]> =>
      (await outboxEvents(db, EventPattern.ItemAccountsChanged)).filter(
        (e): e is ItemAccountsChangedEvent => (e as ItemAccountsChangedEvent).itemId === item.itemId,
      );

    answers = [makeSyncPage({ accounts: [account, makeAccount()] })];
    await sut.run(await plaid(item));
    expect(await accountsChanged()).toEqual([{ itemId: item.itemId, changedAt: expect.any(String) }]);

    answers = [makeSyncPage({ accounts: [account] })];
    await sut.run(await plaid(item));
    expect(await accountsChanged()).toHaveLength(1);

    answers = [
      makeSyncPage({
        accounts: [{ ...account, balances: { ...account.balances, current: 999 } }],
      }),
    ];
    await sut.run(await plaid(item));
    expect(await accountsChanged()).toHaveLength(2);
  });

  it('starts again from the stored cursor when Plaid reports a mutation during pagination', async () => {
    const item = await insertItem(db, cipher, { cursor: 'stored-cursor' });
    const account = makeAccount();
    const kept = makeTransaction(account.account_id);
    answers = [
      makeSyncPage({ accounts: [account], added: [kept], next_cursor: 'c1', has_more: true }),
      mutationError(),
      makeSyncPage({ accounts: [account], added: [kept], next_cursor: 'c2' }),
    ];

    const outcome = await sut.run(await plaid(item));

    expect(outcome.restarts).toBe(1);
    expect(transactionsSync.mock.calls.map(([req]) => req.cursor)).toEqual([
      'stored-cursor',
      'c1',
      'stored-cursor',
    ]);
    expect(await storedIds(item)).toEqual([kept.transaction_id]);
  });

  it('deletes what an abandoned pass applied and the final pass does not confirm', async () => {
    const item = await insertItem(db, cipher);
    const account = makeAccount();
    const kept = makeTransaction(account.account_id);
    const transient = makeTransaction(account.account_id);
    answers = [
      makeSyncPage({ accounts: [account], added: [kept, transient], next_cursor: 'c1', has_more: true }),
      mutationError(),
      makeSyncPage({ accounts: [account], added: [kept], next_cursor: 'c2' }),
    ];

    const outcome = await sut.run(await plaid(item));

    expect(await storedIds(item)).toEqual([kept.transaction_id]);
    expect(outcome.removed).toBe(1);
    expect((await syncedEvents(item)).at(-1)).toMatchObject({ added: 1, modified: 0, removed: 1 });
  });

  it('keeps what an abandoned pass applied when a later page of the final pass confirms it', async () => {
    const item = await insertItem(db, cipher);
    const account = makeAccount();
    const early = makeTransaction(account.account_id);
    answers = [
      makeSyncPage({ accounts: [account], added: [early], next_cursor: 'c1', has_more: true }),
      mutationError(),
      makeSyncPage({ accounts: [account], added: [], next_cursor: 'c2', has_more: true }),
      makeSyncPage({ accounts: [account], added: [early], next_cursor: 'c3' }),
    ];

    const outcome = await sut.run(await plaid(item));

    expect(await storedIds(item)).toEqual([early.transaction_id]);
    expect(outcome.removed).toBe(0);
  });

  it('gives the mutation error to the caller after SYNC_MAX_RESTARTS restarts, storing no cursor', async () => {
    const item = await insertItem(db, cipher, { cursor: 'stored-cursor' });
    answers = [mutationError(), mutationError(), mutationError()];

    await expect(sut.run(await plaid(item))).rejects.toMatchObject({
      errorCode: 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
    });

    expect(transactionsSync).toHaveBeenCalledTimes(config.SYNC_MAX_RESTARTS + 1);
    const [row] = await db.dataSource.query<{ cursor: string }[]>(
      `SELECT cursor FROM items WHERE item_id = $1`,
      [item.itemId],
    );
    expect(row.cursor).toBe('stored-cursor');
  });

  it('gives any other Plaid error to the caller without a restart', async () => {
    const item = await insertItem(db, cipher);
    const down = new PlaidApiError({ ...mutationError().toJSON(), errorCode: 'INSTITUTION_DOWN' });
    answers = [down];

    await expect(sut.run(await plaid(item))).rejects.toBe(down);

    expect(transactionsSync).toHaveBeenCalledTimes(1);
  });

  it('asks for the next page before the current one is written', async () => {
    const item = await insertItem(db, cipher);
    const account = makeAccount();
    let callsWhenFirstPageWritten = 0;
    const writer = moduleRef.get(TransactionPagesRepository);
    const upsert = jest.spyOn(writer, 'upsert').mockImplementationOnce(async (...args) => {
      callsWhenFirstPageWritten = transactionsSync.mock.calls.length;
      upsert.mockRestore();
      return writer.upsert(...args);
    });
    answers = [
      makeSyncPage({ accounts: [account], added: [makeTransaction(account.account_id)], has_more: true }),
      makeSyncPage({ accounts: [account] }),
    ];

    await sut.run(await plaid(item));

    expect(callsWhenFirstPageWritten).toBe(2);
  });
});
