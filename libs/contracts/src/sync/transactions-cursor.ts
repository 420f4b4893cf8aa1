import { type ValidationOptions, ValidateBy, buildMessage } from 'class-validator';
import { isCalendarDate } from '../calendar-date';

// The keyset position of GET /v1/transactions: the last row's (date, id), as base64url of a JSON pair.
export interface TransactionsCursor {
  date: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeTransactionsCursor(c: TransactionsCursor): string {
  return Buffer.from(JSON.stringify([c.date, c.id])).toString('base64url');
}

// Null for anything the API could not have handed out: what passes goes straight into a ::date and a ::uuid.
export function decodeTransactionsCursor(raw: unknown): TransactionsCursor | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [date, id] = parsed as unknown[];
  if (!isCalendarDate(date) || typeof id !== 'string' || !UUID.test(id)) return null;
  return { date, id };
}

export function IsTransactionsCursor(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTransactionsCursor',
      validator: {
        validate: (value): boolean => decodeTransactionsCursor(value) !== null,
        defaultMessage: buildMessage((each) => `${each}$property is not a nextCursor of this API`, options),
      },
    },
    options,
  );
}
