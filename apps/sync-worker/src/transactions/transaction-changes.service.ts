import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type JsonText,
  TRANSACTION_CHANGES_MAX_LIMIT,
  type TransactionChangesCursor,
  type TransactionChangesDto,
  type TransactionChangesRequest,
  decodeTransactionChangesCursor,
  encodeTransactionChangesCursor,
} from '@app/contracts';
import {
  type ChangeRow,
  type ChangesScope,
  TransactionChangesRepository,
} from './transaction-changes.repository';

interface ChangesPage {
  rows: ChangeRow[];
  next: TransactionChangesCursor;
  hasMore: boolean;
}

// The delta API: a client without a cursor first pages through a snapshot of its transactions (all "added"),
// then follows the change log from the position the snapshot started at. Applying every page in order
// (upsert added and modified, delete removed) leaves the client with what GET /v1/transactions answers.
@Injectable()
export class TransactionChangesService {
  constructor(private readonly changes: TransactionChangesRepository) {}

  async page(q: TransactionChangesRequest): Promise<JsonText<TransactionChangesDto>> {
    const scope: ChangesScope = { userId: q.userId, itemId: q.itemId ?? null };
    const limit = q.limit ?? TRANSACTION_CHANGES_MAX_LIMIT;
    const cursor = q.cursor === undefined ? null : this.cursorFor(scope, q.cursor);
    const page =
      cursor?.phase === 'log'
        ? await this.fromLog(scope, cursor.seq, limit)
        : await this.fromSnapshot(scope, cursor, limit);
    return render(page);
  }

  // A cursor the API issued for this user and this itemId filter; anything else is the client's mistake.
  private cursorFor(scope: ChangesScope, raw: string): TransactionChangesCursor {
    const cursor = decodeTransactionChangesCursor(raw);
    if (cursor && cursor.userId === scope.userId && cursor.itemId === scope.itemId) return cursor;
    throw new DomainError(ErrorCode.ValidationFailed, 'Invalid cursor', {
      details: [{ field: 'cursor', messages: ['cursor is not a nextCursor of yours for this itemId'] }],
    });
  }

  private async fromSnapshot(
    scope: ChangesScope,
    cursor: Extract<TransactionChangesCursor, { phase: 'snapshot' }> | null,
    limit: number,
  ): Promise<ChangesPage> {
    const result = await this.changes.snapshot(scope, cursor?.high ?? null, cursor?.after ?? null, limit + 1);
    if (result.kind === 'not-found') throw new DomainError(ErrorCode.NotFound, 'Item not found');
    assertRetained(result.high, result.horizon);
    const more = result.rows.length > limit;
    const rows = more ? result.rows.slice(0, limit) : result.rows;
    const last = rows[rows.length - 1];
    const next: TransactionChangesCursor =
      more && last
        ? { phase: 'snapshot', ...scope, high: result.high, after: { date: last.date, id: last.key } }
        : { phase: 'log', ...scope, seq: result.high };
    return {
      rows: rows.map((r) => ({ kind: 'added', id: r.key, json: r.json })),
      next,
      hasMore: more || result.changesAfterHigh,
    };
  }

  private async fromLog(scope: ChangesScope, seq: string, limit: number): Promise<ChangesPage> {
    const result = await this.changes.changesAfter(scope, seq, limit);
    if (result.kind === 'not-found') throw new DomainError(ErrorCode.NotFound, 'Item not found');
    assertRetained(seq, result.horizon);
    return {
      rows: result.rows,
      next: { phase: 'log', ...scope, seq: result.last ?? seq },
      hasMore: result.more,
    };
  }
}

// Compaction deleted every log row up to the horizon: a position below it may have missed some.
function assertRetained(seq: string, horizon: string): void {
  if (BigInt(seq) < BigInt(horizon)) {
    throw new DomainError(
      ErrorCode.CursorExpired,
      'The cursor is older than the change log; start over without a cursor',
    );
  }
}

// JSON text: each transaction's object was built by Postgres (the list's projection) and is not parsed here.
function render(page: ChangesPage): JsonText<TransactionChangesDto> {
  const json = (kind: ChangeRow['kind']): string =>
    page.rows
      .filter((r) => r.kind === kind)
      .map((r) => r.json)
      .join(',');
  const removed = page.rows.filter((r) => r.kind === 'removed').map((r) => ({ id: r.id }));
  return (
    `{"added":[${json('added')}],"modified":[${json('modified')}],"removed":${JSON.stringify(removed)},` +
    `"nextCursor":${JSON.stringify(encodeTransactionChangesCursor(page.next))},"hasMore":${String(page.hasMore)}}`
  );
}
