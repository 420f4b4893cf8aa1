import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, navigate, useLocation } from '../../app/router';
import { Empty, ErrorNotice, Loading, Page } from '../../components/ui';
import { categoryLabel, formatDate, formatSigned, humanize } from '../../lib/format';
import { accountLabel, accountsQuery } from '../accounts/api';
import { itemsQuery } from '../connections/api';
import { type Filters, filtersToSearch, readFilters, type Transaction, transactionListQuery } from './api';
import { BulkBar } from './bulk-bar';
import { FilterForm } from './filter-form';
import { TransactionDrawer } from './transaction-drawer';

export function TransactionsScreen() {
  const { search } = useLocation();
  const filters = useMemo(() => readFilters(search), [search]);
  const key = JSON.stringify(filters);
  const openId = search.get('open');
  const items = useQuery(itemsQuery);
  const accounts = useQuery(accountsQuery);
  const list = useInfiniteQuery(transactionListQuery(filters));
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkDone, setBulkDone] = useState<string | null>(null);
  useEffect(() => setSelected(new Set()), [key]);

  // Infinite scroll: the next page loads when the end of the list comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = list;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage || isFetchingNextPage || isError) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void fetchNextPage();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage]);

  const accountName = (id: string): string => {
    const a = accounts.data?.data.find((x) => x.id === id);
    return a ? accountLabel(a) : '';
  };
  const open = (id: string | null): void => {
    const params = new URLSearchParams(search);
    if (id) params.set('open', id);
    else params.delete('open');
    const qs = params.toString();
    navigate(`/transactions${qs ? `?${qs}` : ''}`, { replace: true });
  };
  const toggle = (id: string): void =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const filtered = Object.keys(filters).length > 0;

  return (
    <Page title="Transactions">
      <FilterForm
        filters={filters}
        items={items.data?.data ?? []}
        accounts={accounts.data?.data ?? []}
        onApply={(next: Filters) => navigate(`/transactions${filtersToSearch(next)}`)}
      />
      {filters.category && (
        <p className="notice info">
          Only {humanize(filters.category)}.{' '}
          <Link to={`/transactions${filtersToSearch({ ...filters, category: undefined })}`}>Show every category</Link>
        </p>
      )}
      <ErrorNotice error={list.error} />
      {list.isPending && <Loading label="Loading transactions…" />}
      {list.isSuccess && rows.length === 0 && !hasNextPage && (
        <Empty>
          <p>{filtered ? 'No transactions match these filters.' : 'No transactions yet.'}</p>
        </Empty>
      )}
      {selected.size > 0 && (
        <BulkBar
          ids={[...selected]}
          rows={rows}
          onDone={(message) => {
            setBulkDone(message ?? null);
            setSelected(new Set());
          }}
        />
      )}
      {bulkDone && selected.size === 0 && (
        <p className="notice info" role="status">
          {bulkDone}
        </p>
      )}
      {rows.length > 0 && (
        <ul className="transactions" aria-label="Transactions, newest first">
          {rows.map((t) => (
            <Row
              key={t.id}
              t={t}
              account={accountName(t.accountId)}
              selected={selected.has(t.id)}
              onToggle={() => toggle(t.id)}
              onOpen={() => open(t.id)}
            />
          ))}
        </ul>
      )}
      <div ref={sentinel} />
      {rows.length > 0 && hasNextPage && (
        <p className="more">
          <button type="button" onClick={() => void fetchNextPage()} aria-disabled={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
      {openId && <TransactionDrawer id={openId} onClose={() => open(null)} />}
    </Page>
  );
}

function Row({
  t,
  account,
  selected,
  onToggle,
  onOpen,
}: {
  t: Transaction;
  account: string;
  selected: boolean;
  onToggle: () => void;
  onOpen: () => void;
}) {
  const name = t.displayName ?? t.merchantName ?? t.name;
  return (
    <li className={`transaction${selected ? ' selected' : ''}`}>
      <input
        type="checkbox"
        className="t-select"
        checked={selected}
        onChange={onToggle}
        aria-label={`Select ${name}, ${formatDate(t.date)}`}
      />
      <Logo t={t} />
      <div className="t-main">
        <p className="t-name">
          <button type="button" className="link-button" onClick={onOpen}>
            {name}
          </button>
          {t.pending && <span className="badge badge-pending">Pending</span>}
          {t.transferPairId && <span className="badge badge-transfer">Transfer</span>}
        </p>
        <p className="muted">
          {formatDate(t.date)}
          {` · ${categoryLabel(t.category)}`}
          {account && ` · ${account}`}
        </p>
      </div>
      <p className={`t-amount ${t.amount < 0 ? 'in' : 'out'}`}>{formatSigned(t.amount, t.isoCurrencyCode)}</p>
    </li>
  );
}

function Logo({ t }: { t: Transaction }) {
  const [broken, setBroken] = useState(false);
  if (t.logoUrl && !broken)
    return (
      <img className="logo" src={t.logoUrl} alt="" width={36} height={36} onError={() => setBroken(true)} />
    );
  const letter = (t.merchantName ?? t.name).trim().charAt(0).toUpperCase() || '?';
  return (
    <span className="logo logo-letter" aria-hidden="true">
      {letter}
    </span>
  );
}
