import { useQuery } from '@tanstack/react-query';
import { Link } from '../../app/router';
import { Empty, ErrorNotice, Loading, Page } from '../../components/ui';
import { formatMoney } from '../../lib/format';
import { itemsQuery } from '../connections/api';
import { StatusBadge } from '../connections/status-badge';
import { type Account, accountsQuery, isDebt } from './api';

function netWorth(accounts: Account[]): [string, number][] {
  const totals = new Map<string, number>();
  for (const a of accounts) {
    const currency = a.balances.isoCurrencyCode ?? 'USD';
    const current = a.balances.current ?? 0;
    totals.set(currency, (totals.get(currency) ?? 0) + (isDebt(a) ? -current : current));
  }
  return [...totals.entries()];
}

export function AccountsScreen() {
  const itemsRes = useQuery(itemsQuery);
  const accountsRes = useQuery(accountsQuery);
  const data =
    itemsRes.data && accountsRes.data
      ? { items: itemsRes.data.data, accounts: accountsRes.data.data }
      : undefined;
  const error = itemsRes.error ?? accountsRes.error;

  return (
    <Page title="Accounts">
      <ErrorNotice error={error} />
      {!data && !error && <Loading label="Loading your accounts…" />}
      {data && data.accounts.length === 0 && (
        <Empty>
          <p>No accounts yet.</p>
          <p>
            <Link to="/items">Link a bank</Link>; its accounts appear here as soon as they are fetched.
          </p>
        </Empty>
      )}
      {data && data.accounts.length > 0 && (
        <section className="net-worth" aria-labelledby="net-worth-title">
          <h2 id="net-worth-title">Net worth</h2>
          {netWorth(data.accounts).map(([currency, total]) => (
            <p key={currency} className="amount-large">
              {formatMoney(total, currency)}
            </p>
          ))}
        </section>
      )}
      {data?.items.map((item) => {
        const accounts = data.accounts.filter((a) => a.itemId === item.id);
        if (accounts.length === 0) return null;
        return (
          <section key={item.id} className="group" aria-labelledby={`group-${item.id}`}>
            <div className="card-head">
              <h2 id={`group-${item.id}`}>{item.institutionName ?? 'Bank'}</h2>
              <StatusBadge item={item} />
            </div>
            <table className="accounts">
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="num">
                    Current
                  </th>
                  <th scope="col" className="num">
                    Available
                  </th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">
                      {a.displayName ?? a.name}
                      {a.mask && <span className="muted"> ••{a.mask}</span>}
                      {a.status !== 'active' && <span className="muted"> ({a.status})</span>}
                    </th>
                    <td>{a.subtype ?? a.type}</td>
                    <td className="num">
                      {a.balances.current === null
                        ? '—'
                        : isDebt(a)
                          ? `${formatMoney(a.balances.current, a.balances.isoCurrencyCode)} owed`
                          : formatMoney(a.balances.current, a.balances.isoCurrencyCode)}
                    </td>
                    <td className="num">
                      {a.balances.available === null
                        ? '—'
                        : formatMoney(a.balances.available, a.balances.isoCurrencyCode)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </Page>
  );
}
