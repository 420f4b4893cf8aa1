import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  type TransactionChangesCursor,
  decodeTransactionChangesCursor,
  encodeTransactionChangesCursor,
} from './transaction-changes-cursor';
import { TransactionChangesQueryDto } from './transaction-changes.dto';

const USER = '3f0c9a52-8d1e-4a7b-9c3e-1b2d4e6f8a90';
const ITEM = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

function cursorOf(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function failedFields(query: Record<string, string>): string[] {
  const dto = plainToInstance(TransactionChangesQueryDto, query);
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);
}

describe('the transaction changes cursor', () => {
  it.each<TransactionChangesCursor>([
    { phase: 'log', userId: USER, itemId: null, seq: '0' },
    { phase: 'log', userId: USER, itemId: ITEM, seq: '9223372036854775807' },
    { phase: 'snapshot', userId: USER, itemId: null, high: '42', after: { date: '2026-11-01', id: ITEM } },
  ])('decodes what it encoded (%o)', (cursor) => {
    expect(decodeTransactionChangesCursor(encodeTransactionChangesCursor(cursor))).toEqual(cursor);
  });

  it('encodes to url-safe text without padding', () => {
    const raw = encodeTransactionChangesCursor({ phase: 'log', userId: USER, itemId: ITEM, seq: '1' });

    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['not base64 JSON', 'bm90LWpzb24'],
    ['an empty string', ''],
    ['a list cursor of GET /v1/transactions', cursorOf(['2026-11-01', ITEM])],
    ['an unknown phase', cursorOf(['x', USER, null, '1'])],
    ['a user that is not a uuid', cursorOf(['l', 'me', null, '1'])],
    ['an item that is not a uuid', cursorOf(['l', USER, 'all', '1'])],
    ['a negative position', cursorOf(['l', USER, null, '-1'])],
    ['a position as a number', cursorOf(['l', USER, null, 1])],
    ['a position beyond bigint', cursorOf(['l', USER, null, '99999999999999999999'])],
    ['a position in SQL', cursorOf(['l', USER, null, '1; DROP TABLE x'])],
    ['extra fields', cursorOf(['l', USER, null, '1', 'x'])],
    ['a snapshot without its keyset', cursorOf(['s', USER, null, '1'])],
    ['a snapshot with a bad date', cursorOf(['s', USER, null, '1', '2026-02-30', ITEM])],
    ['an object', cursorOf({ phase: 'l', userId: USER, seq: '1' })],
    ['a huge string', 'A'.repeat(301)],
  ])('refuses %s', (_label, raw) => {
    expect(decodeTransactionChangesCursor(raw)).toBeNull();
  });

  it('lets the query DTO refuse a malformed cursor', () => {
    expect(failedFields({ cursor: 'bm90LWpzb24' })).toEqual(['cursor']);
  });

  it.each(['0', '501', '1.5', 'ten'])('lets the query DTO refuse limit=%s', (limit) => {
    expect(failedFields({ limit })).toEqual(['limit']);
  });

  it('lets the query DTO accept its own cursor, limits 1 and 500, and an itemId', () => {
    const cursor = encodeTransactionChangesCursor({ phase: 'log', userId: USER, itemId: ITEM, seq: '5' });

    expect(failedFields({ cursor, limit: '1', itemId: ITEM })).toEqual([]);
    expect(failedFields({ limit: '500' })).toEqual([]);
  });
});
