import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type JsonText,
  type TransactionPageDto,
  type TransactionsCursor,
  type TransactionsListRequest,
  decodeTransactionsCursor,
  encodeTransactionsCursor,
} from '@app/contracts';
import { TransactionsRepository } from './transactions.repository';

// The DTO validated the cursor already (a bad one never gets here); decoding again is how we read it.
function decodeCursor(raw: string): TransactionsCursor {
  const cursor = decodeTransactionsCursor(raw);
  if (cursor) return cursor;
  throw new DomainError(ErrorCode.ValidationFailed, 'Invalid cursor', {
    details: [{ field: 'cursor', messages: ['cursor is not a nextCursor of this API'] }],
  });
}

// Newest first, keyset-paginated on (date, id): a page boundary is a position, not an offset, so rows
// added while a client pages neither shift nor repeat what it has not seen yet.
@Injectable()
export class TransactionsService {
  constructor(private readonly transactions: TransactionsRepository) {}

  // The page as JSON text: Postgres builds each row's object, so neither the worker nor the gateway parses
  // and re-serialises ~25 KB per request (docs/PERFORMANCE.md). An item or account that is not the caller's
  // answers 404 from the same statement.
  async page(q: TransactionsListRequest): Promise<JsonText<TransactionPageDto>> {
    assertRanges(q);
    const limit = q.limit ?? 50;
    const result = await this.transactions.page({
      ...q,
      after: q.cursor ? decodeCursor(q.cursor) : null,
      limit: limit + 1,
    });
    if (result.kind === 'not-found') {
      throw new DomainError(
        ErrorCode.NotFound,
        result.missing === 'item' ? 'Item not found' : 'Account not found',
      );
    }
    const more = result.rows.length > limit;
    const rows = more ? result.rows.slice(0, limit) : result.rows;
    const last = rows[rows.length - 1];
    const nextCursor = more && last ? encodeTransactionsCursor({ date: last.date, id: last.id }) : null;
    return `{"data":[${rows.map((r) => r.json).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }

  // The same page as an object, for the previous release's gateways (sync.transactions.list.v1).
  async pageObject(q: TransactionsListRequest): Promise<TransactionPageDto> {
    return JSON.parse(await this.page(q)) as TransactionPageDto;
  }
}

function assertRanges(q: TransactionsListRequest): void {
  if (q.from && q.to && q.from > q.to) {
    throw new DomainError(ErrorCode.ValidationFailed, 'from is after to', [
      { field: 'from', messages: ['from must not be after to'] },
    ]);
  }
  if (q.minAmount !== undefined && q.maxAmount !== undefined && q.minAmount > q.maxAmount) {
    throw new DomainError(ErrorCode.ValidationFailed, 'minAmount is above maxAmount', [
      { field: 'minAmount', messages: ['minAmount must not exceed maxAmount'] },
    ]);
  }
}
