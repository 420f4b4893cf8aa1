import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import { type ReactElement } from 'react';
import { vi } from 'vitest';

// Renders with a fresh query cache (no retries: an error shows at once).
export function renderWithQueries(ui: ReactElement): RenderResult & { queryClient: QueryClient } {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return { ...render(<QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>), queryClient };
}

type Handler = (url: URL, init: Request) => unknown;

// The gateway, as the tests need it: answers by "METHOD /path" with JSON (or an error shape with its status).
// A request nobody answers fails the test loudly.
export function mockGateway(routes: Record<string, unknown>): ReturnType<typeof vi.fn> {
  const fetchMock = vi.fn(async (input: Request) => {
    const url = new URL(input.url);
    const key = `${input.method} ${url.pathname}`;
    if (!(key in routes)) throw new Error(`unexpected request ${key}`);
    const route = routes[key];
    const body = typeof route === 'function' ? await (route as Handler)(url, input) : route;
    if (body instanceof Response) return body;
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

export function errorResponse(status: number, code: string, message: string, details?: unknown): Response {
  return new Response(JSON.stringify({ statusCode: status, code, message, requestId: 'req-123', details }), {
    status,
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'req-123' },
  });
}
