import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { requestContext } from '@app/common';
import { ErrorCode, EventPattern } from '@app/contracts';
import { JobError, OutboxRelay } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError } from '@app/plaid';
import { type TestDatabase, strictMock } from '@app/testing';
import { PlaidApi } from 'plaid';
import { DataSource } from 'typeorm';
import { CONFIG, type SyncConfig } from '../config';
import { SyncItemsRepository } from '../items/sync-items.repository';
import {
  createSyncDatabase,
  makeAccount,
  makeSyncPage,
  makeTransaction,
  outboxEvents,
  plaidOk,
  specConfig,
} from '../spec-support';
import { SyncModule } from './sync.module';
import { SyncService } from './sync.service';

function plaidError(errorCode: string, errorType = 'ITEM_ERROR'): PlaidApiError {
  return new PlaidApiError({
    errorType,
    errorCode,
    displayMessage: null,
    requestId: null,
    httpStatus: 400,
    plaidMessage: 'for logs only',
  });
}

// The real SyncModule (its wiring is under test too) on the real Postgres; Plaid and the broker are fakes.
describe(SyncService.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: SyncService;
  let config: SyncConfig;
  let cipher: AccessTokenCipher;
  const account = makeAccount();
  const plaid = {
    itemGet: jest.fn(async () =>
      plaidOk({
        item: { item_id: 'p', institution_id: 'ins_109508', institution_name: 'First Platypus Bank' },
        request_id: 'r',
      }),
    ),
    institutionsGetById: jest.fn(async () =>
      plaidOk({
        institution: { institution_id: 'ins_109508', name: 'First Platypus Bank' },
        request_id: 'r',
      }),
    ),
    accountsGet: jest.fn(async () => plaidOk({ accounts: [account], item: {}, request_id: 'r' })),
    transactionsRecurringGet: jest.fn(async () =>
      plaidOk({
        inflow_streams: [],
        outflow_streams: [],
        updated_datetime: '2026-11-01T00:00:00Z',
        request_id: 'r',
      }),
    ),
    transactionsSync: jest.fn(async () =>
      plaidOk(makeSyncPage({ accounts: [account], added: [makeTransaction(account.account_id)] })),
    ),
    transactionsRefresh: jest.fn(async () => plaidOk({ request_id: 'r' })),
  };

  beforeAll(async () => {
    db = await createSyncDatabase();
    config = specConfig(db.url, { STALE_SYNC_CHECK_SECONDS: 0, EVENT_MAX_ATTEMPTS: 6 });
    cipher = new AccessTokenCipher(config.TOKEN_ENCRYPTION_KEYS);
    @Global()
    @Module({
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: DataSource, useValue: db.dataSource },
        { provide: AccessTokenCipher, useValue: cipher },
        {
          provide: PlaidApi,
          useValue: strictMock<PlaidApi>('PlaidApi', plaid as unknown as Partial<PlaidApi>),
        },
        {
          provide: OutboxRelay,
          useValue: strictMock<OutboxRelay>('OutboxRelay', { kick: () => undefined }),
        },
      ],
      exports: [CONFIG, DataSource, AccessTokenCipher, PlaidApi, OutboxRelay],
    })
    class FakeCoreModule {}
    moduleRef = await Test.createTestingModule({ imports: [FakeCoreModule, SyncModule] }).compile();
    sut = moduleRef.get(SyncService);
  });

  beforeEach(() => {
    for (const fn of Object.values(plaid)) fn.mockClear();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  function linked(plaidItemId = `plaid-${randomUUID()}`) {
    return {
      itemId: randomUUID(),
      userId: randomUUID(),
      plaidItemId,
      encryptedAccessToken: cipher.encrypt('access-sandbox-x', plaidItemId),
    };
  }

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

  it('reads the delivery attempt from the request context: the last attempt dead-letters', async () => {
    const event = linked();
    await sut.onItemLinked(event);
    plaid.transactionsSync.mockRejectedValueOnce(plaidError('INTERNAL_SERVER_ERROR', 'API_ERROR'));

    const thrown = await requestContext
      .run({ requestId: 'r', attempt: 6 }, () =>
        sut.onSyncRequested({ itemId: event.itemId, reason: 'webhook' }),
      )
      .catch((e: unknown) => e);

    expect(thrown).toBeInstanceOf(JobError);
    expect(thrown).toMatchObject({ retryable: false, reason: 'INTERNAL_SERVER_ERROR' });
  });

  it('retries a transient Plaid error before the last attempt', async () => {
    const event = linked();
    await sut.onItemLinked(event);
    plaid.transactionsSync.mockRejectedValueOnce(plaidError('INTERNAL_SERVER_ERROR', 'API_ERROR'));

    const thrown = await requestContext
      .run({ requestId: 'r', attempt: 2 }, () =>
        sut.onSyncRequested({ itemId: event.itemId, reason: 'webhook' }),
      )
      .catch((e: unknown) => e);

    expect(thrown).toMatchObject({ retryable: true, reason: 'INTERNAL_SERVER_ERROR' });
  });

  it('acknowledges a webhook for an item it does not know without calling Plaid', async () => {
    await sut.onTransactionsWebhook({
      webhookType: 'TRANSACTIONS',
      webhookCode: 'SYNC_UPDATES_AVAILABLE',
      plaidItemId: 'unknown-plaid-item',
      body: {},
      receivedAt: new Date().toISOString(),
    });

    expect(plaid.transactionsSync).not.toHaveBeenCalled();
  });

  it('queues a manual sync for the owner, throttles the next one and 404s for anyone else', async () => {
    const event = linked();
    await sut.onItemLinked(event);

    await expect(sut.requestManualSync(event.userId, event.itemId)).resolves.toEqual({ accepted: true });
    await expect(sut.requestManualSync(event.userId, event.itemId)).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
    });
    await expect(sut.requestManualSync(randomUUID(), event.itemId)).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    expect(await eventsFor(EventPattern.SyncRequested, event.itemId)).toEqual([
      { itemId: event.itemId, reason: 'manual' },
    ]);
  });

  it('lets the sync after a repair through the manual-sync limit while the item is in an item-level error', async () => {
    const event = linked();
    await sut.onItemLinked(event);
    await expect(sut.requestManualSync(event.userId, event.itemId)).resolves.toEqual({ accepted: true });
    // That sync found ITEM_LOGIN_REQUIRED; the user then repaired the item in Link (seconds later).
    await moduleRef.get(SyncItemsRepository).recordError(event.itemId, 'ITEM_LOGIN_REQUIRED');
    await db.dataSource.query(
      `UPDATE items SET manual_sync_at = now() - make_interval(secs => $2) WHERE item_id = $1`,
      [event.itemId, config.REPAIR_SYNC_MIN_INTERVAL_SECONDS + 1],
    );

    await expect(sut.requestManualSync(event.userId, event.itemId)).resolves.toEqual({ accepted: true });
    await expect(sut.requestManualSync(event.userId, event.itemId)).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
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

  it('asks Plaid to refresh before a manual sync, and reconciles the accounts on the way', async () => {
    const event = linked();
    await sut.onItemLinked(event);
    plaid.itemGet.mockClear();

    await requestContext.run({ requestId: 'r', attempt: 1 }, () =>
      sut.onSyncRequested({ itemId: event.itemId, reason: 'manual' }),
    );

    expect(plaid.transactionsRefresh).toHaveBeenCalledTimes(1);
    expect(plaid.itemGet).toHaveBeenCalledTimes(1);
    expect(await eventsFor(EventPattern.ItemSynced, event.itemId)).toHaveLength(2);
  });

  it('makes no /transactions/refresh call with TRANSACTIONS_REFRESH_ON_MANUAL_SYNC off, nor for other syncs', async () => {
    const event = linked();
    await sut.onItemLinked(event);
    config.TRANSACTIONS_REFRESH_ON_MANUAL_SYNC = false;
    try {
      await requestContext.run({ requestId: 'r', attempt: 1 }, () =>
        sut.onSyncRequested({ itemId: event.itemId, reason: 'manual' }),
      );
      config.TRANSACTIONS_REFRESH_ON_MANUAL_SYNC = true;
      await requestContext.run({ requestId: 'r', attempt: 1 }, () =>
        sut.onSyncRequested({ itemId: event.itemId, reason: 'webhook' }),
      );
    } finally {
      config.TRANSACTIONS_REFRESH_ON_MANUAL_SYNC = true;
    }

    expect(plaid.transactionsRefresh).not.toHaveBeenCalled();
    expect(await eventsFor(EventPattern.ItemSynced, event.itemId)).toHaveLength(3);
  });

  it('still pulls when Plaid refuses the refresh', async () => {
    const event = linked();
    await sut.onItemLinked(event);
    plaid.transactionsRefresh.mockRejectedValueOnce(plaidError('PRODUCTS_NOT_SUPPORTED', 'INVALID_REQUEST'));

    await requestContext.run({ requestId: 'r', attempt: 1 }, () =>
      sut.onSyncRequested({ itemId: event.itemId, reason: 'manual' }),
    );

    expect(await eventsFor(EventPattern.ItemSynced, event.itemId)).toHaveLength(2);
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
});
