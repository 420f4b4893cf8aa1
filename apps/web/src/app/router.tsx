import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';
import { focusNextPageHeading } from '../components/ui';

// A few routes and query-string filters do not need a routing library: the History API and one event.
const CHANGE = 'app:navigate';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(CHANGE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(CHANGE, listener);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams };
}

// `replace` rewrites the current entry (a redirect, a filter change); a new path moves focus to the new page's
// heading, a change of the query string alone (filters) leaves focus where the user is.
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  const nextPath = new URL(to, window.location.origin).pathname;
  if (nextPath !== window.location.pathname) focusNextPageHeading();
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

if (typeof window !== 'undefined') window.addEventListener('popstate', focusNextPageHeading);

export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    // New tab, new window: the browser's business.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={onClick} {...rest} />;
}
