import { jest } from '@jest/globals';
import { EventPattern } from '@app/contracts';
import { JobError, type OutboxRelay } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError } from '@app/plaid';
import {
  type ServiceTest,
  type TestDatabase,
  strictMock,
  tablesHolding,
  tablesWithUserId,
} from '@app/testing';
import { type PlaidApi } from 'plaid';
import { SCHEMA } from '../database/database';
import { type Item } from '../items/item.entity';
import { insertItem, linkServiceTest, outboxRows, resetLinkTables } from '../spec-support';
import { LINK_DELETION_REGISTRY } from './deletion-registry';
import { UserDeletionModule } from './user-deletion.module';
import { UserDeletionService } from './user-deletion.service';

const USER = '00000000-0000-4000-8000-0000000000b1';
const OTHER = '00000000-0000-4000-8000-0000000000b2';
const EVENT = { deletionId: '00000000-0000-4000-8000-0000000000d1', userId: USER };

describe(UserDeletionService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<UserDeletionService>;
  let sut: UserDeletionService;
  const plaid = { itemRemove: jest.fn(async () => ({ data: { request_id: 'r' } })) };
  const relay = { kick: jest.fn() };

  beforeAll(async () => {
    harness = await linkServiceTest(
      UserDeletionService,
      [UserDeletionModule],
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

  async function itemOf(userId: string, token: string): Promise<Item> {
    const plaidItemId = `plaid-item-${Math.random().toString(36).slice(2)}`;
    const accessTokenEnc = harness.get(AccessTokenCipher).encrypt(token, plaidItemId);
    const item = await insertItem(db, { userId, plaidItemId, accessTokenEnc });
    await db.dataSource.query(
      `INSERT INTO user_events (user_id, seq, name, data) VALUES ($1, 1, 'item.updated', '{}')
       ON CONFLICT DO NOTHING`,
      [userId],
    );
    await db.dataSource.query(
      `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, now(), 1) ON CONFLICT DO NOTHING`,
      [`exchange:${userId}`],
    );
    return item;
  }

  it('has a registry entry for every table with a user_id column', async () => {
    const registered = LINK_DELETION_REGISTRY.map((e) => e.table);

    const missing = (await tablesWithUserId(db.dataSource, SCHEMA)).filter((t) => !registered.includes(t));

    expect(missing).toEqual([]);
  });

  it("removes every item at Plaid, then deletes the user's rows and confirms to auth", async () => {
    await itemOf(USER, 'access-sandbox-1');
    await itemOf(USER, 'access-sandbox-2');
    await itemOf(OTHER, 'access-sandbox-other');

    await sut.deleteUser(EVENT);

    expect(plaid.itemRemove.mock.calls).toEqual([
      [{ access_token: 'access-sandbox-1' }],
      [{ access_token: 'access-sandbox-2' }],
    ]);
    const outbox = await outboxRows(db);
    expect(outbox).toEqual([{ pattern: EventPattern.UserLinkDataDeleted, payload: EVENT }]);
    await db.dataSource.query(`DELETE FROM outbox`);
    expect(await tablesHolding(db.dataSource, SCHEMA, USER)).toEqual({});
    expect(Object.keys(await tablesHolding(db.dataSource, SCHEMA, OTHER)).sort()).toEqual([
      'items',
      'rate_limits',
      'user_events',
    ]);
  });

  it('counts an item Plaid already forgot as removed (a run again after a crash between removals)', async () => {
    await itemOf(USER, 'access-sandbox-1');
    await itemOf(USER, 'access-sandbox-2');
    plaid.itemRemove.mockRejectedValueOnce(plaidError('ITEM_NOT_FOUND'));

    await sut.deleteUser(EVENT);

    expect(plaid.itemRemove).toHaveBeenCalledTimes(2);
    expect(await tablesHolding(db.dataSource, SCHEMA, USER)).toEqual({ outbox: 1 });
  });

  it('keeps every row and asks for a retry when Plaid fails to remove an item', async () => {
    await itemOf(USER, 'access-sandbox-1');
    plaid.itemRemove.mockRejectedValueOnce(plaidError('INTERNAL_SERVER_ERROR', 'API_ERROR', 500));

    const err = await sut.deleteUser(EVENT).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(JobError);
    expect(err).toMatchObject({ retryable: true });
    expect(await outboxRows(db)).toEqual([]);
    expect(Object.keys(await tablesHolding(db.dataSource, SCHEMA, USER)).sort()).toEqual([
      'items',
      'rate_limits',
      'user_events',
    ]);
  });
});

function plaidError(errorCode: string, errorType = 'ITEM_ERROR', httpStatus = 400): PlaidApiError {
  return new PlaidApiError({
    errorType,
    errorCode,
    displayMessage: null,
    requestId: 'req-spec',
    httpStatus,
    plaidMessage: errorCode,
  });
}
