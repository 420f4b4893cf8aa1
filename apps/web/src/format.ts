const money = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: number, currency: string | null): string {
  const code = currency ?? 'USD';
  let f = money.get(code);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
    money.set(code, f);
  }
  return f.format(amount);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));
// Transaction dates are calendar dates (YYYY-MM-DD), not instants: formatted in UTC so they never shift a day.
export const formatDate = (isoDate: string): string => dateOnly.format(new Date(`${isoDate}T00:00:00Z`));

export function humanize(category: string): string {
  return category
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/^\w/, (c) => c.toUpperCase());
}
