import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type JsonText,
  type TransactionPageDto,
  type TransactionsListRequest,
} from '@app/contracts';
import { DataSource } from 'typeorm';

interface Row {
  id: string;
  date: string;
  json: string;
}

interface Cursor {
  date: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.date, c.id])).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(parsed[1])
    ) {
      return { date: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw new DomainError(ErrorCode.ValidationFailed, 'Invalid cursor', [
    { field: 'cursor', messages: ['cursor is not a nextCursor of this API'] },
  ]);
}

// One transaction as the API's TransactionDto, built by Postgres. Dates are ISO (JSON output ignores DateStyle),
// datetime is rendered like Date.toISOString(), and category is null when it has neither part.
const TRANSACTION_JSON = `json_build_object(
  'id', t.plaid_transaction_id, 'accountId', t.account_id, 'itemId', t.item_id, 'amount', t.amount,
  'isoCurrencyCode', t.iso_currency_code, 'date', t.date, 'authorizedDate', t.authorized_date,
  'datetime', to_char(t.datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'name', t.name, 'merchantName', t.merchant_name, 'pending', t.pending,
  'pendingTransactionId', t.pending_transaction_id, 'paymentChannel', t.payment_channel,
  'category', CASE WHEN coalesce(t.category_primary, '') = '' AND coalesce(t.category_detailed, '') = '' THEN NULL
    ELSE json_build_object('primary', t.category_primary, 'detailed', t.category_detailed) END,
  'logoUrl', t.logo_url)::text`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// Newest first, keyset-paginated on (date, id): a page boundary is a position, not an offset, so rows
// added while a client pages neither shift nor repeat what it has not seen yet.
@Injectable()
export class TransactionsRepository {
  constructor(private readonly db: DataSource) {}

  // The page as JSON text: Postgres builds each row's object, so neither the worker nor the gateway parses
  // and re-serialises ~25 KB per request (docs/PERFORMANCE.md).
  async page(q: TransactionsListRequest): Promise<JsonText<TransactionPageDto>> {
    const limit = q.limit ?? 50;
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
    if (q.accountId) {
      const owned: unknown[] = await this.db.query(`SELECT 1 FROM accounts WHERE id = $1 AND user_id = $2`, [
        q.accountId,
        q.userId,
      ]);
      if (owned.length === 0) throw new DomainError(ErrorCode.NotFound, 'Account not found');
    }
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    const rows: Row[] = await this.db.query(
      `SELECT t.id, t.date::text AS date, ${TRANSACTION_JSON} AS json
         FROM transactions t
        WHERE t.user_id = $1
          AND ($2::uuid IS NULL OR t.item_id = $2::uuid)
          AND ($3::uuid IS NULL OR t.account_id = $3::uuid)
          AND ($4::date IS NULL OR t.date >= $4::date)
          AND ($5::date IS NULL OR t.date <= $5::date)
          AND ($6::boolean IS NULL OR t.pending = $6::boolean)
          AND ($7::numeric IS NULL OR t.amount >= $7::numeric)
          AND ($8::numeric IS NULL OR t.amount <= $8::numeric)
          AND ($9::text IS NULL OR t.name ILIKE $9::text OR t.merchant_name ILIKE $9::text)
          AND ($10::date IS NULL OR (t.date, t.id) < ($10::date, $11::uuid))
        ORDER BY t.date DESC, t.id DESC
        LIMIT $12`,
      [
        q.userId,
        q.itemId ?? null,
        q.accountId ?? null,
        q.from ?? null,
        q.to ?? null,
        q.pending ?? null,
        q.minAmount ?? null,
        q.maxAmount ?? null,
        q.search ? `%${escapeLike(q.search)}%` : null,
        after?.date ?? null,
        after?.id ?? null,
        limit + 1,
      ],
    );
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows[pageRows.length - 1];
    const nextCursor = more && last ? encodeCursor({ date: last.date, id: last.id }) : null;
    return `{"data":[${pageRows.map((r) => r.json).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }
}
