import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { requestContext } from '@app/common';
import { ErrorCode, EventPattern } from '@app/contracts';
import { JobError } from '@app/messaging';
import { AccessTokenCipher } from '@app/plaid';
import { type TestDatabase } from '@app/testing';
import { type PlaidApi } from 'plaid';
import { type SyncConfig } from '../config';
import { InstitutionsRepository } from '../institutions/institutions.repository';
import { SyncItemsRepository } from '../items/sync-items.repository';
import { ItemLifecycleModule } from '../item-lifecycle/item-lifecycle.module';
import { ItemLifecycleService } from '../item-lifecycle/item-lifecycle.service';
import {
  createSyncDatabase,
  fakeCoreModule,
  linkedEvent,
  makeAccount,
  outboxEvents,
  plaidError,
  plaidItemFakes,
  plaidOk,
  specConfig,
} from '../spec-support';
import { SyncService } from './sync.service';

// The real modules (their wiring is under test too) on the real Postgres; Plaid and the broker are fakes. Items are
// linked through ItemLifecycleService, as in production.
describe(SyncService.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: SyncService;
  let lifecycle: ItemLifecycleService;
  let config: SyncConfig;
  let cipher: AccessTokenCipher;
  const account = makeAccount();
  const plaid = plaidItemFakes(account);

  beforeAll(async () => {
    db = await createSyncDatabase();
    config = specConfig(db.url, { STALE_SYNC_CHECK_SECONDS: 0, EVENT_MAX_ATTEMPTS: 6 });
    cipher = new AccessTokenCipher(config.TOKEN_ENCRYPTION_KEYS);
    moduleRef = await Test.createTestingModule({
      imports: [
        fakeCoreModule(config, db, cipher, plaid as unknown as Partial<PlaidApi>),
        ItemLifecycleModule,
      ],
    }).compile();
    sut = moduleRef.get(SyncService);
    lifecycle = moduleRef.get(ItemLifecycleService);
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

  it('reads the delivery attempt from the request context: the last attempt dead-letters', async () => {
    const event = linked();
    await lifecycle.onItemLinked(event);
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
    await lifecycle.onItemLinked(event);
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
    await lifecycle.onItemLinked(event);

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
    await lifecycle.onItemLinked(event);
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

  it('asks Plaid to refresh before a manual sync, and reconciles the accounts on the way', async () => {
    const event = linked();
    await lifecycle.onItemLinked(event);
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
    await lifecycle.onItemLinked(event);
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
    await lifecycle.onItemLinked(event);
    plaid.transactionsRefresh.mockRejectedValueOnce(plaidError('PRODUCTS_NOT_SUPPORTED', 'INVALID_REQUEST'));

    await requestContext.run({ requestId: 'r', attempt: 1 }, () =>
      sut.onSyncRequested({ itemId: event.itemId, reason: 'manual' }),
    );

    expect(await eventsFor(EventPattern.ItemSynced, event.itemId)).toHaveLength(2);
  });

  it('defers a sync while the item’s institution is paused, without calling Plaid', async () => {
    const event = linked();
    const institutionId = `ins_${randomUUID()}`;
    plaid.itemGet.mockResolvedValueOnce(
      plaidOk({
        item: { item_id: 'p', institution_id: institutionId, institution_name: 'Paused Bank' },
        request_id: 'r',
      }),
    );
    await lifecycle.onItemLinked(event);
    await moduleRef.get(InstitutionsRepository).pause(institutionId, 30);
    plaid.transactionsSync.mockClear();

    const thrown = await requestContext
      .run({ requestId: 'r', attempt: 1 }, () =>
        sut.onSyncRequested({ itemId: event.itemId, reason: 'webhook' }),
      )
      .catch((e: unknown) => e);

    expect(thrown).toBeInstanceOf(JobError);
    expect(thrown).toMatchObject({ retryable: true, reason: 'INSTITUTION_PAUSED' });
    expect((thrown as JobError).deferMs).toBeGreaterThan(0);
    expect(plaid.transactionsSync).not.toHaveBeenCalled();
  });
});
