import { jest } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import { DomainError, ErrorCode, EventPattern } from '@app/contracts';
import { type OutboxRelay } from '@app/messaging';
import { PlaidApiError } from '@app/plaid';
import { type TestDatabase, strictMock } from '@app/testing';
import { type AccountBase, type PlaidApi } from 'plaid';
import {
  createLinkTestDatabase,
  insertItem,
  linkTestingModule,
  outboxRows,
  resetLinkTables,
} from '../spec-support';
import { ExchangesRepository } from './exchanges.repository';
import { LinkModule } from './link.module';
import { LinkService, accountsFingerprint } from './link.service';

const USER = '00000000-0000-4000-8000-00000000000a';
const OTHER_USER = '00000000-0000-4000-8000-00000000000b';
const ACCOUNTS = [
  { type: 'depository', subtype: 'checking', mask: '0000', name: 'Plaid Checking' },
  { type: 'depository', subtype: 'savings', mask: '1111', name: 'Plaid Saving' },
] as AccountBase[];

let exchanges = 0;

// Plaid as the exchange sees it: each exchange makes a new item; the accounts answer is per test.
function fakePlaid() {
  const plaid = {
    itemPublicTokenExchange: jest.fn(async () => {
      exchanges += 1;
      return { data: { access_token: `access-sandbox-${exchanges}`, item_id: `plaid-item-${exchanges}` } };
    }),
    accountsGet: jest.fn(async (): Promise<unknown> => ({
      data: {
        item: { institution_id: 'ins_109508', institution_name: 'First Platypus Bank' },
        accounts: ACCOUNTS,
      },
    })),
    itemRemove: jest.fn(async () => ({ data: { request_id: 'r' } })),
  };
  return plaid;
}

describe(LinkService.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: LinkService;
  let plaid: ReturnType<typeof fakePlaid>;
  let relay: { kick: jest.Mock };

  beforeAll(async () => {
    db = await createLinkTestDatabase();
    plaid = fakePlaid();
    relay = { kick: jest.fn() };
    moduleRef = await linkTestingModule(
      db,
      [LinkModule],
      strictMock<PlaidApi>('PlaidApi', plaid as unknown as Partial<PlaidApi>),
      strictMock<OutboxRelay>('OutboxRelay', relay),
    );
    sut = moduleRef.get(LinkService);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  beforeEach(async () => {
    jest.clearAllMocks();
    jest.restoreAllMocks();
    await resetLinkTables(db);
  });

  async function count(table: 'items' | 'exchanges' | 'outbox'): Promise<number> {
    const rows = await db.dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0].n);
  }

  describe('exchange', () => {
    it('records the item, its exchange and an ItemLinked job, then kicks the relay', async () => {
      const { item } = await sut.exchange(USER, 'public-sandbox-a');

      expect(item).toMatchObject({ institutionId: 'ins_109508', status: 'pending' });
      expect(await count('exchanges')).toBe(1);
      expect(await outboxRows(db)).toEqual([
        {
          pattern: EventPattern.ItemLinked,
          payload: expect.objectContaining({ itemId: item.id, userId: USER }),
        },
      ]);
      expect(relay.kick).toHaveBeenCalledTimes(1);
    });

    it('removes the new item at Plaid and leaves no row when storing it fails', async () => {
      // The exchange row is written after the item row, in its transaction: failing it must roll the item back.
      jest
        .spyOn(moduleRef.get(ExchangesRepository), 'insert')
        .mockRejectedValueOnce(new Error('connection terminated'));

      await expect(sut.exchange(USER, 'public-sandbox-b')).rejects.toThrow('connection terminated');

      // The access token Plaid has just handed out for the new item.
      const access_token = `access-sandbox-${exchanges}`;
      expect(plaid.itemRemove).toHaveBeenCalledWith({ access_token });
      expect(await count('items')).toBe(0);
      expect(await count('exchanges')).toBe(0);
      expect(await count('outbox')).toBe(0);
      expect(relay.kick).not.toHaveBeenCalled();
    });

    it('still answers with the storage failure when removing the item at Plaid fails too', async () => {
      jest.spyOn(moduleRef.get(ExchangesRepository), 'insert').mockRejectedValueOnce(new Error('disk full'));
      plaid.itemRemove.mockRejectedValueOnce(plaidError('INTERNAL_SERVER_ERROR', 'API_ERROR'));

      await expect(sut.exchange(USER, 'public-sandbox-c')).rejects.toThrow('disk full');
      expect(await count('items')).toBe(0);
    });

    it('answers a retried exchange of the same public token with the same item', async () => {
      const first = await sut.exchange(USER, 'public-sandbox-d');
      const again = await sut.exchange(USER, 'public-sandbox-d');

      expect(again.item.id).toBe(first.item.id);
      expect(plaid.itemPublicTokenExchange).toHaveBeenCalledTimes(1);
      expect(await count('outbox')).toBe(1);
    });

    it('exchanges once when the same public token arrives twice at the same time', async () => {
      const [a, b] = await Promise.all([
        sut.exchange(USER, 'public-sandbox-e'),
        sut.exchange(USER, 'public-sandbox-e'),
      ]);

      expect(a.item.id).toBe(b.item.id);
      expect(plaid.itemPublicTokenExchange).toHaveBeenCalledTimes(1);
    });

    it("refuses a public token another user's exchange already used", async () => {
      await sut.exchange(OTHER_USER, 'public-sandbox-f');

      await expect(sut.exchange(USER, 'public-sandbox-f')).rejects.toMatchObject({
        code: ErrorCode.BadRequest,
      });
    });

    it('answers ITEM_ALREADY_LINKED and removes the new item at Plaid when the same accounts are linked', async () => {
      const existing = await insertItem(db, {
        userId: USER,
        institutionId: 'ins_109508',
        accountsFingerprint: accountsFingerprint(ACCOUNTS),
      });

      const failure = await sut.exchange(USER, 'public-sandbox-g').catch((err: unknown) => err);

      expect(failure).toBeInstanceOf(DomainError);
      expect(failure).toMatchObject({
        code: ErrorCode.ItemAlreadyLinked,
        details: [{ field: 'itemId', messages: [existing.id] }],
      });
      expect(plaid.itemRemove).toHaveBeenCalledTimes(1);
      expect(plaid.itemRemove).toHaveBeenCalledWith({ access_token: `access-sandbox-${exchanges}` });
      expect(await count('items')).toBe(1);
      expect(await count('outbox')).toBe(0);
    });

    it('links the same accounts again when the earlier link was revoked', async () => {
      await insertItem(db, {
        userId: USER,
        status: 'revoked',
        institutionId: 'ins_109508',
        accountsFingerprint: accountsFingerprint(ACCOUNTS),
      });

      await sut.exchange(USER, 'public-sandbox-h');

      expect(await count('items')).toBe(2);
      expect(plaid.itemRemove).not.toHaveBeenCalled();
    });

    it('keeps the item as login_required when its accounts need a new login', async () => {
      plaid.accountsGet.mockRejectedValueOnce(plaidError('ITEM_LOGIN_REQUIRED', 'ITEM_ERROR'));

      const { item } = await sut.exchange(USER, 'public-sandbox-i');

      expect(item).toMatchObject({ status: 'login_required', error: { code: 'ITEM_LOGIN_REQUIRED' } });
      expect(plaid.itemRemove).not.toHaveBeenCalled();
    });
  });
});

function plaidError(errorCode: string, errorType: string): PlaidApiError {
  return new PlaidApiError({
    errorType,
    errorCode,
    displayMessage: null,
    requestId: 'req-1',
    httpStatus: 400,
    plaidMessage: errorCode,
  });
}
