import { useQuery } from '@tanstack/react-query';
import { ErrorNotice, Loading } from '../../components/ui';
import { formatDate, formatMoney } from '../../lib/format';
import { type NetWorth, netWorthQuery } from './api';
import { LineChart } from './line-chart';

type Series = NetWorth['series'];

// The change over the series, as a person says it ("up $120.00 since Mar 3").
export function trendText(series: Series, currency: string): string | null {
  if (series.length < 2) return null;
  const delta = series[series.length - 1].netWorth - series[0].netWorth;
  if (Math.abs(delta) < 0.005) return `unchanged since ${formatDate(series[0].date)}`;
  return `${delta > 0 ? 'up' : 'down'} ${formatMoney(Math.abs(delta), currency)} since ${formatDate(series[0].date)}`;
}

// Net worth over time: assets, liabilities and their difference. A series starts at the first balance we have;
// with one point there is a number but not yet a trend.
export function NetWorthSection({ days = 90, compact = false }: { days?: number; compact?: boolean }) {
  const res = useQuery(netWorthQuery(days));
  const worth = res.data;
  const last = worth?.series.at(-1);
  const trend = worth ? trendText(worth.series, worth.currency) : null;
  return (
    <section className="net-worth" aria-labelledby="net-worth-title">
      <h2 id="net-worth-title">Net worth</h2>
      <ErrorNotice error={res.error} />
      {res.isPending && <Loading label="Loading your net worth…" />}
      {worth && !last && <p className="muted">Net worth appears once a bank has reported a balance.</p>}
      {worth && last && (
        <>
          <p className="amount-large">{formatMoney(last.netWorth, worth.currency)}</p>
          <p className="muted">
            {trend
              ? `${trend[0].toUpperCase()}${trend.slice(1)}.`
              : 'The trend starts here: a chart appears from the second day on.'}
          </p>
          {worth.series.length > 1 && (
            <LineChart
              title={`Net worth, assets and liabilities in ${worth.currency}`}
              dates={worth.series.map((p) => p.date)}
              height={compact ? 140 : 200}
              series={[
                {
                  key: 'net',
                  label: 'Net worth',
                  className: 'line-net',
                  values: worth.series.map((p) => p.netWorth),
                },
                {
                  key: 'assets',
                  label: 'Assets',
                  className: 'line-assets',
                  values: worth.series.map((p) => p.assets),
                  dashed: true,
                },
                {
                  key: 'liabilities',
                  label: 'Liabilities',
                  className: 'line-liabilities',
                  values: worth.series.map((p) => p.liabilities),
                  dashed: true,
                },
              ]}
              format={(n) => formatMoney(n, worth.currency)}
            />
          )}
          {worth.otherCurrencies.map((c) => {
            const point = c.series.at(-1);
            return point ? (
              <p key={c.currency}>
                In {c.currency}, kept apart: <strong>{formatMoney(point.netWorth, c.currency)}</strong>
              </p>
            ) : null;
          })}
        </>
      )}
    </section>
  );
}
