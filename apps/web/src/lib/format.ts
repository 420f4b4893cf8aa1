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

// A wait as a person says it: "a few seconds", "45 seconds", "12 minutes", "2 hours" — never "728 s".
export function formatWait(seconds: number): string {
  if (seconds <= 5) return 'a few seconds';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

// Plaid's amounts are positive for money out. On screen: money in carries a plus, money out a minus sign.
export function formatSigned(amount: number, currency: string | null): string {
  return `${amount < 0 ? '+' : '−'}${formatMoney(Math.abs(amount), currency)}`;
}

export function formatMonth(yyyyMm: string): string {
  return monthFormat.format(new Date(`${yyyyMm}-01T00:00:00Z`));
}
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });

// FOOD_AND_DRINK_COFFEE under FOOD_AND_DRINK → "Coffee"; a primary alone → "Food and drink".
export function detailedLabel(primary: string, detailed: string): string {
  const rest = detailed.startsWith(`${primary}_`) ? detailed.slice(primary.length + 1) : detailed;
  return humanize(rest);
}

export function categoryLabel(category: { primary: string | null; detailed: string | null } | null): string {
  if (!category?.primary) return 'Uncategorized';
  if (!category.detailed) return humanize(category.primary);
  return `${humanize(category.primary)} › ${detailedLabel(category.primary, category.detailed)}`;
}
