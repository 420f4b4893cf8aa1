import { createHash } from 'node:crypto';
import { jest } from '@jest/globals';
import { DomainError, ErrorCode, EventPattern } from '@app/contracts';
import { type OutboxRelay } from '@app/messaging';
import { PlaidApiError } from '@app/plaid';
import { type ServiceTest, type TestDatabase, strictMock } from '@app/testing';
import { type Pool } from 'pg';
import { type AccountBase, type PlaidApi } from 'plaid';
import { type PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { feedEvents, insertItem, linkServiceTest, outboxRows, resetLinkTables, until } from '../spec-support';
import { APP_CONFIG, type LinkConfig } from '../config';
import { ItemsService } from '../items/items.service';
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

// Holds every public-token exchange at Plaid until released, as a slow Plaid would.
class PlaidGate {
  private open: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));

  release(): void {
    this.open();
  }
}

// Plaid as the exchange sees it: each exchange makes a new item; the accounts answer is per test.
function fakePlaid() {
  const plaid = {
    gate: null as PlaidGate | null,
    itemPublicTokenExchange: jest.fn(async (req: { public_token: string }) => {
      if (plaid.gate) await plaid.gate.opened;
      if (req.public_token.startsWith('public-junk'))
        throw plaidError('INVALID_PUBLIC_TOKEN', 'INVALID_INPUT');
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
    linkTokenCreate: jest.fn(async () => ({
      data: { link_token: 'link-sandbox-1', expiration: '2030-01-01T00:00:00Z' },
    })),
  };
  return plaid;
}

describe(LinkService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<LinkService>;
  let sut: LinkService;
  let plaid: ReturnType<typeof fakePlaid>;
  let relay: { kick: jest.Mock };

  beforeAll(async () => {
    plaid = fakePlaid();
    relay = { kick: jest.fn() };
    harness = await linkServiceTest(
      LinkService,
      [LinkModule],
      strictMock<PlaidApi>('PlaidApi', plaid as unknown as Partial<PlaidApi>),
      strictMock<OutboxRelay>('OutboxRelay', relay),
    );
    ({ db, sut } = harness);
  });

  afterAll(() => harness?.close());

  beforeEach(async () => {
    jest.clearAllMocks();
    jest.restoreAllMocks();
    plaid.gate = null;
    await resetLinkTables(db);
  });

  function pool(): Pool {
    return (db.dataSource.driver as PostgresDriver).master as Pool;
  }

  function userNo(n: number): string {
    return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  }

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

    it("appends the new item, as GET answers it, to the owner's feed in the same transaction", async () => {
      const { item } = await sut.exchange(USER, 'public-sandbox-feed');

      expect(await feedEvents(db)).toEqual([{ userId: USER, id: 1, event: 'item.updated', data: { item } }]);
      expect(item).toEqual(await harness.get(ItemsService).get(USER, item.id));
    });

    it('removes the new item at Plaid and leaves no row when storing it fails', async () => {
      // The exchange row is written after the item row, in its transaction: failing it must roll the item back.
      jest
        .spyOn(harness.get(ExchangesRepository), 'complete')
        .mockRejectedValueOnce(new Error('connection terminated'));

      await expect(sut.exchange(USER, 'public-sandbox-b')).rejects.toThrow('connection terminated');

      // The access token Plaid has just handed out for the new item.
      const access_token = `access-sandbox-${exchanges}`;
      expect(plaid.itemRemove).toHaveBeenCalledWith({ access_token });
      expect(await count('items')).toBe(0);
      expect(await count('exchanges')).toBe(0);
      expect(await count('outbox')).toBe(0);
      expect(await feedEvents(db)).toEqual([]);
      expect(relay.kick).not.toHaveBeenCalled();
    });

    it('still answers with the storage failure when removing the item at Plaid fails too', async () => {
      jest.spyOn(harness.get(ExchangesRepository), 'complete').mockRejectedValueOnce(new Error('disk full'));
      plaid.itemRemove.mockRejectedValueOnce(plaidError('INTERNAL_SERVER_ERROR', 'API_ERROR'));

      await expect(sut.exchange(USER, 'public-sandbox-c')).rejects.toThrow('disk full');
      expect(await count('items')).toBe(0);
    });

    it('answers a retried exchange of the same public token with the same item', async () => {
      const first = await sut.exchange(USER, 'public-sandbox-d');
      const again = await sut.exchange(USER, 'public-sandbox-d');

      expect(again.item.id).toBe(first.item.id);
      expect(plaid.itemPublicTokenExchange).toHaveBeenCalledTimes(1);
      expect(await outboxRows(db)).toHaveLength(1);
      expect(await feedEvents(db)).toHaveLength(1);
    });

    it('exchanges once when the same public token arrives twice at the same time', async () => {
      const [a, b] = await Promise.all([
        sut.exchange(USER, 'public-sandbox-e'),
        sut.exchange(USER, 'public-sandbox-e'),
      ]);

      expect(a.item.id).toBe(b.item.id);
      expect(plaid.itemPublicTokenExchange).toHaveBeenCalledTimes(1);
    });

    it('holds no database connection while Plaid answers, so 12 exchanges on a pool of 5 leave queries answering', async () => {
      plaid.gate = new PlaidGate();
      const users = Array.from({ length: 12 }, (_, i) => userNo(100 + i));

      const running = Promise.all(users.map((u, i) => sut.exchange(u, `public-sandbox-pool-${i}`)));
      try {
        await until(
          () => plaid.itemPublicTokenExchange.mock.calls.length === 12,
          'all 12 exchanges at Plaid',
        );

        expect(pool().totalCount - pool().idleCount).toBe(0);
        await expect(db.dataSource.query('SELECT 1 AS ok')).resolves.toEqual([{ ok: 1 }]);
      } finally {
        plaid.gate.release();
      }
      const results = await running;
      expect(new Set(results.map((r) => r.item.id)).size).toBe(12);
    });

    it('answers a retry that arrives while the first attempt waits on Plaid with the same item', async () => {
      plaid.gate = new PlaidGate();
      const first = sut.exchange(USER, 'public-sandbox-slow');
      await until(() => plaid.itemPublicTokenExchange.mock.calls.length === 1, 'the first attempt at Plaid');

      const retry = sut.exchange(USER, 'public-sandbox-slow');
      plaid.gate.release();

      const [a, b] = await Promise.all([first, retry]);
      expect(b.item.id).toBe(a.item.id);
      expect(plaid.itemPublicTokenExchange).toHaveBeenCalledTimes(1);
    });

    it('answers a retryable ServiceUnavailable when the attempt holding the token outlasts its Plaid calls', async () => {
      const config = harness.get<LinkConfig>(APP_CONFIG);
      const timeoutMs = config.PLAID_TIMEOUT_MS;
      plaid.gate = new PlaidGate();
      const first = sut.exchange(USER, 'public-sandbox-stuck');
      try {
        await until(
          () => plaid.itemPublicTokenExchange.mock.calls.length === 1,
          'the first attempt at Plaid',
        );
        config.PLAID_TIMEOUT_MS = 100;

        await expect(sut.exchange(USER, 'public-sandbox-stuck')).rejects.toMatchObject({
          code: ErrorCode.ServiceUnavailable,
          retryAfterSeconds: 2,
        });
      } finally {
        config.PLAID_TIMEOUT_MS = timeoutMs;
        plaid.gate.release();
      }
      await expect(first).resolves.toMatchObject({ item: { status: 'pending' } });
    });

    it('gives the token back when Plaid refuses it, so a retry asks Plaid again', async () => {
      await expect(sut.exchange(USER, 'public-junk-1')).rejects.toMatchObject({ code: ErrorCode.Plaid });
      await expect(sut.exchange(USER, 'public-junk-1')).rejects.toMatchObject({ code: ErrorCode.Plaid });

      expect(plaid.itemPublicTokenExchange).toHaveBeenCalledTimes(2);
      expect(await count('exchanges')).toBe(0);
    });

    it('takes over a claim whose attempt died long ago', async () => {
      const hash = createHash('sha256').update('public-sandbox-stale').digest();
      await db.dataSource.query(
        `INSERT INTO exchanges (public_token_sha256, user_id, claim_id, claimed_at)
         VALUES ($1, $2, gen_random_uuid(), now() - interval '1 hour')`,
        [hash, USER],
      );

      const { item } = await sut.exchange(USER, 'public-sandbox-stale');

      expect(item.status).toBe('pending');
      expect(await count('exchanges')).toBe(1);
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

  describe('rate limits', () => {
    it('answers RateLimited with retryAfterSeconds past the per-user exchange limit, before calling Plaid', async () => {
      // The default limit is 20 per 60 s window.
      for (let i = 0; i < 20; i += 1) {
        await sut.exchange(USER, `public-junk-${i}`).catch(() => undefined);
      }

      const refused = await sut.exchange(USER, 'public-sandbox-limit').catch((err: unknown) => err);

      expect(refused).toBeInstanceOf(DomainError);
      expect(refused).toMatchObject({ code: ErrorCode.RateLimited });
      const { retryAfterSeconds } = refused as DomainError;
      expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(plaid.itemPublicTokenExchange).toHaveBeenCalledTimes(20);
    });

    it("keeps counting each user apart: one user's flood leaves another's exchange alone", async () => {
      for (let i = 0; i < 21; i += 1) {
        await sut.exchange(USER, `public-junk-${i}`).catch(() => undefined);
      }

      await expect(sut.exchange(OTHER_USER, 'public-sandbox-other')).resolves.toMatchObject({
        item: { status: 'pending' },
      });
    });

    it('answers RateLimited past the per-user link-token limit', async () => {
      for (let i = 0; i < 20; i += 1) await sut.createLinkToken(USER);

      await expect(sut.createLinkToken(USER)).rejects.toMatchObject({ code: ErrorCode.RateLimited });
      expect(plaid.linkTokenCreate).toHaveBeenCalledTimes(20);
    });

    it('opens update mode with account selection for an item of the user, and refuses it without an item', async () => {
      const { item } = await sut.exchange(USER, 'public-sandbox-selection');

      await sut.createLinkToken(USER, item.id, true);

      expect(plaid.linkTokenCreate).toHaveBeenCalledWith(
        expect.objectContaining({
          access_token: expect.any(String),
          update: { account_selection_enabled: true },
        }),
      );
      expect((plaid.linkTokenCreate.mock.calls as unknown[][])[0][0]).not.toHaveProperty('webhook');
      await expect(sut.createLinkToken(USER, undefined, true)).rejects.toMatchObject({
        code: ErrorCode.BadRequest,
      });
      expect(plaid.linkTokenCreate).toHaveBeenCalledTimes(1);
    });

    it('counts again from the start in the next window', async () => {
      const now = Date.now();
      const spy = jest.spyOn(Date, 'now').mockReturnValue(now);
      for (let i = 0; i < 20; i += 1) await sut.createLinkToken(USER);
      await expect(sut.createLinkToken(USER)).rejects.toMatchObject({ code: ErrorCode.RateLimited });

      spy.mockReturnValue(now + 60_000);

      await expect(sut.createLinkToken(USER)).resolves.toMatchObject({ linkToken: 'link-sandbox-1' });
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
