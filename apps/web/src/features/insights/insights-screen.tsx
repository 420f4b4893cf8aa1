import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, navigate, useLocation } from '../../app/router';
import { Empty, ErrorNotice, Loading, Page } from '../../components/ui';
import { formatDate, formatMonth, formatMoney, humanize } from '../../lib/format';
import { accountsQuery } from '../accounts/api';
import { itemsQuery } from '../connections/api';
import { type Filters, filtersToSearch } from '../transactions/api';
import { FilterForm } from '../transactions/filter-form';
import { type GroupBy, type SpendingGroup, spendingQuery } from './api';
import { type BarDatum, BarChart } from './bar-chart';

const VIEWS: { groupBy: GroupBy; label: string }[] = [
  { groupBy: 'category', label: 'By category' },
  { groupBy: 'merchant', label: 'By merchant' },
  { groupBy: 'month', label: 'By month' },
];
const TOP = 12;

const iso = (d: Date): string => d.toISOString().slice(0, 10);
const addDays = (isoDate: string, days: number): string => {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
};
const daysBetween = (a: string, b: string): number =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

// The period shown: the filters' dates, else the last three months (six by month), ending today.
function period(filters: Filters, groupBy: GroupBy): { from: string; to: string } {
  const to = filters.to ?? iso(new Date());
  if (filters.from) return { from: filters.from, to };
  const d = new Date(`${to}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - (groupBy === 'month' ? 5 : 2), 1);
  return { from: iso(d), to };
}

// The period just before, as long (in months for the month view, so that months line up).
function previousPeriod(p: { from: string; to: string }, groupBy: GroupBy): { from: string; to: string } {
  if (groupBy === 'month') {
    const months = monthsIn(p);
    const start = new Date(`${p.from.slice(0, 7)}-01T00:00:00Z`);
    start.setUTCMonth(start.getUTCMonth() - months);
    return { from: iso(start), to: addDays(`${p.from.slice(0, 7)}-01`, -1) };
  }
  const length = daysBetween(p.from, p.to);
  return { from: addDays(p.from, -length - 1), to: addDays(p.from, -1) };
}

const monthsIn = (p: { from: string; to: string }): number =>
  (Number(p.to.slice(0, 4)) - Number(p.from.slice(0, 4))) * 12 +
  Number(p.to.slice(5, 7)) -
  Number(p.from.slice(5, 7)) +
  1;

function shiftMonth(yyyyMm: string, by: number): string {
  const d = new Date(`${yyyyMm}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + by);
  return iso(d).slice(0, 7);
}

function monthKeys(p: { from: string; to: string }): string[] {
  return Array.from({ length: monthsIn(p) }, (_, i) => shiftMonth(p.from.slice(0, 7), i));
}

function monthEnd(yyyyMm: string): string {
  const d = new Date(`${yyyyMm}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return iso(d);
}

export function InsightsScreen() {
  const { search } = useLocation();
  const groupBy = VIEWS.find((v) => v.groupBy === search.get('view'))?.groupBy ?? 'category';
  const filters = useMemo<Filters>(() => {
    const f: Filters = {};
    for (const k of ['itemId', 'accountId', 'from', 'to'] as const) {
      const v = search.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [search]);
  const items = useQuery(itemsQuery);
  const accounts = useQuery(accountsQuery);
  const current = period(filters, groupBy);
  const previous = previousPeriod(current, groupBy);
  const scope = { itemId: filters.itemId, accountId: filters.accountId };
  const spending = useQuery(spendingQuery({ ...scope, ...current, groupBy }));
  const before = useQuery(spendingQuery({ ...scope, ...previous, groupBy }));
  const [width, setWidth] = useState(() => chartWidth());
  useEffect(() => {
    const onResize = (): void => setWidth(chartWidth());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  const to = (next: { view?: GroupBy; filters?: Filters }): string => {
    const params = new URLSearchParams(filtersToSearch(next.filters ?? filters));
    const view = next.view ?? groupBy;
    if (view !== 'category') params.set('view', view);
    const qs = params.toString();
    return `/insights${qs ? `?${qs}` : ''}`;
  };

  // The transactions behind one bar: same period and account, money out, and the group itself.
  const behind = (g: SpendingGroup): string => {
    const f: Filters = { ...scope, ...current, direction: 'out' };
    if (groupBy === 'category' && g.key) f.category = g.key;
    if (groupBy === 'merchant' && g.key) f.search = g.key;
    if (groupBy === 'month' && g.key) {
      f.from = `${g.key}-01` < current.from ? current.from : `${g.key}-01`;
      f.to = monthEnd(g.key) > current.to ? current.to : monthEnd(g.key);
    }
    for (const k of Object.keys(f) as (keyof Filters)[]) if (!f[k]) delete f[k];
    return `/transactions${filtersToSearch(f)}`;
  };

  const currencies = [...new Set((spending.data?.totals ?? []).map((t) => t.currency ?? ''))];
  const spent = (spending.data?.totals ?? []).some((t) => t.outflow > 0);

  return (
    <Page title="Insights">
      <nav className="tabs" aria-label="Group spending">
        {VIEWS.map((v) => (
          <Link
            key={v.groupBy}
            to={to({ view: v.groupBy })}
            aria-current={v.groupBy === groupBy ? 'page' : undefined}
          >
            {v.label}
          </Link>
        ))}
      </nav>
      <FilterForm
        filters={filters}
        items={items.data?.data ?? []}
        accounts={accounts.data?.data ?? []}
        only={['itemId', 'accountId', 'from', 'to']}
        label="Filter spending"
        onApply={(next) => navigate(to({ filters: next }))}
      />
      <p className="muted">
        Spending from {formatDate(current.from)} to {formatDate(current.to)}; transfers between your accounts
        and transactions you left out of spending are not counted.
      </p>
      <ErrorNotice error={spending.error} />
      {spending.isPending && <Loading label="Adding up your spending…" />}
      {spending.isSuccess && !spent && (
        <Empty>
          <p>No spending in this period.</p>
          <p>
            <Link to="/transactions">See all transactions</Link>
          </p>
        </Empty>
      )}
      {spending.data &&
        spent &&
        currencies.map((currency) => {
          const total = spending.data.totals.find((t) => (t.currency ?? '') === currency);
          const prevTotal = before.data?.totals.find((t) => (t.currency ?? '') === currency);
          const groups = spending.data.groups.filter((g) => (g.currency ?? '') === currency && g.outflow > 0);
          const prevGroups = before.data?.groups.filter((g) => (g.currency ?? '') === currency) ?? [];
          const code = currency || null;
          const money = (n: number): string => formatMoney(n, code);
          // By month: every month of the period (a month without spending is a zero, not a gap), each beside
          // the same month of the previous period.
          const shift = monthsIn(current);
          const sorted: SpendingGroup[] =
            groupBy === 'month'
              ? monthKeys(current).map(
                  (key) =>
                    groups.find((g) => g.key === key) ?? {
                      key,
                      currency: code,
                      outflow: 0,
                      inflow: 0,
                      count: 0,
                    },
                )
              : groups.slice(0, TOP);
          const hadBefore = prevGroups.some((g) => g.outflow > 0);
          const data: BarDatum[] = sorted.map((g) => {
            const label =
              groupBy === 'month'
                ? formatMonth(g.key ?? '')
                : g.key
                  ? groupBy === 'category'
                    ? humanize(g.key)
                    : g.key
                  : 'Other';
            const prevKey = groupBy === 'month' && g.key ? shiftMonth(g.key, -shift) : null;
            const prev = prevKey ? (prevGroups.find((p) => p.key === prevKey)?.outflow ?? 0) : undefined;
            return {
              key: g.key ?? 'none',
              label,
              value: g.outflow,
              previous: hadBefore ? prev : undefined,
              valueText: money(g.outflow),
              description: `${money(g.outflow)} spent in ${g.count} transaction${g.count === 1 ? '' : 's'}${
                prevKey && hadBefore ? `; ${money(prev ?? 0)} in ${formatMonth(prevKey)}` : ''
              }. Show them.`,
              href: behind(g),
            };
          });
          const title = `Spending ${VIEWS.find((v) => v.groupBy === groupBy)?.label.toLowerCase()}${code ? ` in ${code}` : ''}`;
          return (
            <section key={currency} className="currency-block" aria-labelledby={`cur-${currency}`}>
              <h2 id={`cur-${currency}`}>
                {money(total?.outflow ?? 0)} spent{code ? ` (${code})` : ''}
              </h2>
              {!prevTotal && before.isSuccess && (
                <p className="muted">
                  No spending recorded in the previous period ({formatDate(previous.from)} –{' '}
                  {formatDate(previous.to)}).
                </p>
              )}
              {prevTotal && (
                <p className="muted">
                  {money(prevTotal.outflow)} in the previous period ({formatDate(previous.from)} –{' '}
                  {formatDate(previous.to)}
                  ).
                </p>
              )}
              {groupBy === 'month' && hadBefore && (
                <p className="legend" aria-hidden="true">
                  <span>This period</span>
                  <span className="previous">Same month, previous period</span>
                </p>
              )}
              <BarChart data={data} title={title} width={width} />
              <details>
                <summary>Show as a table</summary>
                <div className="table-wrap">
                  <table className="data">
                    <caption className="sr-only">{title}</caption>
                    <thead>
                      <tr>
                        <th scope="col">
                          {groupBy === 'month' ? 'Month' : groupBy === 'merchant' ? 'Merchant' : 'Category'}
                        </th>
                        <th scope="col" className="num">
                          Spent
                        </th>
                        <th scope="col" className="num">
                          Transactions
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.map((d, i) => (
                        <tr key={d.key}>
                          <th scope="row">
                            <Link to={d.href}>{d.label}</Link>
                          </th>
                          <td className="num">{d.valueText}</td>
                          <td className="num">{sorted[i]?.count}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </section>
          );
        })}
    </Page>
  );
}

// The chart draws in its container's width (main is at most 60rem, less its padding and the block's).
function chartWidth(): number {
  return Math.max(300, Math.min(window.innerWidth, 960) - 64);
}
