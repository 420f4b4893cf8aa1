// The one door to the gateway's REST API, typed by the gateway's own OpenAPI document (schema.d.ts, generated:
// `npm run openapi`). The access token lives in this module's memory only; the refresh token is an HttpOnly
// cookie that the gateway sets and reads (X-Session-Mode: cookie), out of JavaScript's reach.
import createClient from 'openapi-fetch';
import { type components, type paths } from './schema';

export type Schemas = components['schemas'];
export type ErrorDetail = Schemas['ErrorDetailDto'];

// The gateway's one error shape; `status` 0 when the gateway could not be reached at all.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly details: ErrorDetail[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  fieldErrors(field: string): string[] {
    return this.details.find((d) => d.field === field)?.messages ?? [];
  }

  // A problem with what the user typed: shown as such, without a request id (nothing for support to look up).
  get isValidation(): boolean {
    return this.status === 400 || this.status === 422;
  }
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'CLIENT', err instanceof Error ? err.message : 'Something went wrong', null);
}

export type SessionState =
  { status: 'unknown' } | { status: 'signedOut'; message?: string } | { status: 'signedIn' };

const COOKIE_SESSION = { 'X-Session-Mode': 'cookie' } as const;
// Routes that take no bearer token and never refresh-and-retry on 401 (a 401 there is the answer).
const ANONYMOUS = new Set(['/v1/auth/login', '/v1/auth/signup', '/v1/auth/refresh', '/v1/config']);

let accessToken: string | null = null;
let session: SessionState = { status: 'unknown' };
const listeners = new Set<() => void>();
// One refresh at a time: parallel requests that meet a 401 wait for the same one (the token rotates on use).
let refreshing: Promise<boolean> | null = null;

export function getSession(): SessionState {
  return session;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setSession(next: SessionState): void {
  session = next;
  listeners.forEach((l) => l());
}

// Ends the session on this page (after a revocation or a failed refresh) with a message for the login page.
export function endSession(message?: string): void {
  accessToken = null;
  setSession({ status: 'signedOut', message });
}

// Sends a request with the access token; an expired one is refreshed through the cookie and the request sent
// once more. Network failures and error answers become ApiError.
async function authFetch(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  const anonymous = ANONYMOUS.has(path);
  const retry = anonymous ? null : request.clone();
  const res = await send(request, anonymous);
  if (res.status !== 401 || !retry) return res;
  // An expired access token: refresh silently and try once more; a dead session goes back to the login page.
  if (await refreshAccessToken()) return send(retry, false);
  endSession('Your session has ended. Please log in again.');
  return res;
}

async function send(request: Request, anonymous: boolean): Promise<Response> {
  if (!anonymous && accessToken) request.headers.set('Authorization', `Bearer ${accessToken}`);
  try {
    return await fetch(request);
  } catch {
    throw new ApiError(
      0,
      'NETWORK',
      'The server could not be reached. Check your connection and try again.',
      null,
    );
  }
}

export const client = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  fetch: authFetch,
  credentials: 'same-origin',
});

// The data of an openapi-fetch answer, or its error as an ApiError.
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw errorFrom(response, error);
}

function errorFrom(res: Response, body: unknown): ApiError {
  const retryAfter = Number(res.headers.get('Retry-After'));
  const requestId = res.headers.get('X-Request-Id');
  const e = (typeof body === 'object' && body !== null ? body : {}) as Partial<Schemas['ErrorResponseDto']>;
  return new ApiError(
    res.status,
    e.code ?? 'UNKNOWN',
    e.message ?? `The server answered ${res.status}`,
    e.requestId ?? requestId,
    e.details ?? [],
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}

function refreshAccessToken(): Promise<boolean> {
  refreshing ??= withRefreshLock(async () => {
    try {
      const answer = await unwrap(client.POST('/v1/auth/refresh', { body: {}, headers: COOKIE_SESSION }));
      accessToken = answer.accessToken;
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return false;
      throw err;
    } finally {
      refreshing = null;
    }
  });
  return refreshing;
}

// The refresh token rotates on every use and a reused one revokes the session: two tabs reloading at once must
// not both present the same cookie. The Web Locks API queues them across tabs; the second one sends the cookie
// the first one's answer set.
function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  if (!('locks' in navigator)) return task();
  return navigator.locks.request('session-refresh', task);
}

// A reload: the cookie, if any, buys a new access token without asking for the password.
export async function restoreSession(): Promise<void> {
  setSession((await refreshAccessToken()) ? { status: 'signedIn' } : { status: 'signedOut' });
}

export async function signup(email: string, password: string): Promise<void> {
  await unwrap(client.POST('/v1/auth/signup', { body: { email, password } }));
  await login(email, password);
}

export async function login(email: string, password: string): Promise<void> {
  const answer = await unwrap(
    client.POST('/v1/auth/login', { body: { email, password }, headers: COOKIE_SESSION }),
  );
  accessToken = answer.accessToken;
  setSession({ status: 'signedIn' });
}

export async function logout(): Promise<void> {
  try {
    await unwrap(client.POST('/v1/auth/logout', { headers: COOKIE_SESSION }));
  } finally {
    endSession();
  }
}
