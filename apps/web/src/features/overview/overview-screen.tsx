import './overview.css';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from '../../app/router';
import { Empty, ErrorNotice, Loading, Page } from '../../components/ui';
import { formatDate, formatMoney } from '../../lib/format';
import { isoDay } from '../accounts/api';
import { NetWorthSection } from '../accounts/net-worth';
import { itemsQuery } from '../connections/api';
import { StatusBadge } from '../connections/status-badge';
import { guidance } from '../connections/item-guidance';
import { spendingQuery } from '../insights/api';
import { recurringQuery } from '../recurring/api';

// The first day of this month and of the last one, and the same day of last month (YYYY-MM-DD, UTC).
export function monthBounds(today = new Date()): {
  thisStart: string;
  lastStart: string;
  lastSameDay: string;
} {
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  const iso = (d: Date): string => d.toISOString().slice(0, 10);
  const lastStart = new Date(Date.UTC(y, m - 1, 1));
  const daysInLast = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return {
    thisStart: iso(new Date(Date.UTC(y, m, 1))),
    lastStart: iso(lastStart),
    lastSameDay: iso(new Date(Date.UTC(y, m - 1, Math.min(today.getUTCDate(), daysInLast)))),
  };
}

// What the user sees first after linking: net worth and its trend, this month's spending against the same days
// of last month, what needs their attention, and the payments coming up.
export function OverviewScreen() {
  const items = useQuery(itemsQuery);
  const list = items.data?.data;
  return (
    <Page title="Overview">
      <ErrorNotice error={items.error} />
      {items.isPending && <Loading label="Loading your overview…" />}
      {list && list.length === 0 && <Onboarding />}
      {list && list.length > 0 && (
        <>
          {list.every((i) => i.status === 'pending' || !i.lastSyncedAt) && <FirstLinkTips />}
          <div className="overview-grid">
            <NetWorthSection days={30} compact />
            <SpendingCompare />
            <Attention />
            <Upcoming />
          </div>
        </>
      )}
    </Page>
  );
}

function Onboarding() {
  return (
    <Empty>
      <h2>Welcome</h2>
      <ol className="steps">
        <li>
          <strong>Link a bank</strong> on <Link to="/items">Connections</Link>: you sign in at your bank in a
          window of its own; we never see your bank password.
        </li>
        <li>We fetch your accounts and up to two years of transactions. It takes a minute.</li>
        <li>This page then shows your net worth, your spending this month and the payments coming up.</li>
      </ol>
    </Empty>
  );
}

// Shown after the first link, until the first sync has brought the data in.
function FirstLinkTips() {
  const [open, setOpen] = useState(true);
  if (!open) return null;
  return (
    <section className="notice info onboarding" aria-labelledby="tips-title">
      <h2 id="tips-title">Your first bank is linked</h2>
      <ul>
        <li>Transactions are on their way; this page fills in by itself.</li>
        <li>
          Rename or hide accounts under <Link to="/accounts">Accounts</Link>.
        </li>
        <li>
          Fix a category once under <Link to="/transactions">Transactions</Link> and make it a rule for the
          next ones.
        </li>
      </ul>
      <button type="button" onClick={() => setOpen(false)}>
        Got it
      </button>
    </section>
  );
}

function SpendingCompare() {
  const b = monthBounds();
  const now = useQuery(spendingQuery({ from: b.thisStart, to: isoDay(0), groupBy: 'category' }));
  const before = useQuery(spendingQuery({ from: b.lastStart, to: b.lastSameDay, groupBy: 'category' }));
  const error = now.error ?? before.error;
  const totals = now.data?.totals ?? [];
  const previous = new Map((before.data?.totals ?? []).map((t) => [t.currency, t.outflow]));
  return (
    <section className="card" aria-labelledby="spending-title">
      <h2 id="spending-title">Spending this month</h2>
      <ErrorNotice error={error} />
      {(now.isPending || before.isPending) && !error && <Loading label="Adding up this month…" />}
      {now.data && totals.length === 0 && <p className="muted">No spending yet this month.</p>}
      {totals.map((t) => {
        const last = previous.get(t.currency) ?? 0;
        const delta = t.outflow - last;
        return (
          <div key={t.currency ?? 'none'}>
            <p className="amount-large">{formatMoney(t.outflow, t.currency)}</p>
            <p className="muted">
              {last === 0
                ? 'Nothing spent in the same days of last month.'
                : `${formatMoney(Math.abs(delta), t.currency)} ${delta > 0 ? 'more' : 'less'} than by this day last month (${formatMoney(last, t.currency)}).`}
            </p>
          </div>
        );
      })}
      <p>
        <Link to="/insights">Where it went</Link>
      </p>
    </section>
  );
}

function Attention() {
  const items = useQuery(itemsQuery);
  const needy = (items.data?.data ?? []).filter(
    (i) => guidance(i).action !== null || i.status === 'error' || i.status === 'revoked' || i.stale,
  );
  return (
    <section className="card" aria-labelledby="attention-title">
      <h2 id="attention-title">Needs your attention</h2>
      {needy.length === 0 && <p className="muted">Nothing: every connection is working.</p>}
      <ul className="plain">
        {needy.map((i) => (
          <li key={i.id}>
            <strong>{i.institutionName ?? 'Bank'}</strong> <StatusBadge item={i} />
            <p>{guidance(i).headline ?? 'The data may be out of date.'}</p>
          </li>
        ))}
      </ul>
      {needy.length > 0 && (
        <p>
          <Link to="/items">Go to Connections</Link>
        </p>
      )}
    </section>
  );
}

function Upcoming() {
  const res = useQuery(recurringQuery());
  const horizon = isoDay(31);
  const today = isoDay(0);
  const upcoming = (res.data?.outflows ?? [])
    .filter(
      (s) =>
        s.isActive && s.predictedNextDate && s.predictedNextDate >= today && s.predictedNextDate <= horizon,
    )
    .sort((a, b) => (a.predictedNextDate ?? '').localeCompare(b.predictedNextDate ?? ''))
    .slice(0, 6);
  return (
    <section className="card" aria-labelledby="upcoming-title">
      <h2 id="upcoming-title">Coming up</h2>
      <ErrorNotice error={res.error} />
      {res.isPending && <Loading label="Looking for recurring payments…" />}
      {res.data && upcoming.length === 0 && (
        <p className="muted">No recurring payment is expected in the next month.</p>
      )}
      <ul className="plain upcoming">
        {upcoming.map((s) => (
          <li key={s.id}>
            <span>
              {s.merchantName ?? s.description}
              <span className="muted small"> · {formatDate(s.predictedNextDate ?? today)}</span>
            </span>
            <span className="amount">{formatMoney(Math.abs(s.lastAmount), s.isoCurrencyCode)}</span>
          </li>
        ))}
      </ul>
      {upcoming.length > 0 && (
        <p>
          <Link to="/recurring">All recurring payments</Link>
        </p>
      )}
    </section>
  );
}
