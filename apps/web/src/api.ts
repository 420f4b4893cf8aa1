// The one door to the gateway's REST API. The access token lives in this module's memory only; the refresh
// token is an HttpOnly cookie that the gateway sets and reads (X-Session-Mode: cookie), out of JavaScript's reach.

export interface ErrorDetail {
  field: string;
  messages: string[];
}

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
}

export type SessionState =
  { status: 'unknown' } | { status: 'signedOut'; message?: string } | { status: 'signedIn' };

const SESSION_HEADERS = { 'X-Session-Mode': 'cookie' };

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

interface AccessTokenAnswer {
  accessToken: string;
  expiresIn: number;
}

// A reload: the cookie, if any, buys a new access token without asking for the password.
export async function restoreSession(): Promise<void> {
  setSession((await refreshAccessToken()) ? { status: 'signedIn' } : { status: 'signedOut' });
}

export async function signup(email: string, password: string): Promise<void> {
  await call('POST', '/v1/auth/signup', { body: { email, password }, auth: false });
  await login(email, password);
}

export async function login(email: string, password: string): Promise<void> {
  const answer = await call<AccessTokenAnswer>('POST', '/v1/auth/login', {
    body: { email, password },
    auth: false,
    headers: SESSION_HEADERS,
  });
  accessToken = answer.accessToken;
  setSession({ status: 'signedIn' });
}

export async function logout(): Promise<void> {
  try {
    await call('POST', '/v1/auth/logout', { headers: SESSION_HEADERS });
  } finally {
    endSession();
  }
}

function refreshAccessToken(): Promise<boolean> {
  refreshing ??= withRefreshLock(async () => {
    try {
      const answer = await call<AccessTokenAnswer>('POST', '/v1/auth/refresh', {
        body: {},
        auth: false,
        headers: SESSION_HEADERS,
      });
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

interface CallOptions {
  body?: unknown;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  // false: no bearer token and no refresh-and-retry on 401 (the auth routes themselves).
  auth?: boolean;
}

export function api<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  return call<T>(method, path, options);
}

async function call<T>(method: string, path: string, options: CallOptions, retried = false): Promise<T> {
  const auth = options.auth ?? true;
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(options.query ?? {}))
    if (v !== undefined && v !== '') url.searchParams.set(k, v);
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(
      0,
      'NETWORK',
      'The server could not be reached. Check your connection and try again.',
      null,
    );
  }
  if (res.status === 401 && auth && !retried) {
    // An expired access token: refresh silently and try once more; a dead session goes back to the login page.
    if (await refreshAccessToken()) return call<T>(method, path, options, true);
    endSession('Your session has ended. Please log in again.');
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

async function toApiError(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get('Retry-After'));
  const requestId = res.headers.get('X-Request-Id');
  try {
    const body = (await res.json()) as Partial<{
      code: string;
      message: string;
      requestId: string;
      details: ErrorDetail[];
    }>;
    return new ApiError(
      res.status,
      body.code ?? 'UNKNOWN',
      body.message ?? res.statusText,
      body.requestId ?? requestId,
      body.details ?? [],
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  } catch {
    return new ApiError(res.status, 'UNKNOWN', `The server answered ${res.status}`, requestId);
  }
}

// --- the resources, as the gateway answers them ---

export type ItemStatus = 'pending' | 'healthy' | 'login_required' | 'expiring' | 'revoked' | 'error';

export interface Item {
  id: string;
  institutionId: string | null;
  institutionName: string | null;
  status: ItemStatus;
  error: { code: string; message: string } | null;
  consentExpiresAt: string | null;
  lastSyncedAt: string | null;
  plaidLastUpdatedAt: string | null;
  stale: boolean;
  newAccountsAvailable: boolean;
  createdAt: string;
}

export interface Account {
  id: string;
  itemId: string;
  name: string;
  displayName: string | null;
  status: 'active' | 'unlinked' | 'closed' | 'revoked';
  hidden: boolean;
  officialName: string | null;
  mask: string | null;
  type: string;
  subtype: string | null;
  balances: {
    available: number | null;
    current: number | null;
    limit: number | null;
    isoCurrencyCode: string | null;
  };
}

export interface Transaction {
  id: string;
  accountId: string;
  itemId: string;
  amount: number;
  isoCurrencyCode: string | null;
  date: string;
  name: string;
  merchantName: string | null;
  pending: boolean;
  category: { primary: string | null; detailed: string | null } | null;
  logoUrl: string | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type LinkConfig = { mode: 'plaid' } | { mode: 'emulator'; url: string };

export const getConfig = (): Promise<{ link: LinkConfig }> => call('GET', '/v1/config', { auth: false });
export const getMe = (): Promise<{ id: string; email: string }> => api('GET', '/v1/auth/me');
export const listItems = (): Promise<{ data: Item[] }> => api('GET', '/v1/items');
export const listAccounts = (): Promise<{ data: Account[] }> => api('GET', '/v1/accounts');
export const syncItem = (id: string): Promise<unknown> => api('POST', `/v1/items/${id}/sync`);
export const removeItem = (id: string): Promise<void> => api('DELETE', `/v1/items/${id}`);
export const createLinkToken = (itemId?: string): Promise<{ linkToken: string }> =>
  api('POST', '/v1/plaid/link-token', { body: itemId ? { itemId } : {} });
export const exchangePublicToken = (publicToken: string): Promise<{ item: Item }> =>
  api('POST', '/v1/plaid/exchange', { body: { publicToken } });
export const listTransactions = (query: Record<string, string | undefined>): Promise<Page<Transaction>> =>
  api('GET', '/v1/transactions', { query });
export const createStreamTicket = (): Promise<{ ticket: string; expiresIn: number }> =>
  api('POST', '/v1/events/ticket');
