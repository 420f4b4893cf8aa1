import { Component, type ErrorInfo, type ReactNode, useEffect, useState, useSyncExternalStore } from 'react';
import { getMe, getSession, logout, restoreSession, subscribeSession } from './api';
import { ErrorNotice, Loading } from './components';
import { LiveContext, toApiError } from './hooks';
import { LiveFeed, type LiveStatus } from './live';
import { Link, navigate, useLocation } from './router';
import { AccountsScreen } from './screens/accounts';
import { AuthScreen } from './screens/auth';
import { ItemsScreen } from './screens/items';
import { TransactionsScreen } from './screens/transactions';

const PUBLIC_PATHS = new Set(['/login', '/signup']);

export function App() {
  const session = useSyncExternalStore(subscribeSession, getSession);
  const { pathname } = useLocation();

  useEffect(() => {
    void restoreSession().catch(() => undefined);
  }, []);

  // Signed in on a public page → the app; signed out on an app page → the login page.
  useEffect(() => {
    if (session.status === 'signedIn' && (PUBLIC_PATHS.has(pathname) || pathname === '/'))
      navigate('/items', { replace: true });
    if (session.status === 'signedOut' && !PUBLIC_PATHS.has(pathname)) navigate('/login', { replace: true });
  }, [session.status, pathname]);

  if (session.status === 'unknown') return <Loading label="Loading…" />;
  if (session.status === 'signedOut')
    return (
      <div className="shell">
        <header className="top">
          <span className="brand">Ledger</span>
        </header>
        <AuthScreen
          key={pathname}
          mode={pathname === '/signup' ? 'signup' : 'login'}
          message={session.message}
        />
      </div>
    );
  return <SignedIn pathname={pathname} />;
}

function SignedIn({ pathname }: { pathname: string }) {
  const [live] = useState(() => new LiveFeed());
  const [status, setStatus] = useState<LiveStatus>(live.status);
  const [email, setEmail] = useState<string | null>(null);

  useEffect(() => {
    const off = live.onStatus(setStatus);
    live.start();
    return () => {
      off();
      live.stop();
    };
  }, [live]);

  useEffect(() => {
    getMe().then(
      (me) => setEmail(me.email),
      () => undefined,
    );
  }, []);

  let screen: ReactNode;
  switch (pathname) {
    case '/accounts':
      screen = <AccountsScreen />;
      break;
    case '/transactions':
      screen = <TransactionsScreen />;
      break;
    default:
      screen = <ItemsScreen />;
  }

  return (
    <LiveContext.Provider value={live}>
      <div className="shell">
        <a className="skip" href="#main">
          Skip to content
        </a>
        <header className="top">
          <span className="brand">Ledger</span>
          <nav aria-label="Main">
            <NavLink to="/items" current={pathname}>
              Connections
            </NavLink>
            <NavLink to="/accounts" current={pathname}>
              Accounts
            </NavLink>
            <NavLink to="/transactions" current={pathname}>
              Transactions
            </NavLink>
          </nav>
          <div className="who">
            <span className={`live live-${status}`} title={`Live updates: ${status}`}>
              <span className="sr-only">Live updates: </span>
              {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting' : 'Not live'}
            </span>
            {email && <span className="email">{email}</span>}
            <button type="button" onClick={() => void logout().catch(() => undefined)}>
              Log out
            </button>
          </div>
        </header>
        <ErrorBoundary key={pathname}>{screen}</ErrorBoundary>
      </div>
    </LiveContext.Provider>
  );
}

function NavLink({ to, current, children }: { to: string; current: string; children: ReactNode }) {
  const active = current === to || (to === '/items' && current === '/');
  return (
    <Link to={to} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

// A bug in a screen shows a message instead of a blank page.
class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  componentDidCatch(_error: unknown, _info: ErrorInfo): void {
    // Shown to the user by render(); nothing else to do here.
  }

  render(): ReactNode {
    if (this.state.error)
      return (
        <main id="main">
          <ErrorNotice error={toApiError(this.state.error)}>
            <button type="button" onClick={() => window.location.reload()}>
              Reload
            </button>
          </ErrorNotice>
        </main>
      );
    return this.props.children;
  }
}
