import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { ApiError } from './api';
import { type LiveEvent, type LiveFeed } from './live';

export const LiveContext = createContext<LiveFeed | null>(null);

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'CLIENT', err instanceof Error ? err.message : 'Something went wrong', null);
}

export interface Resource<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  reload: () => void;
}

// One API read, reloaded when `deps` change or when a live event says it is stale. A reload keeps showing the
// data it has (no flicker); an answer that arrives after a newer request started is dropped.
export function useResource<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  staleOn?: (event: LiveEvent) => boolean,
): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const staleRef = useRef(staleOn);
  staleRef.current = staleOn;

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ data, loading: false });
      },
      (err: unknown) => {
        if (mine === generation.current)
          setState((s) => ({ data: s.data, error: toApiError(err), loading: false }));
      },
    );
  }, []);

  // `deps` are the caller's: what the read depends on (filters, ids).
  useEffect(reload, deps);

  const live = useContext(LiveContext);
  useEffect(
    () =>
      live?.on((event) =>
        event.type === 'resync-required' || event.type === 'poll' || staleRef.current?.(event)
          ? reload()
          : undefined,
      ),
    [live, reload],
  );
  return { ...state, reload };
}

// Seconds left of a Retry-After, ticking down to 0.
export function useCountdown(): [number, (seconds: number) => void] {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= now) return;
    const t = window.setTimeout(() => setNow(Date.now()), 250);
    return () => window.clearTimeout(t);
  }, [until, now]);
  const start = useCallback((seconds: number) => {
    setNow(Date.now());
    setUntil(Date.now() + seconds * 1000);
  }, []);
  return [Math.max(0, Math.ceil((until - now) / 1000)), start];
}
