import { CategoryDto, TransactionDto, type TransactionPageDto } from '@app/contracts';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { AccountsRepository } from '../accounts/accounts.repository';
import { insertItem, makeAccount, makeTransaction, syncServiceTest } from '../spec-support';
import { TRANSACTION_FIELDS } from './transaction.projection';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';
import { TransactionPagesRepository } from './transaction-pages.repository';

// What @nestjs/swagger recorded for a DTO: its properties, in order, and each one's declared type.
interface PropertyMeta {
  type?: unknown;
  nullable?: boolean;
  format?: string;
}

function swaggerProperties(dto: abstract new () => unknown): string[] {
  const keys = Reflect.getMetadata('swagger/apiModelPropertiesArray', dto.prototype) as string[];
  return keys.map((k) => k.replace(/^:/, ''));
}

function swaggerProperty(dto: abstract new () => unknown, key: string): PropertyMeta {
  return Reflect.getMetadata('swagger/apiModelProperties', dto.prototype, key) as PropertyMeta;
}

// Checks one JSON value against its swagger declaration; returns what is wrong, or null.
function mismatch(value: unknown, meta: PropertyMeta): string | null {
  if (value === null) return meta.nullable ? null : 'null but not nullable';
  switch (meta.type) {
    case String:
      if (typeof value !== 'string') return `a ${typeof value}, not a string`;
      if (meta.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return `not a date: ${value}`;
      if (meta.format === 'date-time' && new Date(value).toISOString() !== value) return `not ISO: ${value}`;
      if (meta.format === 'uuid' && !/^[0-9a-f-]{36}$/.test(value)) return `not a uuid: ${value}`;
      return null;
    case Number:
      return typeof value === 'number' ? null : `a ${typeof value}, not a number`;
    case Boolean:
      return typeof value === 'boolean' ? null : `a ${typeof value}, not a boolean`;
    case CategoryDto: {
      if (typeof value !== 'object') return `a ${typeof value}, not an object`;
      const keys = Object.keys(value).sort();
      if (keys.join() !== swaggerProperties(CategoryDto).sort().join()) return `keys ${keys.join()}`;
      const fields = Object.entries(value as Record<string, unknown>);
      const wrong = fields
        .map(([k, v]) => mismatch(v, swaggerProperty(CategoryDto, k)))
        .find((m) => m !== null);
      return wrong ?? null;
    }
    default:
      return `no check for the declared type ${String(meta.type)}`;
  }
}

describe('TransactionDto and the SQL projection', () => {
  let db: TestDatabase;
  let harness: ServiceTest<TransactionsService>;
  let sut: TransactionsService;
  let page: TransactionPageDto;

  beforeAll(async () => {
    harness = await syncServiceTest(TransactionsService, {
      real: [TransactionsRepository, TransactionPagesRepository, AccountsRepository],
    });
    db = harness.db;
    sut = harness.sut;
    const item = await insertItem(db, null);
    const account = makeAccount();
    // One transaction with every optional field set, one with every optional field empty.
    const full = makeTransaction(account.account_id, {
      pending_transaction_id: 'tx-pending',
      logo_url: 'https://logo.example/x.png',
    });
    const bare = makeTransaction(account.account_id, {
      iso_currency_code: null,
      authorized_date: null,
      datetime: null,
      merchant_name: null,
      payment_channel: undefined,
      personal_finance_category: null,
      logo_url: null,
    });
    await db.dataSource.transaction(async (em) => {
      await harness.get(AccountsRepository).upsertMany(em, item.itemId, item.userId, [account]);
      await harness.get(TransactionPagesRepository).upsert(em, item.itemId, item.userId, [full, bare]);
      // The user's side of the full one: an edit and a transfer pair.
      await em.query(
        `INSERT INTO transaction_edits (user_id, plaid_transaction_id, item_id, note, display_name)
         VALUES ($1, $2, $3, 'a note', 'A name')`,
        [item.userId, full.transaction_id, item.itemId],
      );
      await em.query(
        `UPDATE transactions SET transfer_pair_id = gen_random_uuid() WHERE plaid_transaction_id = $1`,
        [full.transaction_id],
      );
    });
    page = JSON.parse(await sut.page({ userId: item.userId, itemId: item.itemId })) as TransactionPageDto;
  });

  afterAll(() => harness?.close());

  it('projects exactly the properties TransactionDto declares, in the same order', () => {
    expect(Object.keys(TRANSACTION_FIELDS)).toEqual(swaggerProperties(TransactionDto));
  });

  it('answers each row with exactly the DTO’s keys', () => {
    expect(page.data).toHaveLength(2);
    for (const row of page.data) expect(Object.keys(row)).toEqual(swaggerProperties(TransactionDto));
  });

  it.each(swaggerProperties(TransactionDto))('answers %s with the type the DTO declares', (key) => {
    const meta = swaggerProperty(TransactionDto, key);
    const problems = page.data
      .map((row) => mismatch((row as unknown as Record<string, unknown>)[key], meta))
      .filter((m) => m !== null);

    expect(problems).toEqual([]);
  });

  it('answers null, not an empty object, for a transaction without a category', () => {
    expect(page.data.map((t) => t.category)).toContainEqual(null);
  });

  it('covers the nullable properties with a null value and a non-null value', () => {
    const nullable = swaggerProperties(TransactionDto).filter(
      (k) => swaggerProperty(TransactionDto, k).nullable,
    );
    const values = (k: string) => page.data.map((row) => (row as unknown as Record<string, unknown>)[k]);

    for (const key of nullable) {
      expect({ key, values: values(key) }).toEqual({ key, values: expect.arrayContaining([null]) });
    }
    for (const key of nullable) {
      expect({ key, set: values(key).some((v) => v !== null) }).toEqual({ key, set: true });
    }
  });

  it('notices a drift: a value of another type than the declared one', () => {
    expect(mismatch('12.5', swaggerProperty(TransactionDto, 'amount'))).not.toBeNull();
    expect(mismatch(null, swaggerProperty(TransactionDto, 'name'))).not.toBeNull();
    expect(mismatch({ primary: 'A' }, swaggerProperty(TransactionDto, 'category'))).not.toBeNull();
  });
});
