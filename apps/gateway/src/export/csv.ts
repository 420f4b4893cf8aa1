// CSV (RFC 4180) of flat rows: a header row, then one line per row, CRLF line ends.

export type Row = Record<string, unknown>;

// Nested objects become prefixed columns: { balances: { current: 1 } } → balances_current.
export function flatten(row: Row, prefix = ''): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    const name = prefix ? `${prefix}_${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      Object.assign(out, flatten(value as Row, name));
    else out[name] = value;
  }
  return out;
}

// The known columns, then any other column the first row has (a field added to a DTO later is not lost). A null
// where other rows have an object (an item's `error`) is no column of its own: its known sub-columns stand for it.
export function columnsFor(known: readonly string[], first: Row | undefined): string[] {
  const extra = first
    ? Object.keys(first).filter((k) => !known.includes(k) && !known.some((c) => c.startsWith(`${k}_`)))
    : [];
  return [...known, ...extra];
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

// Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with a quote; numbers
// are written as numbers, so a negative amount stays a number.
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
