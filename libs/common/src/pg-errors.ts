// Postgres answers SQLSTATE class 22 ("data exception") when it refuses a value: a date it cannot read
// (22007, 22008), text that is not a uuid or a number (22P02), a NUL byte (22021), a number out of range
// (22003). The values in our statements come from the caller, so such an error is a bad request that slipped
// past validation, not a fault of ours.
export interface PgInputError {
  sqlState: string;
  // Safe to show: names the class of problem, never the refused value (Postgres' own message quotes it).
  message: string;
}

// Reads the SQLSTATE of a pg error, raw or wrapped by TypeORM's QueryFailedError (which copies `code` and
// keeps the original as `driverError`).
export function pgSqlState(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, driverError } = err as { code?: unknown; driverError?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return driverError === err ? undefined : pgSqlState(driverError);
}

export function pgInputError(err: unknown): PgInputError | null {
  const sqlState = pgSqlState(err);
  if (!sqlState?.startsWith('22')) return null;
  return { sqlState, message: 'A value in the request is not valid' };
}
