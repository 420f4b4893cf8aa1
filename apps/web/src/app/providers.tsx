import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { LiveCache } from './live-cache';
import { LiveFeed, type LiveStatus } from './live';

// Server errors and an unreachable gateway are worth a retry; what the API refused (4xx) is not.
const retry = (failures: number, error: unknown): boolean =>
  failures < 2 && error instanceof ApiError && (error.status === 0 || error.status >= 500);

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // A screen shows what the cache has at once and asks again as it opens (the change feed keeps the cache
      // current between visits; the refetch covers what it does not carry).
      queries: { retry, staleTime: 0, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

const LiveStatusContext = createContext<LiveStatus>('offline');
export const useLiveStatus = (): LiveStatus => useContext(LiveStatusContext);
const LiveCacheContext = createContext<LiveCache | null>(null);
export const useLiveCache = (): LiveCache | null => useContext(LiveCacheContext);

export function QueryProvider({ client, children }: { client: QueryClient; children: ReactNode }) {
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

// Signed in: the change feed runs and keeps the query cache current (LiveCache).
export function LiveProvider({ client, children }: { client: QueryClient; children: ReactNode }) {
  const [feed] = useState(() => new LiveFeed());
  const [cache] = useState(() => new LiveCache(client));
  const [status, setStatus] = useState<LiveStatus>(feed.status);
  useEffect(() => {
    const offEvents = feed.on((event) => cache.handle(event));
    const offStatus = feed.onStatus(setStatus);
    cache.start();
    feed.start();
    return () => {
      offEvents();
      offStatus();
      feed.stop();
      cache.stop();
    };
  }, [feed, cache]);
  return (
    <LiveCacheContext.Provider value={cache}>
      <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>
    </LiveCacheContext.Provider>
  );
}

// Every query and mutation of this app fails with an ApiError (api/client.ts turns everything into one).
declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError;
  }
}
