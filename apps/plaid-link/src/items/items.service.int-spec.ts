import { jest } from '@jest/globals';
import { ErrorCode, EventPattern } from '@app/contracts';
import { type OutboxRelay } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError } from '@app/plaid';
import { type ServiceTest, type TestDatabase, strictMock } from '@app/testing';
import { type PlaidApi } from 'plaid';
import {
  feedEvents,
  insertItem,
  linkServiceTest,
  outboxRows,
  reloadItem,
  resetLinkTables,
} from '../spec-support';
import { type Item } from './item.entity';
import { ItemsModule } from './items.module';
import { ItemsService } from './items.service';

const OWNER = '00000000-0000-4000-8000-0000000000a1';
const STRANGER = '00000000-0000-4000-8000-0000000000a2';

describe(ItemsService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<ItemsService>;
  let sut: ItemsService;
  const plaid = { itemRemove: jest.fn(async () => ({ data: { request_id: 'r' } })) };
  const relay = { kick: jest.fn() };

  beforeAll(async () => {
    harness = await linkServiceTest(
      ItemsService,
      [ItemsModule],
      strictMock<PlaidApi>('PlaidApi', plaid as unknown as Partial<PlaidApi>),
      strictMock<OutboxRelay>('OutboxRelay', relay),
    );
    db = harness.db;
    sut = harness.sut;
  });

  afterAll(() => harness?.close());

  beforeEach(async () => {
    jest.clearAllMocks();
    await resetLinkTables(db);
  });

  async function ownedItem(): Promise<Item> {
    const plaidItemId = `plaid-item-${Math.random().toString(36).slice(2)}`;
    const accessTokenEnc = harness.get(AccessTokenCipher).encrypt('access-sandbox-owned', plaidItemId);
    return insertItem(db, { userId: OWNER, plaidItemId, accessTokenEnc });
  }

  it("answers NOT_FOUND for another user's item", async () => {
    const item = await ownedItem();

    await expect(sut.get(STRANGER, item.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it("lists only the user's own items", async () => {
    const mine = await ownedItem();
    await insertItem(db, { userId: STRANGER });

    expect((await sut.list(OWNER)).data.map((i) => i.id)).toEqual([mine.id]);
  });

  it('removes the item at Plaid, deletes it and enqueues ItemRemoved', async () => {
    const item = await ownedItem();

    await expect(sut.remove(OWNER, item.id)).resolves.toEqual({ deleted: true });

    expect(plaid.itemRemove).toHaveBeenCalledWith({ access_token: 'access-sandbox-owned' });
    expect(await reloadItem(db, item.id)).toBeNull();
    expect(await outboxRows(db)).toEqual([
      { pattern: EventPattern.ItemRemoved, payload: { itemId: item.id, userId: OWNER } },
    ]);
    expect(relay.kick).toHaveBeenCalled();
  });

  it("appends item.removed to the owner's feed in the delete's transaction", async () => {
    const item = await ownedItem();

    await sut.remove(OWNER, item.id);

    expect(await feedEvents(db)).toEqual([
      { userId: OWNER, id: 1, event: 'item.removed', data: { itemId: item.id } },
    ]);
  });

  it('sends the events of a removal once when two removals race', async () => {
    const item = await ownedItem();

    await Promise.all(
      [sut.remove(OWNER, item.id), sut.remove(OWNER, item.id)].map((p) => p.catch(() => null)),
    );

    expect(await reloadItem(db, item.id)).toBeNull();
    expect(await feedEvents(db)).toHaveLength(1);
    expect(await outboxRows(db)).toHaveLength(1);
  });

  it('deletes the item when Plaid no longer knows it', async () => {
    const item = await ownedItem();
    plaid.itemRemove.mockRejectedValueOnce(plaidError('ITEM_NOT_FOUND'));

    await sut.remove(OWNER, item.id);

    expect(await reloadItem(db, item.id)).toBeNull();
  });

  it('keeps the item when Plaid fails to remove it', async () => {
    const item = await ownedItem();
    plaid.itemRemove.mockRejectedValueOnce(plaidError('INTERNAL_SERVER_ERROR', 'API_ERROR', 500));

    await expect(sut.remove(OWNER, item.id)).rejects.toMatchObject({ code: ErrorCode.Plaid });

    expect(await reloadItem(db, item.id)).not.toBeNull();
    expect(await outboxRows(db)).toEqual([]);
    expect(await feedEvents(db)).toEqual([]);
  });
});

function plaidError(errorCode: string, errorType = 'ITEM_ERROR', httpStatus = 400): PlaidApiError {
  return new PlaidApiError({
    errorType,
    errorCode,
    displayMessage: null,
    requestId: 'req-1',
    httpStatus,
    plaidMessage: errorCode,
  });
}
