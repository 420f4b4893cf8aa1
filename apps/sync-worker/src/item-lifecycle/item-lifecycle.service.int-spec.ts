import { Test, type TestingModule } from '@nestjs/testing';
import { EventPattern } from '@app/contracts';
import { AccessTokenCipher } from '@app/plaid';
import { type TestDatabase } from '@app/testing';
import { type PlaidApi } from 'plaid';
import { SyncItemsRepository } from '../items/sync-items.repository';
import {
  createSyncDatabase,
  fakeCoreModule,
  linkedEvent,
  makeAccount,
  makeSyncPage,
  makeTransaction,
  outboxEvents,
  plaidError,
  plaidItemFakes,
  plaidOk,
  specConfig,
} from '../spec-support';
import { ItemLifecycleModule } from './item-lifecycle.module';
import { ItemLifecycleService } from './item-lifecycle.service';

// The real modules (their wiring is under test too) on the real Postgres; Plaid and the broker are fakes.
describe(ItemLifecycleService.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: ItemLifecycleService;
  let cipher: AccessTokenCipher;
  const account = makeAccount();
  const plaid = plaidItemFakes(account);

  beforeAll(async () => {
    db = await createSyncDatabase();
    const config = specConfig(db.url, { STALE_SYNC_CHECK_SECONDS: 0, EVENT_MAX_ATTEMPTS: 6 });
    cipher = new AccessTokenCipher(config.TOKEN_ENCRYPTION_KEYS);
    moduleRef = await Test.createTestingModule({
      imports: [
        fakeCoreModule(config, db, cipher, plaid as unknown as Partial<PlaidApi>),
        ItemLifecycleModule,
      ],
    }).compile();
    sut = moduleRef.get(ItemLifecycleService);
  });

  beforeEach(() => {
    for (const fn of Object.values(plaid)) fn.mockClear();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  const linked = () => linkedEvent(cipher);

  const eventsFor = async (pattern: EventPattern, itemId: string) =>
    (await outboxEvents(db, pattern)).filter((e) => (e as { itemId: string }).itemId === itemId);

  it('refreshes the metadata and then syncs a newly linked item', async () => {
    const event = linked();

    await sut.onItemLinked(event);

    expect(await eventsFor(EventPattern.ItemMetadataRefreshed, event.itemId)).toEqual([
      expect.objectContaining({
        institutionId: 'ins_109508',
        institutionName: 'First Platypus Bank',
        error: null,
      }),
    ]);
    expect(await eventsFor(EventPattern.ItemSynced, event.itemId)).toEqual([
      expect.objectContaining({ added: 1, modified: 0, removed: 0 }),
    ]);
  });

  it('records the item error and stops, without a sync, when the refresh needs the user', async () => {
    const event = linked();
    plaid.itemGet.mockRejectedValueOnce(plaidError('ITEM_LOGIN_REQUIRED'));

    await sut.onItemLinked(event);

    expect(await eventsFor(EventPattern.ItemErrorRecorded, event.itemId)).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ status: 'login_required' }) }),
    ]);
    expect(plaid.transactionsSync).not.toHaveBeenCalled();
  });

  it('dead-letters "item linked" with a token it cannot decrypt', async () => {
    const event = { ...linked(), encryptedAccessToken: 'x'.repeat(40) };

    await expect(sut.onItemLinked(event)).rejects.toMatchObject({
      retryable: false,
      reason: 'TOKEN_DECRYPT_FAILED',
    });
  });

  it('deletes a revoked item’s data but remembers its owner', async () => {
    const event = linked();
    await sut.onItemLinked(event);

    await sut.onDataRevoked({ itemId: event.itemId });

    expect(await moduleRef.get(SyncItemsRepository).find(event.itemId)).toBeNull();
    const owners = await db.dataSource.query<{ user_id: string }[]>(
      `SELECT user_id FROM item_owners WHERE item_id = $1`,
      [event.itemId],
    );
    expect(owners).toEqual([{ user_id: event.userId }]);
  });

  it('announces changed accounts: new ones, none when unchanged, and each revocation that deleted some', async () => {
    const event = linked();
    const mine = [makeAccount(), makeAccount()];
    plaid.accountsGet.mockResolvedValueOnce(plaidOk({ accounts: mine, item: {}, request_id: 'r' }));
    plaid.transactionsSync.mockResolvedValueOnce(plaidOk(makeSyncPage({ accounts: mine })));
    const announced = () => eventsFor(EventPattern.ItemAccountsChanged, event.itemId);

    await sut.onItemLinked(event);
    expect(await announced()).toEqual([{ itemId: event.itemId, changedAt: expect.any(String) }]);

    await sut.onDataRevoked({ itemId: event.itemId, plaidAccountId: mine[0].account_id });
    await sut.onDataRevoked({ itemId: event.itemId, plaidAccountId: mine[0].account_id });
    expect(await announced()).toHaveLength(2);

    await sut.onDataRevoked({ itemId: event.itemId });
    await sut.onDataRevoked({ itemId: event.itemId });
    expect(await announced()).toHaveLength(3);
  });

  it('keeps a revoked account as `revoked`, without its transactions or balance history', async () => {
    const event = linked();
    const own = makeAccount();
    plaid.accountsGet.mockResolvedValueOnce(plaidOk({ accounts: [own], item: {}, request_id: 'r' }));
    plaid.transactionsSync.mockResolvedValueOnce(
      plaidOk(makeSyncPage({ accounts: [own], added: [makeTransaction(own.account_id)] })),
    );
    await sut.onItemLinked(event);

    await sut.onDataRevoked({ itemId: event.itemId, plaidAccountId: own.account_id });

    const [row] = await db.dataSource.query<{ status: string; balance_current: string | null; n: string }[]>(
      `SELECT a.status, a.balance_current,
              (SELECT count(*) FROM transactions t WHERE t.account_id = a.id)
              + (SELECT count(*) FROM balance_snapshots b WHERE b.account_id = a.id) AS n
         FROM accounts a WHERE a.item_id = $1`,
      [event.itemId],
    );
    expect(row).toEqual({ status: 'revoked', balance_current: null, n: '0' });
  });

  it('deletes a removed item’s rows', async () => {
    const event = linked();
    await sut.onItemLinked(event);

    await sut.onItemRemoved({ itemId: event.itemId, userId: event.userId });

    expect(await moduleRef.get(SyncItemsRepository).find(event.itemId)).toBeNull();
    const [{ n }] = await db.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM transactions WHERE item_id = $1`,
      [event.itemId],
    );
    expect(n).toBe('0');
  });
});
