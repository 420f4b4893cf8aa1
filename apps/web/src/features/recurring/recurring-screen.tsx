import { useQuery } from '@tanstack/react-query';
import { Link } from '../../app/router';
import { Empty, ErrorNotice, Loading, Page } from '../../components/ui';
import { categoryLabel, formatDate, formatMoney, humanize } from '../../lib/format';
import { accountLabel, accountsQuery } from '../accounts/api';
import { type RecurringStream, recurringQuery } from './api';

const FREQUENCY: Record<string, string> = {
  WEEKLY: 'Every week',
  BIWEEKLY: 'Every two weeks',
  SEMI_MONTHLY: 'Twice a month',
  MONTHLY: 'Every month',
  ANNUALLY: 'Every year',
};

// Plaid's recurring streams: money that comes in and goes out on a rhythm, with when it is due next.
export function RecurringScreen() {
  const streams = useQuery(recurringQuery());
  const accounts = useQuery(accountsQuery);
  const accountName = (id: string): string => {
    const a = accounts.data?.data.find((x) => x.id === id);
    return a ? accountLabel(a) : '';
  };
  const none = streams.data && streams.data.inflows.length + streams.data.outflows.length === 0;
  return (
    <Page title="Recurring">
      <ErrorNotice error={streams.error} />
      {streams.isPending && <Loading label="Loading recurring payments…" />}
      {none && (
        <Empty>
          <p>No recurring payments found yet.</p>
          <p>They appear once a bank has a few months of history with the same payment coming back.</p>
        </Empty>
      )}
      {streams.data && !none && (
        <>
          <StreamList title="Money out" streams={streams.data.outflows} accountName={accountName} />
          <StreamList title="Money in" streams={streams.data.inflows} accountName={accountName} />
        </>
      )}
    </Page>
  );
}

function StreamList({
  title,
  streams,
  accountName,
}: {
  title: string;
  streams: RecurringStream[];
  accountName: (id: string) => string;
}) {
  const id = `rec-${title.replace(/\s/g, '-').toLowerCase()}`;
  // Active ones first, the next due first among them.
  const sorted = [...streams].sort(
    (a, b) =>
      Number(b.isActive) - Number(a.isActive) ||
      (a.predictedNextDate ?? '9999').localeCompare(b.predictedNextDate ?? '9999'),
  );
  return (
    <section className="group" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {sorted.length === 0 && <p className="muted">None.</p>}
      <ul className="cards streams">
        {sorted.map((s) => (
          <li key={s.id} className="card stream">
            <div className="card-head">
              <h3>{s.merchantName ?? s.description}</h3>
              <p className="amount">{formatMoney(Math.abs(s.lastAmount), s.isoCurrencyCode)}</p>
            </div>
            <p className="muted">
              {FREQUENCY[s.frequency] ?? humanize(s.frequency)} · {categoryLabel(s.category)}
              {accountName(s.accountId) && ` · ${accountName(s.accountId)}`}
            </p>
            <p>
              {!s.isActive
                ? `Stopped; last on ${formatDate(s.lastDate)}.`
                : s.predictedNextDate
                  ? `Next expected ${formatDate(s.predictedNextDate)}.`
                  : `Last on ${formatDate(s.lastDate)}.`}{' '}
              Usually {formatMoney(Math.abs(s.averageAmount), s.isoCurrencyCode)}.
            </p>
            <details>
              <summary>
                {s.transactionIds.length} linked transaction{s.transactionIds.length === 1 ? '' : 's'}
              </summary>
              <ul className="linked">
                {s.transactionIds.map((tid) => (
                  <li key={tid}>
                    <Link to={`/transactions?open=${encodeURIComponent(tid)}`}>
                      Open transaction {tid.slice(0, 8)}…
                    </Link>
                  </li>
                ))}
              </ul>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
