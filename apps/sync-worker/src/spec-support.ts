// Shared by the sync worker's service specs (never imported by app code): the config, a test database with
// the worker's real migrations, `syncServiceTest`, and small factories for rows and Plaid payloads.
import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { OutboxRelay, UnitOfWork } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError, generateEncryptionKey } from '@app/plaid';
import { AxiosHeaders, type AxiosResponse } from 'axios';
import { type Fake, type ServiceTest, TestDatabase, fake, newServiceTest, strictMock } from '@app/testing';
import { type AccountBase, PlaidApi, type Transaction, type TransactionsSyncResponse } from 'plaid';
import { DataSource } from 'typeorm';
import { APP_CONFIG, SyncConfig } from './config';
import { SCHEMA, dataSourceOptions } from './database/database';
import { InstitutionsRepository } from './institutions/institutions.repository';
import { type SyncItem } from './items/sync-items.repository';
import { InstitutionBreaker } from './plaid-limits/institution-breaker.service';
import { PlaidCallWindowsRepository } from './plaid-limits/plaid-call-windows.repository';
import { PlaidRateLimiter } from './plaid-limits/plaid-rate-limiter.service';
import { type ItemPlaidClient, ItemPlaidClients } from './plaid/item-plaid.client';

export function specConfig(url: string, overrides: Partial<SyncConfig> = {}): SyncConfig {
  return Object.assign(new SyncConfig(), {
    DATABASE_URL: url,
    RUN_MIGRATIONS: true,
    DB_POOL_SIZE: 5,
    QUEUE_PREFIX: 'spec',
    TOKEN_ENCRYPTION_KEYS: `k1:${generateEncryptionKey()}`,
    PLAID_SYNC_CALLS_PER_MINUTE: 0,
    ...overrides,
  });
}

export function createSyncDatabase(): Promise<TestDatabase> {
  return TestDatabase.create(SCHEMA, (url) => dataSourceOptions(specConfig(url)));
}

// One line per spec file: `Service` and the collaborators it uses for real (`real`: repositories, writers) on a
// fresh database, with the config (`config` overrides specConfig), the token cipher, and strict fakes for Plaid and
// the broker: the outbox relay's kick() does nothing by default (the outbox rows themselves are real).
export function syncServiceTest<S>(
  Service: Type<S>,
  options: { real?: Provider[]; config?: Partial<SyncConfig>; fakes?: Fake[] } = {},
): Promise<ServiceTest<S>> {
  const fakes = options.fakes ?? [];
  return newServiceTest(Service, {
    database: createSyncDatabase,
    real: options.real,
    values: (db) => {
      const config = specConfig(db.url, options.config);
      return [
        { provide: APP_CONFIG, useValue: config },
        { provide: AccessTokenCipher, useValue: new AccessTokenCipher(config.TOKEN_ENCRYPTION_KEYS) },
        unitOfWorkProvider,
      ];
    },
    fakes: fakes.some((f) => f.token === OutboxRelay)
      ? fakes
      : [fake(OutboxRelay, { kick: () => undefined }), ...fakes],
  });
}

// Inserts an item row (and its owner) as "item linked" would; returns it as the repository reads it.
export async function insertItem(
  db: TestDatabase,
  cipher: AccessTokenCipher | null,
  overrides: Partial<SyncItem> & { lastSyncError?: string; createdAt?: Date } = {},
): Promise<SyncItem> {
  const plaidItemId = overrides.plaidItemId ?? `plaid-${randomUUID()}`;
  const item: SyncItem = {
    itemId: randomUUID(),
    userId: randomUUID(),
    plaidItemId,
    institutionId: 'ins_1',
    accessTokenEnc: cipher ? cipher.encrypt('access-sandbox-token', plaidItemId) : 'not-a-real-token',
    cursor: null,
    lastSyncedAt: null,
    // Reconciled just now: a sync in a spec asks /item/get and /accounts/get only when the spec says so.
    accountsReconciledAt: new Date(),
    accountSelectionAt: null,
    ...overrides,
  };
  await db.dataSource.query(
    `WITH owner AS (INSERT INTO item_owners (item_id, user_id) VALUES ($1, $2))
     INSERT INTO items (item_id, user_id, plaid_item_id, access_token_enc, institution_id, cursor, last_synced_at,
                        last_sync_error, created_at, accounts_reconciled_at, account_selection_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now()), $10, $11)`,
    [
      item.itemId,
      item.userId,
      item.plaidItemId,
      item.accessTokenEnc,
      item.institutionId,
      item.cursor,
      item.lastSyncedAt,
      overrides.lastSyncError ?? null,
      overrides.createdAt ?? null,
      item.accountsReconciledAt,
      item.accountSelectionAt,
    ],
  );
  return item;
}

export function makeAccount(overrides: Partial<AccountBase> = {}): AccountBase {
  return {
    account_id: `acc-${randomUUID()}`,
    name: 'Plaid Checking',
    official_name: null,
    mask: '0000',
    type: 'depository',
    subtype: 'checking',
    balances: { available: 100, current: 110, limit: null, iso_currency_code: 'USD' },
    ...overrides,
  } as AccountBase;
}

export function makeTransaction(accountId: string, overrides: Partial<Transaction> = {}): Transaction {
  return {
    transaction_id: `tx-${randomUUID()}`,
    account_id: accountId,
    amount: 12.5,
    iso_currency_code: 'USD',
    unofficial_currency_code: null,
    date: '2026-11-01',
    authorized_date: '2026-10-31',
    datetime: '2026-11-01T10:15:00Z',
    authorized_datetime: null,
    name: 'Coffee',
    merchant_name: 'Blue Bottle',
    pending: false,
    pending_transaction_id: null,
    payment_channel: 'in store',
    personal_finance_category: { primary: 'FOOD_AND_DRINK', detailed: 'FOOD_AND_DRINK_COFFEE' },
    logo_url: null,
    ...overrides,
  } as Transaction;
}

export function makeSyncPage(overrides: Partial<TransactionsSyncResponse> = {}): TransactionsSyncResponse {
  return {
    accounts: [],
    added: [],
    modified: [],
    removed: [],
    next_cursor: `cursor-${randomUUID()}`,
    has_more: false,
    request_id: 'req',
    transactions_update_status: 'HISTORICAL_UPDATE_COMPLETE',
    ...overrides,
  } as TransactionsSyncResponse;
}

// The events the worker committed to its outbox, oldest first.
export async function outboxEvents(db: TestDatabase, pattern: string): Promise<unknown[]> {
  const rows = await db.dataSource.query<{ payload: unknown }[]>(
    `SELECT payload FROM outbox WHERE pattern = $1 ORDER BY id`,
    [pattern],
  );
  return rows.map((r) => r.payload);
}

// What the Plaid SDK resolves with: an axios response around Plaid's JSON.
export function plaidOk<T>(data: T): AxiosResponse<T> {
  return { data, status: 200, statusText: 'OK', headers: {}, config: { headers: new AxiosHeaders() } };
}

// The door to Plaid with its real limiter and breaker (on the spec's database); PlaidApi, the cipher, APP_CONFIG and
// DataSource come from the spec.
export const plaidDoorLimits = [
  PlaidRateLimiter,
  PlaidCallWindowsRepository,
  InstitutionBreaker,
  InstitutionsRepository,
];
export const plaidDoorProviders = [ItemPlaidClients, ...plaidDoorLimits];

// The item's client from the door; a spec that gets a pause instead did not mean to.
export async function openPlaid(clients: ItemPlaidClients, item: SyncItem): Promise<ItemPlaidClient> {
  const plaid = await clients.open(item);
  if (plaid.kind === 'paused') throw new Error(`institution ${item.institutionId} is paused in this spec`);
  return plaid;
}

// The real unit of work on the spec's DataSource, kicking whatever relay the spec provides.
export const unitOfWorkProvider: Provider = {
  provide: UnitOfWork,
  useFactory: (db: DataSource, relay: OutboxRelay, config: SyncConfig) =>
    new UnitOfWork(db, relay, config.QUEUE_PREFIX),
  inject: [DataSource, OutboxRelay, APP_CONFIG],
};

@Module({})
class FakeCoreModule {}

// CoreModule for a spec that wires real feature modules: the spec's config, database and cipher, a strict fake
// of Plaid's client with the calls the spec answers, and a relay whose kick does nothing (the outbox rows are
// what the specs read).
export function fakeCoreModule(
  config: SyncConfig,
  db: TestDatabase,
  cipher: AccessTokenCipher,
  plaid: Partial<PlaidApi>,
): DynamicModule {
  return {
    module: FakeCoreModule,
    global: true,
    providers: [
      { provide: APP_CONFIG, useValue: config },
      { provide: DataSource, useValue: db.dataSource },
      { provide: AccessTokenCipher, useValue: cipher },
      { provide: PlaidApi, useValue: strictMock<PlaidApi>('PlaidApi', plaid) },
      { provide: OutboxRelay, useValue: strictMock<OutboxRelay>('OutboxRelay', { kick: () => undefined }) },
      unitOfWorkProvider,
    ],
    exports: [APP_CONFIG, DataSource, AccessTokenCipher, PlaidApi, OutboxRelay, UnitOfWork],
  };
}

// Plaid's answers for an item with one account and one new transaction per sync (jest fns a spec can override).
export function plaidItemFakes(account: AccountBase) {
  return {
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
}

// An "item linked" event for a new item whose token the spec's cipher encrypted.
export function linkedEvent(cipher: AccessTokenCipher, plaidItemId = `plaid-${randomUUID()}`) {
  return {
    itemId: randomUUID(),
    userId: randomUUID(),
    plaidItemId,
    encryptedAccessToken: cipher.encrypt('access-sandbox-x', plaidItemId),
  };
}

export function plaidError(errorCode: string, errorType = 'ITEM_ERROR'): PlaidApiError {
  return new PlaidApiError({
    errorType,
    errorCode,
    displayMessage: null,
    requestId: null,
    httpStatus: 400,
    plaidMessage: 'for logs only',
  });
}
