import {
  type FormEvent,
  type InputHTMLAttributes,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
} from 'react';
import { type ApiError, listAccounts, listItems, listTransactions, type Transaction } from '../api';
import { ErrorNotice, Loading } from '../components';
import { formatDate, formatMoney, humanize } from '../format';
import { LiveContext, toApiError, useResource } from '../hooks';
import { navigate, useLocation } from '../router';

// The filters live in the URL (shareable, kept by reload and Back); the names are the API's query parameters.
const FILTERS = ['itemId', 'accountId', 'from', 'to', 'pending', 'minAmount', 'maxAmount', 'search'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;
const PAGE_SIZE = '50';

function readFilters(search: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTERS) {
    const value = search.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

export function TransactionsScreen() {
  const { search } = useLocation();
  const filters = readFilters(search);
  const key = JSON.stringify(filters);
  const options = useResource(
    async () => {
      const [items, accounts] = await Promise.all([listItems(), listAccounts()]);
      return { items: items.data, accounts: accounts.data };
    },
    [],
    (e) => e.type === 'accounts.changed' || e.type === 'item.removed' || e.type === 'item.updated',
  );
  const [rows, setRows] = useState<Transaction[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError>();
  const generation = useRef(0);
  const pagesLoaded = useRef(0);

  // A page of the current filters; `from` null starts over (a filter change, a live change).
  const loadPage = useCallback(
    async (from: string | null): Promise<void> => {
      const mine = from === null ? ++generation.current : generation.current;
      setLoading(true);
      try {
        const page = await listTransactions({
          ...(JSON.parse(key) as Filters),
          limit: PAGE_SIZE,
          cursor: from ?? undefined,
        });
        if (mine !== generation.current) return;
        setRows((prev) => (from === null ? page.data : [...prev, ...page.data]));
        pagesLoaded.current = from === null ? 1 : pagesLoaded.current + 1;
        setCursor(page.nextCursor);
        setDone(page.nextCursor === null);
        setError(undefined);
      } catch (err) {
        if (mine === generation.current) setError(toApiError(err));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [key],
  );

  useEffect(() => {
    setRows([]);
    setDone(false);
    void loadPage(null);
  }, [loadPage]);

  const live = useContext(LiveContext);
  useEffect(
    () =>
      live?.on((e) => {
        if (e.type === 'transactions.changed' || e.type === 'item.removed' || e.type === 'resync-required')
          void loadPage(null);
        // Polling without a stream: only while the first page is all there is, never under a reader's scroll.
        else if (e.type === 'poll' && pagesLoaded.current <= 1) void loadPage(null);
      }),
    [live, loadPage],
  );

  // Infinite scroll: the next page loads when the end of the list comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || done || loading || error || cursor === null) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadPage(cursor);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [cursor, done, loading, error, loadPage]);

  const accountName = (id: string): string => {
    const a = options.data?.accounts.find((x) => x.id === id);
    return a ? `${a.name}${a.mask ? ` ••${a.mask}` : ''}` : '';
  };

  return (
    <main id="main">
      <div className="page-head">
        <h1>Transactions</h1>
      </div>
      <FilterForm key={key} filters={filters} options={options.data} />
      <ErrorNotice error={error ?? options.error} />
      {rows.length === 0 && loading && <Loading label="Loading transactions…" />}
      {rows.length === 0 && !loading && !error && (
        <div className="empty">
          <p>
            {Object.keys(filters).length > 0
              ? 'No transactions match these filters.'
              : 'No transactions yet.'}
          </p>
        </div>
      )}
      {rows.length > 0 && (
        <ul className="transactions" aria-label="Transactions, newest first">
          {rows.map((t) => (
            <li key={t.id} className="transaction">
              <Logo t={t} />
              <div className="t-main">
                <p className="t-name">
                  {t.merchantName ?? t.name}
                  {t.pending && <span className="badge badge-pending">Pending</span>}
                </p>
                <p className="muted">
                  {formatDate(t.date)}
                  {t.category?.primary && ` · ${humanize(t.category.primary)}`}
                  {accountName(t.accountId) && ` · ${accountName(t.accountId)}`}
                </p>
              </div>
              <p className={`t-amount ${t.amount < 0 ? 'in' : 'out'}`}>
                {t.amount < 0 ? '+' : '−'}
                {formatMoney(Math.abs(t.amount), t.isoCurrencyCode)}
              </p>
            </li>
          ))}
        </ul>
      )}
      <div ref={sentinel} />
      {rows.length > 0 && !done && (
        <p className="more">
          <button type="button" onClick={() => cursor && void loadPage(cursor)} disabled={loading}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
    </main>
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

const AMOUNT = { type: 'number', inputMode: 'decimal', step: '0.01' } as const;

// One labelled input of the filter form, bound to one filter of the draft.
function FilterInput({
  name,
  label,
  draft,
  set,
  ...input
}: {
  name: keyof Filters;
  label: string;
  draft: Filters;
  set: (k: keyof Filters, v: string) => void;
} & Pick<InputHTMLAttributes<HTMLInputElement>, 'type' | 'inputMode' | 'step'>) {
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} value={draft[name] ?? ''} onChange={(e) => set(name, e.target.value)} />
    </div>
  );
}

interface Options {
  items: { id: string; institutionName: string | null }[];
  accounts: { id: string; itemId: string; name: string; mask: string | null }[];
}

function FilterForm({ filters, options }: { filters: Filters; options: Options | undefined }) {
  const [draft, setDraft] = useState<Filters>(filters);
  const [wide] = useState(() => window.matchMedia('(min-width: 40rem)').matches);
  const set = (k: keyof Filters, v: string): void => setDraft((d) => ({ ...d, [k]: v }));

  const apply = (next: Filters): void => {
    const params = new URLSearchParams();
    for (const k of FILTERS) if (next[k]) params.set(k, next[k]);
    const qs = params.toString();
    navigate(`/transactions${qs ? `?${qs}` : ''}`);
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    apply(draft);
  };
  const accounts = options?.accounts.filter((a) => !draft.itemId || a.itemId === draft.itemId) ?? [];

  const active = FILTERS.filter((k) => filters[k]).length;
  return (
    // Open on a wide screen; on a phone the list comes first and the filters one tap away.
    <details className="filters-box" open={wide || active > 0}>
      <summary>Filters{active > 0 ? ` (${active})` : ''}</summary>
      <form className="filters" onSubmit={submit} aria-label="Filter transactions">
        <FilterInput name="search" label="Search" type="search" draft={draft} set={set} />
        <div className="field">
          <label htmlFor="f-item">Bank</label>
          <select
            id="f-item"
            value={draft.itemId ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, itemId: e.target.value, accountId: '' }))}
          >
            <option value="">All banks</option>
            {options?.items.map((i) => (
              <option key={i.id} value={i.id}>
                {i.institutionName ?? 'Bank'}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-account">Account</label>
          <select
            id="f-account"
            value={draft.accountId ?? ''}
            onChange={(e) => set('accountId', e.target.value)}
          >
            <option value="">All accounts</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.mask ? ` ••${a.mask}` : ''}
              </option>
            ))}
          </select>
        </div>
        <FilterInput name="from" label="From" type="date" draft={draft} set={set} />
        <FilterInput name="to" label="To" type="date" draft={draft} set={set} />
        <div className="field">
          <label htmlFor="f-pending">Status</label>
          <select id="f-pending" value={draft.pending ?? ''} onChange={(e) => set('pending', e.target.value)}>
            <option value="">Posted and pending</option>
            <option value="true">Pending only</option>
            <option value="false">Posted only</option>
          </select>
        </div>
        <FilterInput name="minAmount" label="Min amount" {...AMOUNT} draft={draft} set={set} />
        <FilterInput name="maxAmount" label="Max amount" {...AMOUNT} draft={draft} set={set} />
        <div className="filter-actions">
          <button className="primary" type="submit">
            Apply
          </button>
          <button type="button" onClick={() => apply({})}>
            Clear
          </button>
        </div>
      </form>
    </details>
  );
}
