import { PlaidApiError } from '../common/plaid-error';

/**
 * What a `/transactions/sync` cursor stands for: the diff from version `from` to version `to`, already
 * delivered up to `offset`. A cursor with offset 0 starts a new run against whatever the current version is.
 */
export interface SyncCursor {
  item: string;
  from: number;
  to: number;
  offset: number;
}

export function encodeCursor(cursor: SyncCursor): string {
  const raw = JSON.stringify({ i: cursor.item, f: cursor.from, t: cursor.to, o: cursor.offset });
  return Buffer.from(raw, 'utf8').toString('base64');
}

export function decodeCursor(value: string, item: string): SyncCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw PlaidApiError.invalidField(
      'cursor is invalid: pass the next_cursor returned by a previous /transactions/sync call',
    );
  }
  const p = parsed as Record<string, unknown>;
  const valid =
    typeof p === 'object' &&
    p !== null &&
    p.i === item &&
    [p.f, p.t, p.o].every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0) &&
    (p.f as number) <= (p.t as number);
  if (!valid) {
    throw PlaidApiError.invalidField(
      'cursor is invalid: pass the next_cursor returned by a previous /transactions/sync call for this item',
    );
  }
  return { item, from: p.f as number, to: p.t as number, offset: p.o as number };
}
