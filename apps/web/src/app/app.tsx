import { useQuery } from '@tanstack/react-query';
import { type ReactNode, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { client, getSession, logout, restoreSession, subscribeSession, unwrap } from '../api/client';
import { Loading, Page } from '../components/ui';
import { AuthScreen } from '../features/auth/auth-screen';
import { DeletionProgress, useDeletionInProgress } from '../features/settings/deletion';
import { ErrorBoundary } from './error-boundary';
import { LiveProvider, makeQueryClient, QueryProvider, useLiveStatus } from './providers';
import { Link, navigate, useLocation } from './router';
import { HOME, PUBLIC_PATHS, ROUTES } from './routes';

export function App() {
  const session = useSyncExternalStore(subscribeSession, getSession);
  const deletion = useDeletionInProgress();
  const { pathname } = useLocation();
  // One cache per signed-in session: nothing of one user's data is left for the next one on this page.
  const [queryClient, setQueryClient] = useState(makeQueryClient);

  useEffect(() => {
    void restoreSession().catch(() => undefined);
  }, []);

  useEffect(() => {
    if (session.status === 'signedOut') setQueryClient((old) => (old.clear(), makeQueryClient()));
  }, [session.status]);

  // Signed in on a public page → the app; signed out on an app page → the login page.
  useEffect(() => {
    if (session.status === 'signedIn' && (PUBLIC_PATHS.has(pathname) || pathname === '/'))
      navigate(HOME, { replace: true });
    if (session.status === 'signedOut' && !PUBLIC_PATHS.has(pathname)) navigate('/login', { replace: true });
  }, [session.status, pathname]);

  if (session.status === 'unknown') return <Loading label="Loading…" />;
  if (session.status === 'signedOut')
    return (
      <div className="shell">
        <header className="top">
          <span className="brand">Ledger</span>
        </header>
        {/* An account deletion that ended the session shows its progress until it completes. */}
        {deletion ? (
          <DeletionProgress url={deletion} />
        ) : (
          <AuthScreen
            key={pathname}
            mode={pathname === '/signup' ? 'signup' : 'login'}
            message={session.message}
          />
        )}
      </div>
    );
  return (
    <QueryProvider client={queryClient}>
      <LiveProvider client={queryClient}>
        <Shell pathname={pathname} />
      </LiveProvider>
    </QueryProvider>
  );
}

function Shell({ pathname }: { pathname: string }) {
  const status = useLiveStatus();
  const me = useQuery({ queryKey: ['me'], queryFn: () => unwrap(client.GET('/v1/auth/me')) });
  const route = ROUTES.find((r) => r.path === pathname);
  const Screen = route?.screen ?? NotFound;

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Ledger</span>
        <nav aria-label="Main">
          {ROUTES.map((r) => (
            <Link key={r.path} to={r.path} aria-current={r.path === pathname ? 'page' : undefined}>
              {r.label}
            </Link>
          ))}
        </nav>
        <div className="who">
          <span className={`live live-${status}`} title={`Live updates: ${status}`}>
            <span className="sr-only">Live updates: </span>
            {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting' : 'Not live'}
          </span>
          {me.data && <span className="email">{me.data.email}</span>}
          <button type="button" onClick={() => void logout().catch(() => undefined)}>
            Log out
          </button>
        </div>
      </header>
      <ErrorBoundary key={pathname}>
        <Suspense fallback={<Loading label="Loading…" />}>
          <Screen />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}

export function NotFound(): ReactNode {
  return (
    <Page title="Page not found">
      <p>There is no page at this address.</p>
      <p>
        <Link to={HOME}>Go to your connections</Link>
      </p>
    </Page>
  );
}
