import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { Api, type ApiResponse, expectErrorShape, randomIp, runInfo, startGateway } from './support/api';
import { type ServiceProcess } from './support/processes';
import { control } from './support/sandbox';
import { waitFor } from './support/wait-for';

// What one unauthenticated client can do to the gateway: hostile bodies, webhook key-id floods, forged addresses.
// Each block runs against a gateway of its own, so that its log and its limits are this file's alone.

const WEBHOOK_PATH = '/v1/webhooks/plaid';
const DEFAULT_BODY_LIMIT = 32 * 1024;

function logOf(proc: ServiceProcess): string {
  return readFileSync(join(runInfo().logDir, `${proc.name}.log`), 'utf8');
}

// {"k0":0,"k1":0,…} of about `bytes` bytes.
function manyKeys(bytes: number): string {
  const parts: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes - 16; i++) {
    const part = `"k${i}":0`;
    parts.push(part);
    size += part.length + 1;
  }
  return `{${parts.join(',')}}`;
}

function post(
  url: string,
  path: string,
  rawBody: string,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return new Api(url).request('POST', path, { rawBody, headers });
}

function sign(body: string, kid?: string): Promise<string> {
  return control<{ plaidVerification: string }>('POST', '/sign', { body, ...(kid ? { kid } : {}) }).then(
    (r) => r.plaidVerification,
  );
}

async function forgedVerification(body: string, kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ request_body_sha256: 'a'.repeat(64) })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
    .setIssuedAt()
    .sign(privateKey);
}

describe('hostile clients: request bodies', () => {
  let gateway: { proc: ServiceProcess; url: string };
  const requestIds: string[] = [];

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway.proc.stop();
  });

  const hostile = async (path: string, rawBody: string): Promise<ApiResponse> => {
    const res = await post(gateway.url, path, rawBody);
    requestIds.push(String(res.body?.requestId));
    return res;
  };

  const expectRefused = (res: ApiResponse, status: number, code: string): void => {
    expect(res.status).toBe(status);
    expectErrorShape(res.body, status, code);
    // Never the input echoed back in bulk.
    expect(JSON.stringify(res.body).length).toBeLessThan(4096);
    expect((res.body.details ?? []).length).toBeLessThanOrEqual(20);
  };

  it('stays live while 10 megabyte bodies with 90k keys arrive at once', async () => {
    const body = manyKeys(1024 * 1024 - 64);
    const flood = Promise.all(Array.from({ length: 10 }, () => hostile('/v1/auth/login', body)));
    // A functional bound, not a benchmark: a gateway busy transforming one such body took seconds.
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const live = await fetch(`${gateway.url}/health/live`);
      expect(live.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    for (const res of await flood) expectRefused(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 400 VALIDATION_FAILED with a few details to a body of many keys just under the limit', async () => {
    const res = await hostile('/v1/auth/login', manyKeys(DEFAULT_BODY_LIMIT - 100));
    expectRefused(res, 400, 'VALIDATION_FAILED');
  });

  it('answers 400, not 500, to a body nested 10k levels deep', async () => {
    const res = await hostile('/v1/auth/login', `{"email":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expectRefused(res, 400, 'VALIDATION_FAILED');
  });

  it('answers 400 to huge arrays of strings, without echoing them', async () => {
    const strings = Array.from({ length: 1200 }, (_, i) => `s${i}`);
    const res = await hostile(
      '/v1/auth/signup',
      JSON.stringify({ email: strings, password: strings, x: strings }),
    );
    expectRefused(res, 400, 'VALIDATION_FAILED');
  });

  it('answers 400 to one key as long as the body allows, without echoing it', async () => {
    const res = await hostile(
      '/v1/auth/login',
      JSON.stringify({ ['k'.repeat(DEFAULT_BODY_LIMIT - 100)]: 1 }),
    );
    expectRefused(res, 400, 'VALIDATION_FAILED');
  });

  it.each([
    '/v1/auth/signup',
    '/v1/auth/login',
    '/v1/auth/refresh',
    '/v1/auth/logout',
    '/v1/plaid/link-token',
    '/v1/plaid/exchange',
    `/v1/items/${randomUUID()}/sync`,
  ])('answers 4xx in the error shape to a key-heavy body on %s', async (path) => {
    const res = await hostile(path, manyKeys(DEFAULT_BODY_LIMIT - 100));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectErrorShape(res.body, res.status, res.body.code);
    expect(JSON.stringify(res.body).length).toBeLessThan(4096);
  });

  it('answers 400 to a form body with thousands of keys', async () => {
    const form = Array.from({ length: 4000 }, (_, i) => `k${i}=1`).join('&');
    const res = await post(gateway.url, '/v1/auth/login', form, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    requestIds.push(String(res.body?.requestId));
    expectRefused(res, 400, 'VALIDATION_FAILED');
  });

  it('answers 400 to a key-heavy body on the webhook route, whose limit is larger', async () => {
    const res = await hostile(WEBHOOK_PATH, manyKeys(1024 * 1024 - 64));
    expectRefused(res, 400, 'VALIDATION_FAILED');
  });

  it('logged none of them as an unexpected error or with a stack trace', async () => {
    const log = logOf(gateway.proc);
    expect(requestIds.length).toBeGreaterThan(10);
    expect(log).not.toMatch(/unhandled error|RangeError|"stack"|Maximum call stack/);
  });
});

describe('hostile clients: webhook key ids and source addresses (TRUST_PROXY=1)', () => {
  let gateway: { proc: ServiceProcess; url: string };
  const ignoredWebhook = JSON.stringify({
    webhook_type: 'AUTH',
    webhook_code: 'DEFAULT_UPDATE',
    item_id: 'x',
  });

  beforeAll(async () => {
    gateway = await startGateway({
      TRUST_PROXY: '1',
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '5',
      WEBHOOK_KEY_LOOKUPS_PER_SECOND: '1',
    });
  });

  afterAll(async () => {
    await gateway.proc.stop();
  });

  // Each from its own proxy-reported address, so that the per-address limit stays out of the way.
  const fromNewAddress = (rawBody: string, verification: string): Promise<ApiResponse> =>
    post(gateway.url, WEBHOOK_PATH, rawBody, {
      'x-forwarded-for': randomIp(),
      'plaid-verification': verification,
    });

  // Look-ups of kids Plaid does not know (re-reads of the real key are not budgeted, and not counted here).
  const lookupsLogged = (): number =>
    logOf(gateway.proc)
      .split('\n')
      .filter((line) => line.includes('webhook key fetched') && line.includes('"found":false')).length;

  it('answers 401 to a malformed kid without looking it up', async () => {
    const res = await fromNewAddress(ignoredWebhook, await forgedVerification(ignoredWebhook, 'k1/../../x'));
    expect(res.status).toBe(401);
    expectErrorShape(res.body, 401, 'UNAUTHORIZED');
    expect(lookupsLogged()).toBe(0);
  });

  it('looks up only a budget of unknown kids, and a real webhook still verifies after the flood', async () => {
    const realKid = decodeProtectedHeader(await sign(ignoredWebhook)).kid as string;
    expect((await fromNewAddress(ignoredWebhook, await sign(ignoredWebhook, realKid))).status).toBe(200);
    const before = lookupsLogged();
    const flood = await Promise.all(
      Array.from({ length: 40 }, async () =>
        fromNewAddress(ignoredWebhook, await forgedVerification(ignoredWebhook, randomUUID())),
      ),
    );
    expect(flood.map((r) => r.status)).toEqual(flood.map(() => 401));
    // A burst of five (the real kid took one), plus one a second while the flood lasted; not forty.
    await waitFor(() => lookupsLogged() > before, { what: 'the budgeted look-ups logged' });
    expect(lookupsLogged() - before).toBeLessThanOrEqual(10);
    expect((await fromNewAddress(ignoredWebhook, await sign(ignoredWebhook, realKid))).status).toBe(200);
  });

  it("limits webhooks per source address, which is the proxy's last hop and not the client's leftmost claim", async () => {
    const lastHop = randomIp();
    const send = (): Promise<ApiResponse> =>
      post(gateway.url, WEBHOOK_PATH, ignoredWebhook, {
        // The attacker makes up the leftmost entry; the trusted proxy appended the real address.
        'x-forwarded-for': `${randomIp()}, ${lastHop}`,
        'plaid-verification': 'not-a-jwt',
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await send();
    expectErrorShape(limited.body, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await fromNewAddress(ignoredWebhook, 'not-a-jwt')).status).toBe(401);
  });
});
