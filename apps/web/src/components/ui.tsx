import { type ReactNode, useEffect, useRef } from 'react';
import { type ApiError } from '../api/client';
import { formatWait } from '../lib/format';

// An error as the user should read it: the API's message (field problems are shown under their fields by the
// form); the request id only on real failures, where support can look it up, never under a validation message.
export function ErrorNotice({
  error,
  children,
}: {
  error: ApiError | null | undefined;
  children?: ReactNode;
}) {
  if (!error) return null;
  const message = error.retryAfterSeconds
    ? `${error.message.replace(/\.?$/, '.')} Try again in ${formatWait(error.retryAfterSeconds)}.`
    : error.message;
  return (
    <div className="notice error" role="alert">
      <p>{message}</p>
      {error.requestId && !error.isValidation && error.status !== 429 && (
        <p className="request-id">
          Request id: <code>{error.requestId}</code>
        </p>
      )}
      {children}
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

// Set by the router on every in-app navigation: the next page to mount takes focus on its heading, so a screen
// reader announces where the user landed and Tab continues from there. The first page load leaves focus alone.
let focusOnNextPage = false;
export function focusNextPageHeading(): void {
  focusOnNextPage = true;
}

// A screen's <main> and its one <h1>.
export function Page({
  title,
  actions,
  children,
  className,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — Ledger`;
    if (focusOnNextPage) {
      focusOnNextPage = false;
      heading.current?.focus();
    }
  }, [title]);
  return (
    <main id="main" className={className}>
      <div className="page-head">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </main>
  );
}
