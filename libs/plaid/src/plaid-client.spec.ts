import { jest } from '@jest/globals';
import { type Logger } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { type PlaidApi } from 'plaid';
import { generateEncryptionKey } from './access-token-cipher';
import { createPlaidClient, type PlaidCallLog } from './plaid-client';
import { PlaidServiceConfig } from './plaid-config';
import { PlaidApiError, plaidCall, toPlaidApiError } from './plaid-error';
import { plaidErrorPolicy } from './plaid-error-map';

const SECRET = 'sec-7f3e9a1c5b2d4e6f8a0b';
const CLIENT_ID = 'cid-client-42';
const ACCESS_TOKEN = 'access-sandbox-tok';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const plaidError = (overrides: Record<string, unknown>) => ({
  error_type: 'ITEM_ERROR',
  error_code: 'ITEM_LOGIN_REQUIRED',
  error_message: 'the login details of this item have changed',
  display_message: 'Please log in again.',
  request_id: 'req-400',
  ...overrides,
});

// A tiny Plaid look-alike: one behaviour per endpoint.
const ROUTES: Record<string, Handler> = {
  '/item/get': (_req, res) => json(res, 400, plaidError({})),
  '/transactions/sync': (_req, res) =>
    json(
      res,
      500,
      plaidError({
        error_type: 'API_ERROR',
        error_code: 'INTERNAL_SERVER_ERROR',
        error_message: 'an unexpected error occurred',
        display_message: null,
        request_id: 'req-500',
      }),
    ),
  '/accounts/get': () => undefined, // hangs
  '/item/remove': (_req, res) => json(res, 200, { request_id: 'req-ok' }),
  '/transactions/refresh': (_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html>bad gateway</html>');
  },
};

function makeConfig(overrides: Partial<PlaidServiceConfig> = {}): PlaidServiceConfig {
  return Object.assign(new PlaidServiceConfig(), {
    PLAID_CLIENT_ID: CLIENT_ID,
    PLAID_SECRET: SECRET,
    TOKEN_ENCRYPTION_KEYS: `k1:${generateEncryptionKey()}`,
    ...overrides,
  });
}

// A logger that records every argument it is given, whatever the level.
function makeLogger() {
  const calls: { level: string; args: unknown[] }[] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) => {
      calls.push({ level, args });
    };
  const logger = {
    log: at('log'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    verbose: at('verbose'),
  };
  return { logger: logger as unknown as Logger, calls };
}

describe(createPlaidClient.name, () => {
  let server: Server;
  let baseUrl: string;
  const sockets = new Set<Socket>();
  const seen: { path: string; headers: IncomingMessage['headers'] }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', headers: req.headers });
        const handler = ROUTES[req.url ?? ''];
        if (handler) handler(req, res, body);
        else json(res, 404, { error: 'no route' });
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function client(overrides: Partial<PlaidServiceConfig> = {}) {
    const { logger, calls } = makeLogger();
    const onCall = jest.fn<(log: PlaidCallLog) => void>();
    const api: PlaidApi = createPlaidClient(makeConfig({ PLAID_BASE_URL: baseUrl, ...overrides }), {
      logger,
      onCall,
    });
    // Everything that left the process through logs or metrics, as one string.
    const emitted = () => JSON.stringify({ calls, onCall: onCall.mock.calls });
    return { api, calls, onCall, emitted };
  }

  async function failureOf(promise: Promise<unknown>): Promise<PlaidApiError> {
    try {
      await plaidCall(() => promise as Promise<{ data: unknown }>);
    } catch (err) {
      return err as PlaidApiError;
    }
    throw new Error('expected the Plaid call to fail');
  }

  it('sends the credentials and version headers, and logs a success at info', async () => {
    const { api, calls, onCall, emitted } = client();

    const data = await plaidCall(() => api.itemRemove({ access_token: ACCESS_TOKEN }));

    expect(data.request_id).toBe('req-ok');
    const request = seen.find((s) => s.path === '/item/remove');
    expect(request?.headers['plaid-client-id']).toBe(CLIENT_ID);
    expect(request?.headers['plaid-secret']).toBe(SECRET);
    expect(request?.headers['plaid-version']).toBe('2020-09-14');
    expect(onCall).toHaveBeenCalledTimes(1);
    expect(onCall).toHaveBeenCalledWith({
      endpoint: '/item/remove',
      durationMs: expect.any(Number),
      status: 200,
      requestId: 'req-ok',
    });
    expect(calls).toEqual([
      {
        level: 'log',
        args: [
          {
            msg: 'plaid call',
            endpoint: '/item/remove',
            durationMs: expect.any(Number),
            status: 200,
            plaidRequestId: 'req-ok',
          },
        ],
      },
    ]);
    expect(emitted()).not.toContain(SECRET);
    expect(emitted()).not.toContain(ACCESS_TOKEN);
  });

  it('turns a 400 Plaid error into a PlaidApiError and logs it at warn without secrets', async () => {
    const { api, calls, onCall, emitted } = client();

    const error = await failureOf(api.itemGet({ access_token: ACCESS_TOKEN }));

    expect(error).toBeInstanceOf(PlaidApiError);
    expect(error).toMatchObject({
      errorType: 'ITEM_ERROR',
      errorCode: 'ITEM_LOGIN_REQUIRED',
      displayMessage: 'Please log in again.',
      requestId: 'req-400',
      httpStatus: 400,
      plaidMessage: 'the login details of this item have changed',
    });
    expect(error.message).not.toContain(error.plaidMessage);
    expect(plaidErrorPolicy(error.errorCode, error.errorType)).toMatchObject({
      httpStatus: 409,
      itemStatus: 'login_required',
    });
    expect(onCall).toHaveBeenCalledWith({
      endpoint: '/item/get',
      durationMs: expect.any(Number),
      status: 400,
      requestId: 'req-400',
      errorCode: 'ITEM_LOGIN_REQUIRED',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].level).toBe('warn');
    expect(calls[0].args[0]).toMatchObject({
      endpoint: '/item/get',
      status: 400,
      errorCode: 'ITEM_LOGIN_REQUIRED',
    });
    expect(emitted()).not.toContain(SECRET);
    expect(emitted()).not.toContain(ACCESS_TOKEN);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(ACCESS_TOKEN);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      errorCode: 'ITEM_LOGIN_REQUIRED',
      httpStatus: 400,
    });
  });

  it('turns a 500 into a retryable INTERNAL_SERVER_ERROR', async () => {
    const { api, onCall, emitted } = client();

    const error = await failureOf(
      api.transactionsSync({ access_token: ACCESS_TOKEN, cursor: 'c1', count: 500 }),
    );

    expect(error).toMatchObject({
      errorType: 'API_ERROR',
      errorCode: 'INTERNAL_SERVER_ERROR',
      httpStatus: 500,
      requestId: 'req-500',
      displayMessage: null,
    });
    expect(plaidErrorPolicy(error.errorCode, error.errorType)).toMatchObject({
      retry: 'backoff',
      httpStatus: 503,
    });
    expect(onCall).toHaveBeenCalledWith(
      expect.objectContaining({
        endpoint: '/transactions/sync',
        status: 500,
        errorCode: 'INTERNAL_SERVER_ERROR',
      }),
    );
    expect(emitted()).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it('classifies a non-Plaid 5xx answer (a proxy page) as INTERNAL_SERVER_ERROR', async () => {
    const { api, onCall } = client();

    const error = await failureOf(api.transactionsRefresh({ access_token: ACCESS_TOKEN }));

    expect(error).toMatchObject({ errorCode: 'INTERNAL_SERVER_ERROR', httpStatus: 502, requestId: null });
    expect(onCall).toHaveBeenCalledWith(
      expect.objectContaining({ endpoint: '/transactions/refresh', status: 502 }),
    );
  });

  it('turns a hanging server into TIMEOUT after PLAID_TIMEOUT_MS', async () => {
    const { api, calls, onCall, emitted } = client({ PLAID_TIMEOUT_MS: 200 });

    const error = await failureOf(api.accountsGet({ access_token: ACCESS_TOKEN }));

    expect(error).toMatchObject({
      errorType: 'TIMEOUT',
      errorCode: 'TIMEOUT',
      httpStatus: 0,
      requestId: null,
    });
    expect(plaidErrorPolicy(error.errorCode).httpStatus).toBe(504);
    const log = onCall.mock.calls[0][0];
    expect(log).toMatchObject({
      endpoint: '/accounts/get',
      status: 'network_error',
      errorCode: 'TIMEOUT',
      requestId: null,
    });
    expect(log.durationMs).toBeGreaterThanOrEqual(150);
    expect(log.durationMs).toBeLessThan(5000);
    expect(calls[0].level).toBe('warn');
    expect(emitted()).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it('turns a closed port into NETWORK_ERROR', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { api, onCall, emitted } = client({ PLAID_BASE_URL: `http://127.0.0.1:${port}` });

    const error = await failureOf(api.itemGet({ access_token: ACCESS_TOKEN }));

    expect(error).toMatchObject({
      errorType: 'NETWORK_ERROR',
      errorCode: 'NETWORK_ERROR',
      httpStatus: 0,
      requestId: null,
    });
    expect(plaidErrorPolicy(error.errorCode)).toMatchObject({ retry: 'backoff', httpStatus: 503 });
    expect(onCall).toHaveBeenCalledWith(
      expect.objectContaining({ endpoint: '/item/get', status: 'network_error', errorCode: 'NETWORK_ERROR' }),
    );
    expect(emitted()).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(String(error.stack)).not.toContain(SECRET);
  });

  it('keeps the raw axios error safe to hand over: toPlaidApiError copies no config', async () => {
    const { api } = client();

    let raw: unknown;
    await api.itemGet({ access_token: ACCESS_TOKEN }).catch((err: unknown) => (raw = err));

    // The raw axios error does carry the secret: this is why only its reduction may be logged.
    expect((raw as { config: { headers: Record<string, string> } }).config.headers['PLAID-SECRET']).toBe(
      SECRET,
    );
    const error = toPlaidApiError(raw);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(Object.values(error).join(' ')).not.toContain(SECRET);
    expect((error as { cause?: unknown }).cause).toBeUndefined();
  });

  it('survives a throwing onCall', async () => {
    const api = createPlaidClient(makeConfig({ PLAID_BASE_URL: baseUrl }), {
      logger: makeLogger().logger,
      onCall: () => {
        throw new Error('metrics down');
      },
    });

    await expect(plaidCall(() => api.itemRemove({ access_token: ACCESS_TOKEN }))).resolves.toMatchObject({
      request_id: 'req-ok',
    });
  });

  it('reports the Plaid endpoint, not a proxy prefix', async () => {
    const { api, onCall } = client({ PLAID_BASE_URL: `${baseUrl}/plaid-proxy` });

    await failureOf(api.itemRemove({ access_token: ACCESS_TOKEN }));

    expect(onCall).toHaveBeenCalledWith(expect.objectContaining({ endpoint: '/item/remove', status: 404 }));
  });
});

describe(toPlaidApiError.name, () => {
  it('passes a PlaidApiError through', () => {
    const error = toPlaidApiError(new Error('x'));

    expect(toPlaidApiError(error)).toBe(error);
  });

  it('maps anything else to UNKNOWN with status 0', () => {
    expect(toPlaidApiError(new TypeError('boom'))).toMatchObject({
      errorType: 'UNKNOWN',
      errorCode: 'UNKNOWN',
      httpStatus: 0,
      plaidMessage: 'boom',
    });
    expect(toPlaidApiError('a string')).toMatchObject({ errorCode: 'UNKNOWN', httpStatus: 0 });
  });

  it('reads a duck-typed { response } rejection from a mocked SDK', () => {
    const error = toPlaidApiError({
      response: {
        status: 429,
        data: plaidError({
          error_type: 'RATE_LIMIT_EXCEEDED',
          error_code: 'TRANSACTIONS_SYNC_LIMIT',
          request_id: 'r',
        }),
      },
    });

    expect(error).toMatchObject({
      errorType: 'RATE_LIMIT_EXCEEDED',
      errorCode: 'TRANSACTIONS_SYNC_LIMIT',
      httpStatus: 429,
      requestId: 'r',
    });
  });
});

describe(plaidCall.name, () => {
  it('returns the data of a successful call', async () => {
    await expect(plaidCall(async () => ({ data: { ok: true } }))).resolves.toEqual({ ok: true });
  });
});
