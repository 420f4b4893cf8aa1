import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isCalendarDate } from '../calendar-date';
import { decodeTransactionsCursor, encodeTransactionsCursor } from './transactions-cursor';
import { TransactionsQueryDto } from './transactions.dto';

const ID = '3f0c9a52-8d1e-4a7b-9c3e-1b2d4e6f8a90';

function cursorOf(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function failedFields(query: Record<string, string>): string[] {
  const dto = plainToInstance(TransactionsQueryDto, query);
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);
}

describe('isCalendarDate', () => {
  it.each(['2024-01-01', '2024-02-29', '2023-12-31', '0001-01-01', '9999-12-31'])('accepts %s', (d) => {
    expect(isCalendarDate(d)).toBe(true);
  });

  it.each([
    '2024-W01-1', // ISO week date: valid ISO 8601, refused by Postgres
    '2024-001-01',
    '2024-02-30',
    '2023-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '0000-01-01',
    '24-01-01',
    '2024-1-1',
    '2024-01-01T00:00',
    ' 2024-01-01',
    '２０２４-01-01',
  ])('refuses %s', (d) => {
    expect(isCalendarDate(d)).toBe(false);
  });
});

describe('decodeTransactionsCursor', () => {
  it('reads back what encodeTransactionsCursor wrote', () => {
    const cursor = { date: '2024-03-05', id: ID };
    expect(decodeTransactionsCursor(encodeTransactionsCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['an impossible date', cursorOf(['2024-02-30', ID])],
    ['a week date', cursorOf(['2024-W01-1', ID])],
    ['an id that is not a uuid', cursorOf(['2024-03-05', '------------------------------------'])],
    ['an id of the right length but wrong shape', cursorOf(['2024-03-05', 'g'.repeat(36)])],
    ['a third element', cursorOf(['2024-03-05', ID, 1])],
    ['an object', cursorOf({ date: '2024-03-05', id: ID })],
    ['text that is not JSON', Buffer.from('not a cursor').toString('base64url')],
    ['an empty string', ''],
  ])('refuses %s', (_what, raw) => {
    expect(decodeTransactionsCursor(raw)).toBeNull();
  });
});

describe(TransactionsQueryDto.name, () => {
  it('accepts a page request with dates and a cursor it handed out', () => {
    const cursor = encodeTransactionsCursor({ date: '2024-03-05', id: ID });
    expect(failedFields({ from: '2024-01-01', to: '2024-12-31', cursor })).toEqual([]);
  });

  it.each([
    [{ from: '2024-W01-1' }, 'from'],
    [{ to: '2024-02-30' }, 'to'],
    [{ cursor: cursorOf(['2024-02-30', ID]) }, 'cursor'],
    [{ cursor: cursorOf(['2024-03-05', 'not-a-uuid']) }, 'cursor'],
  ])('refuses %j', (query, field) => {
    expect(failedFields(query as Record<string, string>)).toEqual([field]);
  });
});
