import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { ErrorCode } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError } from '@app/plaid';
import { type TestDatabase, strictMock } from '@app/testing';
import {
  PlaidApi,
  RecurringTransactionFrequency,
  type TransactionStream,
  TransactionStreamStatus,
  type TransactionsRecurringGetResponse,
} from 'plaid';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { ItemPlaidClients } from '../plaid/item-plaid.client';
import { APP_CONFIG } from '../config';
import { type SyncItem } from '../items/sync-items.repository';
import {
  createSyncDatabase,
  openPlaid,
  plaidDoorProviders,
  insertItem,
  makeAccount,
  plaidOk,
  specConfig,
  unitOfWorkProvider,
} from '../spec-support';
import { RecurringRepository } from './recurring.repository';
import { RecurringService } from './recurring.service';

function stream(accountId: string, overrides: Partial<TransactionStream> = {}): TransactionStream {
  return {
    account_id: accountId,
    stream_id: `stream-${Math.random().toString(36).slice(2)}`,
    category: null,
    category_id: null,
    description: 'ACME PROPERTIES RENT',
    merchant_name: 'Acme Properties',
    first_date: '2026-08-01',
    last_date: '2026-11-01',
    predicted_next_date: '2026-12-01',
    frequency: RecurringTransactionFrequency.Monthly,
    transaction_ids: ['t1', 't2'],
    average_amount: { amount: 1850, iso_currency_code: 'USD', unofficial_currency_code: null },
    last_amount: { amount: 1850, iso_currency_code: 'USD', unofficial_currency_code: null },
    is_active: true,
    status: TransactionStreamStatus.Mature,
    personal_finance_category: { primary: 'RENT_AND_UTILITIES', detailed: 'RENT_AND_UTILITIES_RENT' },
    is_user_modified: false,
    ...overrides,
  };
}

function unavailable(code: string): PlaidApiError {
  return new PlaidApiError({
    errorType: 'ITEM_ERROR',
    errorCode: code,
    displayMessage: null,
    requestId: null,
    httpStatus: 400,
    plaidMessage: 'for logs only',
  });
}

describe(RecurringService.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: RecurringService;
  let cipher: AccessTokenCipher;
  let answer: () => Promise<unknown>;
  const transactionsRecurringGet = jest.fn(() => answer());

  beforeAll(async () => {
    db = await createSyncDatabase();
    const config = specConfig(db.url);
    cipher = new AccessTokenCipher(config.TOKEN_ENCRYPTION_KEYS);
    moduleRef = await Test.createTestingModule({
      providers: [
        RecurringService,
        RecurringRepository,
        AccountsRepository,
        ...plaidDoorProviders,
        { provide: APP_CONFIG, useValue: config },
        { provide: DataSource, useValue: db.dataSource },
        { provide: OutboxRelay, useValue: strictMock<OutboxRelay>('OutboxRelay', { kick: () => undefined }) },
        unitOfWorkProvider,
        { provide: AccessTokenCipher, useValue: cipher },
        {
          provide: PlaidApi,
          useValue: strictMock<PlaidApi>('PlaidApi', {
            transactionsRecurringGet,
          } as unknown as Partial<PlaidApi>),
        },
      ],
    }).compile();
    sut = moduleRef.get(RecurringService);
  });

  const plaid = (item: SyncItem) => openPlaid(moduleRef.get(ItemPlaidClients), item);

  beforeEach(() => transactionsRecurringGet.mockClear());

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  const linked = async (): Promise<{ item: SyncItem; plaidAccountId: string; accountId: string }> => {
    const item = await insertItem(db, cipher);
    const account = makeAccount();
    await db.dataSource.transaction((em) =>
      moduleRef.get(AccountsRepository).upsertMany(em, item.itemId, item.userId, [account]),
    );
    const [{ id }] = await db.dataSource.query<{ id: string }[]>(
      `SELECT id FROM accounts WHERE plaid_account_id = $1`,
      [account.account_id],
    );
    return { item, plaidAccountId: account.account_id, accountId: id };
  };

  it('stores the streams of the item and replaces them whole on the next fetch', async () => {
    const { item, plaidAccountId, accountId } = await linked();
    const rent = stream(plaidAccountId);
    const salary = stream(plaidAccountId, {
      merchant_name: 'Acme Corp',
      average_amount: { amount: -2450, iso_currency_code: 'USD' },
      last_amount: { amount: -2450, iso_currency_code: 'USD' },
      frequency: RecurringTransactionFrequency.Biweekly,
    });
    const reply = (inflow: TransactionStream[], outflow: TransactionStream[]) => () =>
      Promise.resolve(
        plaidOk<TransactionsRecurringGetResponse>({
          inflow_streams: inflow,
          outflow_streams: outflow,
          updated_datetime: '2026-11-01T00:00:00Z',
          request_id: 'r',
        }),
      );

    answer = reply([salary], [rent]);
    await sut.refresh(await plaid(item), 'sync');
    const first = await sut.list({ userId: item.userId });
    answer = reply([], [rent]);
    await sut.refresh(await plaid(item), 'webhook');
    const second = await sut.list({ userId: item.userId, accountId });

    expect(first.inflows).toEqual([
      expect.objectContaining({
        id: salary.stream_id,
        accountId,
        averageAmount: -2450,
        frequency: 'BIWEEKLY',
      }),
    ]);
    expect(first.outflows).toEqual([
      expect.objectContaining({
        id: rent.stream_id,
        itemId: item.itemId,
        merchantName: 'Acme Properties',
        status: 'MATURE',
        isActive: true,
        predictedNextDate: '2026-12-01',
        category: { primary: 'RENT_AND_UTILITIES', detailed: 'RENT_AND_UTILITIES_RENT' },
        transactionIds: [],
      }),
    ]);
    expect(second).toEqual({ inflows: [], outflows: [expect.objectContaining({ id: rent.stream_id })] });
  });

  it('records PRODUCT_NOT_ENABLED once and does not ask again after a sync, but does on the webhook', async () => {
    const { item } = await linked();
    answer = () => Promise.reject(unavailable('PRODUCT_NOT_ENABLED'));

    await sut.refresh(await plaid(item), 'sync');
    await sut.refresh(await plaid(item), 'sync');
    const afterSyncs = transactionsRecurringGet.mock.calls.length;
    await sut.refresh(await plaid(item), 'webhook');

    const [row] = await db.dataSource.query<{ recurring_status: string }[]>(
      `SELECT recurring_status FROM items WHERE item_id = $1`,
      [item.itemId],
    );
    expect(afterSyncs).toBe(1);
    expect(transactionsRecurringGet).toHaveBeenCalledTimes(2);
    expect(row.recurring_status).toBe('PRODUCT_NOT_ENABLED');
  });

  it('never throws when Plaid fails, and asks again next time', async () => {
    const { item } = await linked();
    answer = () => Promise.reject(unavailable('INTERNAL_SERVER_ERROR'));

    await expect(sut.refresh(await plaid(item), 'sync')).resolves.toBeUndefined();
    await sut.refresh(await plaid(item), 'sync');

    expect(transactionsRecurringGet).toHaveBeenCalledTimes(2);
  });

  it("answers 404 for another user's item or account filter", async () => {
    const { item, accountId } = await linked();
    const { item: other } = await linked();

    await expect(sut.list({ userId: other.userId, itemId: item.itemId })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    await expect(sut.list({ userId: other.userId, accountId })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });
});
