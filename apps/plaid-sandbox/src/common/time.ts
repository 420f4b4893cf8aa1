/** ISO 8601 without milliseconds, as Plaid writes timestamps (`2019-01-22T04:32:00Z`). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
