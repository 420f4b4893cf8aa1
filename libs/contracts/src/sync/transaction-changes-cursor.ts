import { type ValidationOptions, ValidateBy, buildMessage } from 'class-validator';
import { isCalendarDate } from '../calendar-date';

// Where a client of GET /v1/transactions/changes stands. Two phases: `snapshot` pages through the current
// transactions (newest first, keyset on date and id) and remembers `high`, the change log position the snapshot
// started at; `log` reads the change log after `seq`. Both carry the user and the itemId filter they were issued
// for, so a cursor of another user or another filter is refused. Sequence numbers are decimal strings (bigint).
export type TransactionChangesCursor =
  | {
      phase: 'snapshot';
      userId: string;
      itemId: string | null;
      high: string;
      after: { date: string; id: string };
    }
  | { phase: 'log'; userId: string; itemId: string | null; seq: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A non-negative bigint: at most 19 digits, no leading zeros.
const SEQ = /^(0|[1-9]\d{0,18})$/;

const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
const isSeq = (v: unknown): v is string => typeof v === 'string' && SEQ.test(v);
const isItem = (v: unknown): v is string | null => v === null || isUuid(v);

export function encodeTransactionChangesCursor(c: TransactionChangesCursor): string {
  const fields =
    c.phase === 'snapshot'
      ? ['s', c.userId, c.itemId, c.high, c.after.date, c.after.id]
      : ['l', c.userId, c.itemId, c.seq];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

// Null for anything the API could not have handed out: what passes goes straight into ::uuid, ::date, ::bigint.
export function decodeTransactionChangesCursor(raw: unknown): TransactionChangesCursor | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 300) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const [phase, userId, itemId, seq, date, id] = parsed as unknown[];
  if (!isUuid(userId) || !isItem(itemId) || !isSeq(seq)) return null;
  if (phase === 'l' && parsed.length === 4) return { phase: 'log', userId, itemId, seq };
  if (phase === 's' && parsed.length === 6 && isCalendarDate(date) && isUuid(id)) {
    return { phase: 'snapshot', userId, itemId, high: seq, after: { date, id } };
  }
  return null;
}

export function IsTransactionChangesCursor(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTransactionChangesCursor',
      validator: {
        validate: (value): boolean => decodeTransactionChangesCursor(value) !== null,
        defaultMessage: buildMessage(
          (each) => `${each}$property is not a nextCursor of the changes API`,
          options,
        ),
      },
    },
    options,
  );
}
