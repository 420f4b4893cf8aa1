import './accounts.css';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { type ApiError, toApiError } from '../../api/client';
import { Link } from '../../app/router';
import { Empty, ErrorNotice, Loading, Page } from '../../components/ui';
import { formatDate, formatMoney, formatWait } from '../../lib/format';
import { useCountdown } from '../../lib/use-countdown';
import { type Item, itemsQuery } from '../connections/api';
import { StatusBadge } from '../connections/status-badge';
import {
  type Account,
  allAccountsQuery,
  balancesQuery,
  isDebt,
  refreshBalances,
  STATUS_TEXT,
  updateAccount,
} from './api';
import { LineChart } from './line-chart';
import { NetWorthSection } from './net-worth';

export function AccountsScreen() {
  const itemsRes = useQuery(itemsQuery);
  const accountsRes = useQuery(allAccountsQuery);
  const error = itemsRes.error ?? accountsRes.error;
  const items = itemsRes.data?.data;
  const accounts = accountsRes.data?.data;
  const hidden = accounts?.filter((a) => a.hidden) ?? [];

  return (
    <Page title="Accounts">
      <ErrorNotice error={error} />
      {(itemsRes.isPending || accountsRes.isPending) && !error && <Loading label="Loading your accounts…" />}
      {accounts && accounts.length === 0 && (
        <Empty>
          <p>No accounts yet.</p>
          <p>
            <Link to="/items">Link a bank</Link>; its accounts appear here as soon as they are fetched.
          </p>
        </Empty>
      )}
      {accounts && accounts.length > 0 && <NetWorthSection />}
      {items?.map((item) => {
        const own = accounts?.filter((a) => a.itemId === item.id && !a.hidden) ?? [];
        if (own.length === 0) return null;
        return <ItemGroup key={item.id} item={item} accounts={own} />;
      })}
      {hidden.length > 0 && (
        <section className="group" aria-labelledby="hidden-title">
          <h2 id="hidden-title">Hidden accounts</h2>
          <p className="muted">Hidden accounts stay out of net worth, spending and the transactions list.</p>
          <ul className="account-list">
            {hidden.map((a) => (
              <AccountRow key={a.id} account={a} />
            ))}
          </ul>
        </section>
      )}
    </Page>
  );
}

function ItemGroup({ item, accounts }: { item: Item; accounts: Account[] }) {
  const queryClient = useQueryClient();
  const [wait, startWait] = useCountdown();
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = item.institutionName ?? 'Bank';

  const refresh = async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setNotice(null);
    try {
      await refreshBalances(item.id);
      setNotice('Balances are up to date.');
      await queryClient.invalidateQueries({ queryKey: ['accounts'] });
      await queryClient.invalidateQueries({ queryKey: ['net-worth'] });
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 429 && e.retryAfterSeconds) startWait(e.retryAfterSeconds);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="group" aria-labelledby={`group-${item.id}`}>
      <div className="card-head">
        <h2 id={`group-${item.id}`}>{name}</h2>
        <StatusBadge item={item} />
        <button
          type="button"
          className="push-right"
          onClick={() => void refresh()}
          aria-disabled={busy || wait > 0}
          disabled={wait > 0}
        >
          {busy ? 'Refreshing…' : 'Refresh balances'}
          <span className="sr-only"> of {name}</span>
        </button>
      </div>
      {wait > 0 && (
        <p className="notice warn" role="status">
          Balances were refreshed a moment ago. You can refresh again in {formatWait(wait)}.
        </p>
      )}
      {notice && wait === 0 && (
        <p className="notice info" role="status">
          {notice}
        </p>
      )}
      <ErrorNotice error={error} />
      <ul className="account-list">
        {accounts.map((a) => (
          <AccountRow key={a.id} account={a} />
        ))}
      </ul>
    </section>
  );
}

function balanceText(a: Account): string {
  if (a.balances.current === null) return 'No balance';
  const money = formatMoney(a.balances.current, a.balances.isoCurrencyCode);
  return isDebt(a) ? `${money} owed` : money;
}

function AccountRow({ account: a }: { account: Account }) {
  const queryClient = useQueryClient();
  const [renaming, setRenaming] = useState(false);
  const [history, setHistory] = useState(false);
  const [error, setError] = useState<ApiError>();
  const renameButton = useRef<HTMLButtonElement>(null);
  const name = a.displayName ?? a.name;
  const status = STATUS_TEXT[a.status];

  const save = async (body: { hidden?: boolean; displayName?: string | null }): Promise<boolean> => {
    setError(undefined);
    try {
      await updateAccount(a.id, body);
      await queryClient.invalidateQueries({ queryKey: ['accounts'] });
      await queryClient.invalidateQueries({ queryKey: ['net-worth'] });
      return true;
    } catch (err) {
      setError(toApiError(err));
      return false;
    }
  };

  return (
    <li className={`account ${a.status !== 'active' ? 'account-inactive' : ''}`}>
      <div className="account-main">
        <div>
          <p className="account-name">
            {name}
            {a.mask && <span className="muted"> ••{a.mask}</span>}
          </p>
          <p className="muted small">
            {[a.subtype ?? a.type, a.displayName ? `at the bank: ${a.name}` : null]
              .filter(Boolean)
              .join(' · ')}
          </p>
          {status && <p className={`account-status status-${a.status}`}>{status}</p>}
        </div>
        <div className="account-balance">
          <p className="amount">{balanceText(a)}</p>
          {a.balances.available !== null && !isDebt(a) && (
            <p className="muted small">
              {formatMoney(a.balances.available, a.balances.isoCurrencyCode)} available
            </p>
          )}
        </div>
      </div>
      {renaming ? (
        <RenameForm
          account={a}
          onSave={(displayName) => {
            setRenaming(false);
            void save({ displayName }).then(() => renameButton.current?.focus());
          }}
          onCancel={() => {
            setRenaming(false);
            window.setTimeout(() => renameButton.current?.focus(), 0);
          }}
        />
      ) : (
        <div className="actions">
          <button type="button" ref={renameButton} onClick={() => setRenaming(true)}>
            Rename<span className="sr-only"> {name}</span>
          </button>
          <button type="button" onClick={() => void save({ hidden: !a.hidden })}>
            {a.hidden ? 'Show' : 'Hide'}
            <span className="sr-only"> {name}</span>
          </button>
          <button type="button" aria-expanded={history} onClick={() => setHistory(!history)}>
            Balance history<span className="sr-only"> of {name}</span>
          </button>
        </div>
      )}
      <ErrorNotice error={error} />
      {history && <BalanceHistory account={a} />}
    </li>
  );
}

// Saves on Enter, cancels on Escape; an empty name (or the bank's own) goes back to the bank's name.
function RenameForm({
  account,
  onSave,
  onCancel,
}: {
  account: Account;
  onSave: (displayName: string | null) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [value, setValue] = useState(account.displayName ?? account.name);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const trimmed = value.trim();
    onSave(trimmed === '' || trimmed === account.name ? null : trimmed);
  };
  return (
    <form
      className="rename"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <label htmlFor={id}>Name for {account.name}</label>
      <input id={id} value={value} maxLength={100} autoFocus onChange={(e) => setValue(e.target.value)} />
      <div className="actions">
        <button type="submit" className="primary">
          Save name
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function BalanceHistory({ account }: { account: Account }) {
  const res = useQuery(balancesQuery(account.id));
  const currency = account.balances.isoCurrencyCode;
  const points = (res.data?.data ?? []).filter((p) => p.current !== null);
  const title = `Balance of ${account.displayName ?? account.name}, last 90 days`;
  return (
    <div className="history">
      <ErrorNotice error={res.error} />
      {res.isPending && <Loading label="Loading the balance history…" />}
      {res.data && points.length === 0 && (
        <p className="muted">No balance has been reported for this account yet.</p>
      )}
      {/* One point is a fact, not a trend: shown as such, never stretched into a flat line. */}
      {res.data && points.length === 1 && (
        <p className="muted">
          The history starts on {formatDate(points[0].date)} with{' '}
          {formatMoney(points[0].current ?? 0, currency)}. A chart appears from the second day on.
        </p>
      )}
      {points.length > 1 && (
        <LineChart
          title={title}
          dates={points.map((p) => p.date)}
          series={[
            {
              key: 'current',
              label: isDebt(account) ? 'Owed' : 'Balance',
              className: isDebt(account) ? 'line-liabilities' : 'line-net',
              values: points.map((p) => p.current ?? 0),
            },
          ]}
          format={(n) => formatMoney(n, currency)}
        />
      )}
    </div>
  );
}
