import { jest } from '@jest/globals';
import { ITEM_STATUSES, type ItemProblemPayload, type ItemStatusValue } from '@app/contracts';
import { type OutboxRelay } from '@app/messaging';
import { type ServiceTest, type TestDatabase, strictMock } from '@app/testing';
import { type PlaidApi } from 'plaid';
import {
  feedBroadcasts,
  feedEvents,
  insertItem,
  linkServiceTest,
  reloadItem,
  resetLinkTables,
} from '../spec-support';
import { ItemStatusService } from './item-status.service';
import { type Item } from './item.entity';
import { isStale } from './item.mapper';
import { ItemsService } from './items.service';
import { ItemsModule } from './items.module';

const STATUSES = ITEM_STATUSES;
const UNKNOWN_ITEM = '00000000-0000-4000-8000-0000000000ff';
const loginRequired: ItemProblemPayload = {
  code: 'ITEM_LOGIN_REQUIRED',
  message: 'Sign in again',
  status: 'login_required',
};

function errorFor(status: ItemStatusValue): { errorCode: string | null; errorMessage: string | null } {
  return status === 'healthy' || status === 'pending' || status === 'expiring'
    ? { errorCode: null, errorMessage: null }
    : { errorCode: 'PREVIOUS', errorMessage: 'previous problem' };
}

describe(ItemStatusService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<ItemStatusService>;
  let sut: ItemStatusService;
  const relay = { kick: jest.fn() };

  beforeAll(async () => {
    harness = await linkServiceTest(
      ItemStatusService,
      [ItemsModule],
      strictMock<PlaidApi>('PlaidApi'),
      strictMock<OutboxRelay>('OutboxRelay', relay),
    );
    db = harness.db;
    sut = harness.sut;
  });

  afterAll(() => harness?.close());

  beforeEach(async () => {
    relay.kick.mockClear();
    await resetLinkTables(db);
  });

  describe('applySynced', () => {
    it.each([
      ['pending', 'healthy'],
      ['healthy', 'healthy'],
      ['login_required', 'healthy'],
      ['error', 'healthy'],
      ['expiring', 'expiring'],
      ['revoked', 'revoked'],
    ] as const)('turns a %s item into %s', async (before, after) => {
      const item = await insertItem(db, { status: before, ...errorFor(before) });

      await sut.applySynced({
        itemId: item.id,
        syncedAt: new Date().toISOString(),
        added: 1,
        modified: 0,
        removed: 0,
      });

      expect((await reloadItem(db, item.id))?.status).toBe(after);
    });

    it('clears the error of every status but revoked', async () => {
      const loggedOut = await insertItem(db, { status: 'login_required', ...errorFor('login_required') });
      const revoked = await insertItem(db, { status: 'revoked', ...errorFor('revoked') });

      for (const item of [loggedOut, revoked]) {
        await sut.applySynced({
          itemId: item.id,
          syncedAt: new Date().toISOString(),
          added: 0,
          modified: 0,
          removed: 0,
        });
      }

      expect((await reloadItem(db, loggedOut.id))?.errorCode).toBeNull();
      expect((await reloadItem(db, revoked.id))?.errorCode).toBe('PREVIOUS');
    });

    it('records the sync time and never moves it backwards', async () => {
      const later = new Date('2026-11-02T10:00:00Z');
      const item = await insertItem(db, { lastSyncedAt: later });

      await sut.applySynced({
        itemId: item.id,
        syncedAt: '2026-11-01T10:00:00Z',
        added: 0,
        modified: 0,
        removed: 0,
      });
      expect((await reloadItem(db, item.id))?.lastSyncedAt?.toISOString()).toBe(later.toISOString());

      await sut.applySynced({
        itemId: item.id,
        syncedAt: '2026-11-03T10:00:00Z',
        added: 0,
        modified: 0,
        removed: 0,
      });
      expect((await reloadItem(db, item.id))?.lastSyncedAt?.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    });
  });

  describe('applyMetadata', () => {
    it.each(STATUSES.map((s) => [s, s === 'pending' ? 'healthy' : s] as const))(
      'turns a %s item into %s when Plaid reports no error',
      async (before, after) => {
        const item = await insertItem(db, { status: before, ...errorFor(before) });

        await sut.applyMetadata({
          itemId: item.id,
          institutionId: 'ins_2',
          institutionName: 'Second Bank',
          consentExpiresAt: null,
          error: null,
          refreshedAt: new Date().toISOString(),
        });

        expect((await reloadItem(db, item.id))?.status).toBe(after);
      },
    );

    it.each(STATUSES)('records the reported error on a %s item', async (before) => {
      const item = await insertItem(db, { status: before });

      await sut.applyMetadata({
        itemId: item.id,
        institutionId: 'ins_1',
        institutionName: 'First Platypus Bank',
        consentExpiresAt: null,
        error: loginRequired,
        refreshedAt: new Date().toISOString(),
      });

      const after = await reloadItem(db, item.id);
      expect(after).toMatchObject({
        status: 'login_required',
        errorCode: 'ITEM_LOGIN_REQUIRED',
        errorMessage: 'Sign in again',
      });
    });

    it('stores the institution and consent expiry', async () => {
      const item = await insertItem(db, { institutionId: null, institutionName: null });

      await sut.applyMetadata({
        itemId: item.id,
        institutionId: 'ins_9',
        institutionName: 'Ninth Bank',
        consentExpiresAt: '2027-01-01T00:00:00Z',
        error: null,
        refreshedAt: new Date().toISOString(),
      });

      const after = await reloadItem(db, item.id);
      expect(after).toMatchObject({ institutionId: 'ins_9', institutionName: 'Ninth Bank' });
      expect(after?.consentExpiresAt?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    });

    it('stores Plaid’s freshness, keeps it when an older worker sends none, and answers NEW_ACCOUNTS_AVAILABLE', async () => {
      const item = await insertItem(db, { newAccountsAvailable: true });
      const news = {
        itemId: item.id,
        institutionId: 'ins_1',
        institutionName: 'First Platypus Bank',
        consentExpiresAt: null,
        error: null,
        refreshedAt: new Date().toISOString(),
      };

      await sut.applyMetadata({
        ...news,
        plaidLastUpdatedAt: '2026-11-01T10:00:00Z',
        accountSelectionApplied: false,
      });
      await sut.applyMetadata(news);
      expect(await reloadItem(db, item.id)).toMatchObject({ newAccountsAvailable: true });

      await sut.applyMetadata({ ...news, plaidLastUpdatedAt: null, accountSelectionApplied: true });
      const after = await reloadItem(db, item.id);
      expect(after).toMatchObject({ newAccountsAvailable: false, plaidLastUpdatedAt: null });
    });
  });

  describe(isStale.name, () => {
    const hoursAgo = (h: number): Date => new Date(Date.now() - h * 3_600_000);
    const base = {
      status: 'healthy',
      createdAt: hoursAgo(100),
      lastSyncedAt: hoursAgo(1),
      plaidLastUpdatedAt: hoursAgo(2),
    };

    it.each([
      ['fresh on both sides', {}, false],
      ['our last sync is old', { lastSyncedAt: hoursAgo(40) }, true],
      ['Plaid’s last update from the bank is old', { plaidLastUpdatedAt: hoursAgo(40) }, true],
      ['never synced, linked long ago', { lastSyncedAt: null, plaidLastUpdatedAt: null }, true],
      ['revoked: no data to be stale', { status: 'revoked', lastSyncedAt: hoursAgo(400) }, false],
    ])('is stale or not: %s', (_name, overrides, stale) => {
      expect(isStale({ ...base, ...overrides } as unknown as Item, 36)).toBe(stale);
    });
  });

  describe('applyError', () => {
    it.each(STATUSES)('sets the recorded problem on a %s item', async (before) => {
      const item = await insertItem(db, { status: before });

      await sut.applyError({ itemId: item.id, error: loginRequired, recordedAt: new Date().toISOString() });

      expect(await reloadItem(db, item.id)).toMatchObject({
        status: 'login_required',
        errorCode: 'ITEM_LOGIN_REQUIRED',
      });
    });
  });

  it('ignores news about an unknown item', async () => {
    const other = await insertItem(db, { status: 'pending' });

    await sut.applySynced({
      itemId: UNKNOWN_ITEM,
      syncedAt: new Date().toISOString(),
      added: 0,
      modified: 0,
      removed: 0,
    });
    await sut.applyError({
      itemId: UNKNOWN_ITEM,
      error: loginRequired,
      recordedAt: new Date().toISOString(),
    });
    await sut.applyMetadata({
      itemId: UNKNOWN_ITEM,
      institutionId: null,
      institutionName: null,
      consentExpiresAt: null,
      error: null,
      refreshedAt: new Date().toISOString(),
    });

    expect((await reloadItem(db, other.id))?.status).toBe('pending');
  });

  describe('applyLegacyRefresh', () => {
    it.each(STATUSES)('maps a v1 sync message on a %s item to what ItemSynced does', async (before) => {
      const viaLegacy = await insertItem(db, { status: before, ...errorFor(before) });
      const viaNew = await insertItem(db, { status: before, ...errorFor(before) });
      const syncedAt = '2026-11-05T08:00:00.000Z';

      await sut.applyLegacyRefresh({ itemId: viaLegacy.id, syncedAt });
      await sut.applySynced({ itemId: viaNew.id, syncedAt, added: 0, modified: 0, removed: 0 });

      expect(comparable(await reloadItem(db, viaLegacy.id))).toEqual(
        comparable(await reloadItem(db, viaNew.id)),
      );
    });

    it.each(STATUSES)(
      'maps a v1 metadata message on a %s item to what ItemMetadataRefreshed does',
      async (before) => {
        const viaLegacy = await insertItem(db, { status: before, ...errorFor(before) });
        const viaNew = await insertItem(db, { status: before, ...errorFor(before) });

        await sut.applyLegacyRefresh({
          itemId: viaLegacy.id,
          metadata: true,
          institutionId: 'ins_3',
          institutionName: 'Third Bank',
          consentExpiresAt: '2027-02-01T00:00:00.000Z',
          error: null,
        });
        await sut.applyMetadata({
          itemId: viaNew.id,
          institutionId: 'ins_3',
          institutionName: 'Third Bank',
          consentExpiresAt: '2027-02-01T00:00:00.000Z',
          error: null,
          refreshedAt: new Date().toISOString(),
        });

        expect(comparable(await reloadItem(db, viaLegacy.id))).toEqual(
          comparable(await reloadItem(db, viaNew.id)),
        );
      },
    );

    it('maps a v1 error message to what ItemErrorRecorded does', async () => {
      const viaLegacy = await insertItem(db, { status: 'healthy' });
      const viaNew = await insertItem(db, { status: 'healthy' });

      await sut.applyLegacyRefresh({
        itemId: viaLegacy.id,
        error: { code: 'ITEM_LOGIN_REQUIRED', message: 'Sign in again' },
        status: 'login_required',
      });
      await sut.applyError({ itemId: viaNew.id, error: loginRequired, recordedAt: new Date().toISOString() });

      expect(comparable(await reloadItem(db, viaLegacy.id))).toEqual(
        comparable(await reloadItem(db, viaNew.id)),
      );
    });

    it('treats a v1 error without a status as a plain error', async () => {
      const item = await insertItem(db, { status: 'healthy' });

      await sut.applyLegacyRefresh({ itemId: item.id, error: { code: 'SOMETHING', message: 'Broken' } });

      expect(await reloadItem(db, item.id)).toMatchObject({ status: 'error', errorCode: 'SOMETHING' });
    });
  });

  describe('feed', () => {
    const OWNER = '00000000-0000-4000-8000-0000000000b1';
    const synced = (itemId: string, syncedAt: string, added = 2, changesCursor?: string) =>
      sut.applySynced({ itemId, syncedAt, added, modified: 1, removed: 0, changesCursor });

    it('appends item.updated with the item as GET answers it, after the change committed', async () => {
      const item = await insertItem(db, { userId: OWNER, status: 'healthy' });

      await sut.applyError({ itemId: item.id, error: loginRequired, recordedAt: new Date().toISOString() });

      const shown = await harness.get(ItemsService).get(OWNER, item.id);
      expect(shown.status).toBe('login_required');
      expect(await feedEvents(db)).toEqual([
        { userId: OWNER, id: 1, event: 'item.updated', data: { item: shown } },
      ]);
      expect(await feedBroadcasts(db)).toHaveLength(1);
      expect(relay.kick).toHaveBeenCalled();
    });

    it('appends nothing when the news changes nothing a client sees (a redelivery)', async () => {
      const item = await insertItem(db, { userId: OWNER, status: 'healthy' });
      const error = { itemId: item.id, error: loginRequired, recordedAt: new Date().toISOString() };
      const metadata = {
        itemId: item.id,
        institutionId: 'ins_1',
        institutionName: 'First Platypus Bank',
        consentExpiresAt: null,
        error: loginRequired,
        refreshedAt: new Date().toISOString(),
      };

      await sut.applyError(error);
      relay.kick.mockClear();
      await sut.applyError(error);
      await sut.applyMetadata(metadata);

      expect(await feedEvents(db)).toHaveLength(1);
      expect(relay.kick).not.toHaveBeenCalled();
    });

    it('appends item.updated and then transactions.changed for a sync run with changes', async () => {
      const item = await insertItem(db, { userId: OWNER, status: 'pending' });
      const syncedAt = '2026-11-05T08:00:00.000Z';

      await synced(item.id, syncedAt, 2, 'delta-cursor');

      const events = await feedEvents(db);
      expect(events.map((e) => e.event)).toEqual(['item.updated', 'transactions.changed']);
      expect(events[0].data).toMatchObject({ item: { status: 'healthy', lastSyncedAt: syncedAt } });
      expect(events[1].data).toEqual({
        itemId: item.id,
        added: 2,
        modified: 1,
        removed: 0,
        cursor: 'delta-cursor',
      });
    });

    it('appends transactions.changed once per run, however often ItemSynced is delivered', async () => {
      const item = await insertItem(db, { userId: OWNER });

      await synced(item.id, '2026-11-05T08:00:00.000Z');
      await synced(item.id, '2026-11-05T08:00:00.000Z');
      // A run older than the last one still had its changes; the item itself does not move back.
      await synced(item.id, '2026-11-05T07:00:00.000Z');

      expect((await feedEvents(db)).map((e) => e.event)).toEqual([
        'item.updated',
        'transactions.changed',
        'transactions.changed',
      ]);
    });

    it('appends no transactions.changed for a run without changes, nor a cursor from an older worker', async () => {
      const item = await insertItem(db, { userId: OWNER, lastSyncedAt: new Date('2026-11-06T00:00:00Z') });

      await sut.applySynced({
        itemId: item.id,
        syncedAt: '2026-11-05T08:00:00.000Z',
        added: 0,
        modified: 0,
        removed: 0,
      });
      await synced(item.id, '2026-11-05T09:00:00.000Z', 1);

      const events = await feedEvents(db);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ event: 'transactions.changed', data: { cursor: null } });
    });

    it('appends accounts.changed once per change, however often it is delivered', async () => {
      const item = await insertItem(db, { userId: OWNER });
      const changedAt = new Date().toISOString();

      await sut.applyAccountsChanged({ itemId: item.id, changedAt });
      await sut.applyAccountsChanged({ itemId: item.id, changedAt });
      await sut.applyAccountsChanged({ itemId: item.id, changedAt: new Date(Date.now() + 1).toISOString() });

      expect(await feedEvents(db)).toEqual([
        { userId: OWNER, id: 1, event: 'accounts.changed', data: { itemId: item.id } },
        { userId: OWNER, id: 2, event: 'accounts.changed', data: { itemId: item.id } },
      ]);
    });

    it('ignores accounts news about an unknown item', async () => {
      await sut.applyAccountsChanged({ itemId: UNKNOWN_ITEM, changedAt: new Date().toISOString() });

      expect(await feedEvents(db)).toEqual([]);
    });

    it('appends transactions.changed for a user edit once per editedAt, leaving the item as it is', async () => {
      const item = await insertItem(db, { userId: OWNER });
      const before = comparable(await reloadItem(db, item.id));
      const edit = {
        itemId: item.id,
        modified: 2,
        changesCursor: 'cursor-1',
        editedAt: new Date().toISOString(),
      };

      await sut.applyTransactionsEdited(edit);
      await sut.applyTransactionsEdited(edit);
      await sut.applyTransactionsEdited({
        itemId: UNKNOWN_ITEM,
        modified: 1,
        changesCursor: 'c',
        editedAt: edit.editedAt,
      });

      expect(await feedEvents(db)).toEqual([
        {
          userId: OWNER,
          id: 1,
          event: 'transactions.changed',
          data: { itemId: item.id, added: 0, modified: 2, removed: 0, cursor: 'cursor-1' },
        },
      ]);
      expect(comparable(await reloadItem(db, item.id))).toEqual(before);
    });
  });
});

// What the rules decide, without the fields that differ between two rows by construction.
function comparable(item: Awaited<ReturnType<typeof reloadItem>>): Record<string, unknown> {
  if (!item) return {};
  return {
    status: item.status,
    errorCode: item.errorCode,
    errorMessage: item.errorMessage,
    institutionId: item.institutionId,
    institutionName: item.institutionName,
    consentExpiresAt: item.consentExpiresAt?.toISOString() ?? null,
    lastSyncedAt: item.lastSyncedAt?.toISOString() ?? null,
  };
}
