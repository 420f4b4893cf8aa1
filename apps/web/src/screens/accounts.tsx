import { type Account, listAccounts, listItems } from '../api';
import { ErrorNotice, Loading, StatusBadge } from '../components';
import { formatMoney } from '../format';
import { useResource } from '../hooks';
import { Link } from '../router';

// Plaid reports what a credit card or a loan owes as a positive balance: it counts against net worth.
const isDebt = (account: Account): boolean => account.type === 'credit' || account.type === 'loan';

const accountEvents = (e: { type: string }): boolean =>
  e.type === 'accounts.changed' || e.type === 'item.updated' || e.type === 'item.removed';

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
  const load = async () => {
    const [items, accounts] = await Promise.all([listItems(), listAccounts()]);
    return { items: items.data, accounts: accounts.data };
  };
  const res = useResource(load, [], accountEvents);
  const data = res.data;

  return (
    <main id="main">
      <div className="page-head">
        <h1>Accounts</h1>
      </div>
      <ErrorNotice error={res.error} />
      {!data && res.loading && <Loading label="Loading your accounts…" />}
      {data && data.accounts.length === 0 && (
        <div className="empty">
          <p>No accounts yet.</p>
          <p>
            <Link to="/items">Link a bank</Link>; its accounts appear here as soon as they are fetched.
          </p>
        </div>
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
    </main>
  );
}
