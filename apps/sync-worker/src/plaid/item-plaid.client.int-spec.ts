import { jest } from '@jest/globals';
import { AccessTokenCipher, PlaidApiError } from '@app/plaid';
import { type ServiceTest, type TestDatabase, fake } from '@app/testing';
import { PlaidApi, type TransactionsSyncRequest } from 'plaid';
import { InstitutionsRepository } from '../institutions/institutions.repository';
import { insertItem, makeSyncPage, plaidDoorLimits, plaidOk, syncServiceTest } from '../spec-support';
import { ItemPlaidClients } from './item-plaid.client';

// The door with its real breaker and limiter on the real Postgres; Plaid's client is a fake.
describe(ItemPlaidClients.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<ItemPlaidClients>;
  let sut: ItemPlaidClients;
  let cipher: AccessTokenCipher;
  const transactionsSync = jest.fn(async (req: TransactionsSyncRequest) =>
    plaidOk(makeSyncPage({ next_cursor: `after-${req.cursor ?? 'start'}` })),
  );
  const itemGet = jest.fn(async () => {
    throw Object.assign(new Error('Request failed with status code 400'), {
      config: { headers: { 'PLAID-SECRET': 'never-copied' } },
      response: {
        status: 400,
        data: {
          error_type: 'ITEM_ERROR',
          error_code: 'ITEM_LOGIN_REQUIRED',
          error_message: 'for logs only',
          display_message: 'Log in again',
          request_id: 'req-1',
        },
      },
    });
  });

  beforeAll(async () => {
    // A limit above what the specs call: every call is counted in its window, none waits.
    harness = await syncServiceTest(ItemPlaidClients, {
      real: plaidDoorLimits,
      config: { PLAID_SYNC_CALLS_PER_MINUTE: 1000 },
      fakes: [fake(PlaidApi, { transactionsSync, itemGet })],
    });
    db = harness.db;
    sut = harness.sut;
    cipher = harness.get(AccessTokenCipher);
  });

  beforeEach(() => transactionsSync.mockClear());

  afterAll(() => harness?.close());

  async function windowCalls(key: string): Promise<number[]> {
    const rows = await db.dataSource.query<{ calls: number }[]>(
      `SELECT calls FROM plaid_call_windows WHERE key = $1`,
      [key],
    );
    return rows.map((r) => r.calls);
  }

  it('calls Plaid with the item’s decrypted token, each call counted in the item’s window', async () => {
    const item = await insertItem(db, cipher);

    const plaid = await sut.open(item);
    if (plaid.kind === 'paused') throw new Error('the institution was not paused');
    const page = await plaid.transactionsSync('c1', 500);
    await plaid.transactionsSync(page.next_cursor, 500);

    expect(transactionsSync.mock.calls.map(([req]) => req)).toEqual([
      { access_token: 'access-sandbox-token', cursor: 'c1', count: 500 },
      { access_token: 'access-sandbox-token', cursor: 'after-c1', count: 500 },
    ]);
    expect(await windowCalls(`/transactions/sync:${item.itemId}`)).toEqual([2]);
  });

  it('answers paused, with the seconds left, while the item’s institution is paused', async () => {
    const item = await insertItem(db, cipher, { institutionId: 'ins_door_down' });
    await harness.get(InstitutionsRepository).pause('ins_door_down', 120);

    const plaid = await sut.open(item);

    expect(plaid).toEqual({
      kind: 'paused',
      reason: 'institution-down',
      retryAfterSeconds: expect.any(Number),
    });
    expect(plaid.kind === 'paused' && plaid.retryAfterSeconds).toBeGreaterThan(100);
  });

  it('turns a failed call into a PlaidApiError with Plaid’s safe fields only', async () => {
    const item = await insertItem(db, cipher);
    const plaid = await sut.open(item);
    if (plaid.kind === 'paused') throw new Error('the institution was not paused');

    const thrown = await plaid.itemGet().catch((e: unknown) => e);

    expect(thrown).toBeInstanceOf(PlaidApiError);
    expect(thrown).toMatchObject({
      errorType: 'ITEM_ERROR',
      errorCode: 'ITEM_LOGIN_REQUIRED',
      displayMessage: 'Log in again',
      requestId: 'req-1',
    });
    expect(JSON.stringify(thrown)).not.toContain('never-copied');
  });

  it('says why a token cannot be used, and nothing for one it can decrypt', () => {
    expect(sut.tokenProblem(cipher.encrypt('access-x', 'plaid-1'), 'plaid-1')).toBeNull();
    expect(sut.tokenProblem('x'.repeat(40), 'plaid-1')).toEqual(expect.any(String));
  });
});
