import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { EventPattern, type ItemStatusValue } from '@app/contracts';
import { JobError, OutboxRelay } from '@app/messaging';
import { PLAID_ERROR_TABLE, PlaidApiError } from '@app/plaid';
import { type TestDatabase, strictMock } from '@app/testing';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config';
import { InstitutionsRepository } from '../institutions/institutions.repository';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { InstitutionBreaker } from '../plaid-limits/institution-breaker.service';
import { createSyncDatabase, insertItem, specConfig, unitOfWorkProvider } from '../spec-support';
import { PlaidFailurePolicy } from './plaid-failure-policy.service';

const MAX_ATTEMPTS = 6;

type Outcome = 'stop' | 'retry' | 'give-up';
interface Expected {
  outcome: Outcome;
  // The status recorded on the item (ItemErrorRecorded) before the outcome; null: none.
  status: ItemStatusValue | null;
  tripsBreaker: boolean;
}

const each = (codes: string[], expected: Expected): [string, Expected][] => codes.map((c) => [c, expected]);

// What the policy does with each code of libs/plaid's error map (thrown as an INSTITUTION_ERROR, so only the
// codes that mean "the bank is down" may trip the breaker).
const EXPECTED: [string, Expected][] = [
  ...each(
    [
      'ITEM_LOGIN_REQUIRED',
      'INVALID_CREDENTIALS',
      'INVALID_MFA',
      'ITEM_LOCKED',
      'USER_SETUP_REQUIRED',
      'PASSWORD_RESET_REQUIRED',
      'INSUFFICIENT_CREDENTIALS',
      'ACCESS_NOT_GRANTED',
      'ADDITIONAL_CONSENT_REQUIRED',
      'NO_ACCOUNTS',
    ],
    { outcome: 'stop', status: 'login_required', tripsBreaker: false },
  ),
  ...each(['USER_INPUT_TIMEOUT'], { outcome: 'give-up', status: null, tripsBreaker: false }),
  ...each(['USER_PERMISSION_REVOKED'], { outcome: 'stop', status: 'revoked', tripsBreaker: false }),
  ...each(
    [
      'ITEM_NOT_FOUND',
      'ITEM_CONCURRENTLY_DELETED',
      'INVALID_ACCESS_TOKEN',
      'INSTITUTION_NO_LONGER_SUPPORTED',
      'UNSUPPORTED_RESPONSE',
      'PRODUCTS_NOT_SUPPORTED',
      'PRODUCT_NOT_ENABLED',
      'ITEM_NOT_SUPPORTED',
      'MFA_NOT_SUPPORTED',
    ],
    { outcome: 'stop', status: 'error', tripsBreaker: false },
  ),
  ...each(
    ['INSTITUTION_DOWN', 'INSTITUTION_NOT_RESPONDING', 'INSTITUTION_NOT_AVAILABLE', 'PLANNED_MAINTENANCE'],
    {
      outcome: 'retry',
      status: null,
      tripsBreaker: true,
    },
  ),
  ...each(
    [
      'PRODUCT_NOT_READY',
      'INTERNAL_SERVER_ERROR',
      'plaid-internal-error',
      'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
      'RATE_LIMIT_EXCEEDED',
      'RATE_LIMIT',
      'TRANSACTIONS_SYNC_LIMIT',
      'TRANSACTIONS_LIMIT',
      'TRANSACTIONS_REFRESH_LIMIT',
      'ACCOUNTS_LIMIT',
      'BALANCE_LIMIT',
      'ACCOUNTS_BALANCE_GET_LIMIT',
      'ITEM_GET_LIMIT',
      'INSTITUTIONS_GET_BY_ID_LIMIT',
      'INSTITUTIONS_GET_LIMIT',
      'AUTH_LIMIT',
      'IDENTITY_LIMIT',
      'INVESTMENT_HOLDINGS_GET_LIMIT',
      'INVESTMENT_TRANSACTIONS_LIMIT',
      'INSTITUTION_RATE_LIMIT',
      'NETWORK_ERROR',
      'TIMEOUT',
    ],
    { outcome: 'retry', status: null, tripsBreaker: false },
  ),
  ...each(
    [
      'CREDITS_EXHAUSTED',
      'INVALID_PUBLIC_TOKEN',
      'INVALID_LINK_TOKEN',
      'INVALID_WEBHOOK_VERIFICATION_KEY_ID',
      'INVALID_API_KEYS',
      'UNAUTHORIZED_ENVIRONMENT',
      'UNAUTHORIZED_ROUTE_ACCESS',
      'INVALID_PRODUCT',
      'INVALID_FIELD',
      'MISSING_FIELDS',
      'UNKNOWN_FIELDS',
      'INVALID_BODY',
      'INVALID_HEADERS',
      'INVALID_CONFIGURATION',
      'SANDBOX_ONLY',
      'SANDBOX_PRODUCT_NOT_ENABLED',
      'NOT_FOUND',
      'NO_LONGER_AVAILABLE',
      'INSTITUTION_REGISTRATION_REQUIRED',
    ],
    { outcome: 'give-up', status: null, tripsBreaker: false },
  ),
];

function plaidError(errorCode: string, errorType = 'INSTITUTION_ERROR'): PlaidApiError {
  return new PlaidApiError({
    errorType,
    errorCode,
    displayMessage: null,
    requestId: 'req-1',
    httpStatus: 400,
    plaidMessage: 'for logs only',
  });
}

describe(PlaidFailurePolicy.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: PlaidFailurePolicy;
  let institutions: InstitutionsRepository;

  beforeAll(async () => {
    db = await createSyncDatabase();
    moduleRef = await Test.createTestingModule({
      providers: [
        PlaidFailurePolicy,
        SyncItemsRepository,
        InstitutionBreaker,
        InstitutionsRepository,
        { provide: APP_CONFIG, useValue: specConfig(db.url, { EVENT_MAX_ATTEMPTS: MAX_ATTEMPTS }) },
        { provide: DataSource, useValue: db.dataSource },
        {
          provide: OutboxRelay,
          useValue: strictMock<OutboxRelay>('OutboxRelay', { kick: () => undefined }),
        },
        unitOfWorkProvider,
      ],
    }).compile();
    sut = moduleRef.get(PlaidFailurePolicy);
    institutions = moduleRef.get(InstitutionsRepository);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  const newItem = (): Promise<SyncItem> => insertItem(db, null, { institutionId: `ins_${randomUUID()}` });

  // What the policy did: the JobError it threw (or null when it ended the job), the statuses it recorded on
  // the item, the item's last_sync_error and whether the item's institution is paused.
  async function apply(item: SyncItem, err: unknown, attempt: number) {
    const thrown = await sut.handle(item, err, attempt).then(
      () => null,
      (e: unknown) => e,
    );
    const events = await db.dataSource.query<{ status: string }[]>(
      `SELECT payload->'error'->>'status' AS status FROM outbox
        WHERE pattern = $1 AND payload->>'itemId' = $2 ORDER BY id`,
      [EventPattern.ItemErrorRecorded, item.itemId],
    );
    const [row] = await db.dataSource.query<{ last_sync_error: string | null }[]>(
      `SELECT last_sync_error FROM items WHERE item_id = $1`,
      [item.itemId],
    );
    const paused = (await institutions.pausedForSeconds(item.institutionId ?? '')) > 0;
    return { thrown, statuses: events.map((e) => e.status), lastSyncError: row.last_sync_error, paused };
  }

  it('has an expectation for every code of the Plaid error map', () => {
    expect(EXPECTED.map(([code]) => code).sort()).toEqual(Object.keys(PLAID_ERROR_TABLE).sort());
  });

  describe.each(EXPECTED)('%s', (code, expected) => {
    it(`does "${expected.outcome}"${expected.status ? ` and records ${expected.status}` : ''}${expected.tripsBreaker ? ' and pauses the institution' : ''} on a first attempt`, async () => {
      const item = await newItem();

      const result = await apply(item, plaidError(code), 1);

      if (expected.outcome === 'stop') {
        expect(result.thrown).toBeNull();
      } else {
        expect(result.thrown).toBeInstanceOf(JobError);
        expect(result.thrown).toMatchObject({ retryable: expected.outcome === 'retry', reason: code });
      }
      expect(result.statuses).toEqual(expected.status ? [expected.status] : []);
      expect(result.lastSyncError).toBe(expected.status ? code : null);
      expect(result.paused).toBe(expected.tripsBreaker);
    });

    if (expected.outcome === 'retry') {
      it('records an error on the item and dead-letters the message when the attempts are used up', async () => {
        const item = await newItem();

        const result = await apply(item, plaidError(code), MAX_ATTEMPTS);

        expect(result.thrown).toBeInstanceOf(JobError);
        expect(result.thrown).toMatchObject({ retryable: false, reason: code });
        expect((result.thrown as Error).message).toContain(`after ${MAX_ATTEMPTS} attempts`);
        expect(result.statuses).toEqual(['error']);
        expect(result.lastSyncError).toBe(code);
      });
    }
  });

  it.each([
    ['RATE_LIMIT_EXCEEDED', { outcome: 'retry', status: null }],
    ['INSTITUTION_ERROR', { outcome: 'retry', status: null }],
    ['API_ERROR', { outcome: 'retry', status: null }],
    ['ITEM_ERROR', { outcome: 'stop', status: 'error' }],
    ['INVALID_REQUEST', { outcome: 'give-up', status: null }],
  ] as const)('treats an unmapped code of type %s like its family', async (errorType, expected) => {
    const item = await newItem();

    const result = await apply(item, plaidError('SOMETHING_NEW', errorType), 1);

    if (expected.outcome === 'stop') expect(result.thrown).toBeNull();
    else expect(result.thrown).toMatchObject({ retryable: expected.outcome === 'retry' });
    expect(result.statuses).toEqual(expected.status ? [expected.status] : []);
    expect(result.paused).toBe(errorType === 'INSTITUTION_ERROR');
  });

  it('does not trip the breaker when an institution code comes without the INSTITUTION_ERROR type', async () => {
    const item = await newItem();

    const result = await apply(item, plaidError('INSTITUTION_DOWN', 'API_ERROR'), 1);

    expect(result.paused).toBe(false);
  });

  it('passes an error that is not Plaid’s through unchanged', async () => {
    const item = await newItem();
    const err = new Error('connection reset');

    await expect(sut.handle(item, err, 1)).rejects.toBe(err);
  });

  it('uses Plaid’s display_message as the recorded message when there is one', async () => {
    const item = await newItem();
    const err = new PlaidApiError({
      ...plaidError('ITEM_LOGIN_REQUIRED').toJSON(),
      displayMessage: 'Log in again',
    });

    await sut.handle(item, err, 1);

    const [event] = await db.dataSource.query<{ message: string }[]>(
      `SELECT payload->'error'->>'message' AS message FROM outbox WHERE payload->>'itemId' = $1`,
      [item.itemId],
    );
    expect(event.message).toBe('Log in again');
  });

  it('defers the job, without counting an attempt, for as long as the door to Plaid says it is paused', async () => {
    const item = await newItem();

    const deferral = sut.deferral(item, {
      kind: 'paused',
      reason: 'institution-down',
      retryAfterSeconds: 30,
    });

    expect(deferral).toBeInstanceOf(JobError);
    expect(deferral).toMatchObject({ retryable: true, reason: 'INSTITUTION_PAUSED', deferMs: 30_000 });
  });
});
