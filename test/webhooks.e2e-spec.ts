import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import {
  Api,
  type ApiResponse,
  expectErrorShape,
  livePids,
  type LoggedInUser,
  runInfo,
  signupAndLogin,
} from './support/api';
import { db } from './support/db';
import { link, plaidItemId, waitHealthy } from './support/linking';
import { control, plaidClient } from './support/sandbox';
import { waitFor } from './support/wait-for';

const WEBHOOK_PATH = '/v1/webhooks/plaid';

// Sits between the emulator and the gateway. Items are linked with the relay as their webhook URL, so the
// emulator's automatic webhooks after linking (INITIAL_UPDATE, HISTORICAL_UPDATE, SYNC_UPDATES_AVAILABLE)
// are answered 200 and dropped: they would otherwise start syncs at unpredictable moments and race the
// state a test asserts on. Once an item is armed, deliveries for it are passed through byte for byte.
class WebhookRelay {
  private server?: Server;
  private readonly armed = new Set<string>();
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.writeHead(502).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/plaid`;
  }

  arm(plaidItem: string): void {
    this.armed.add(plaidItem);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let itemId: unknown;
    try {
      itemId = (JSON.parse(raw.toString('utf8')) as { item_id?: unknown }).item_id;
    } catch {
      itemId = undefined;
    }
    if (typeof itemId !== 'string' || !this.armed.has(itemId)) {
      res.writeHead(200).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature = req.headers['plaid-verification'];
    if (typeof signature === 'string') headers['plaid-verification'] = signature;
    const forwarded = await fetch(`${runInfo().gateways[0]}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers,
      body: raw,
    });
    await forwarded.arrayBuffer();
    res.writeHead(forwarded.status).end();
  }
}

const relay = new WebhookRelay();

interface Linked {
  user: LoggedInUser;
  item: any;
  plaidItem: string;
}

// Links an item whose webhooks go to the relay, and returns once it is healthy, synced, and the emulator has
// sent (and the relay dropped) every automatic webhook: from then on nothing syncs it unless a test asks.
async function linkQuiet(user: LoggedInUser, institutionId = 'ins_109508'): Promise<Linked> {
  const linked = await link(user, { institutionId, webhook: relay.url });
  const item = await waitHealthy(user, linked.id);
  const plaidItem = await plaidItemId(linked.id);
  await waitFor(
    async () => {
      const log = await control<any[]>('GET', `/webhooks?item_id=${plaidItem}`);
      const codes = log.filter((d) => d.done).map((d) => d.webhook_code);
      return ['INITIAL_UPDATE', 'HISTORICAL_UPDATE', 'SYNC_UPDATES_AVAILABLE'].every((c) =>
        codes.includes(c),
      );
    },
    { what: `automatic webhooks of ${plaidItem} delivered` },
  );
  return { user, item, plaidItem };
}

// A user with one quiet item to act on and a second one used as a marker (different institutions: the same
// bank twice is refused as a duplicate).
async function userWithItems(tag: string): Promise<{ target: Linked; marker: Linked }> {
  const user = await signupAndLogin(new Api(), tag);
  const [target, marker] = await Promise.all([linkQuiet(user, 'ins_109508'), linkQuiet(user, 'ins_109509')]);
  return { target, marker };
}

// The body exactly as Plaid sends it: common fields, 2-space indentation.
function webhookBody(
  plaidItem: string | null,
  code = 'SYNC_UPDATES_AVAILABLE',
  type = 'TRANSACTIONS',
  extra: Record<string, unknown> = {},
): string {
  const base =
    type === 'TRANSACTIONS' && code === 'SYNC_UPDATES_AVAILABLE'
      ? { initial_update_complete: true, historical_update_complete: true }
      : {};
  return JSON.stringify(
    { webhook_type: type, webhook_code: code, item_id: plaidItem, ...base, ...extra, environment: 'sandbox' },
    null,
    2,
  );
}

function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

// Signed by the emulator with its real key (the current one unless `kid` says otherwise).
async function sign(body: string, options: { iat?: number; kid?: string } = {}): Promise<string> {
  return (await control<{ plaidVerification: string }>('POST', '/sign', { body, ...options }))
    .plaidVerification;
}

async function currentKid(): Promise<string> {
  const kid = decodeProtectedHeader(await sign('{}')).kid;
  if (!kid) throw new Error('the emulator signed without a kid');
  return kid;
}

function postWebhook(
  rawBody: string,
  verification?: string,
  gateway = runInfo().gateways[0],
): Promise<ApiResponse> {
  return new Api(gateway).request('POST', WEBHOOK_PATH, {
    rawBody,
    headers: verification === undefined ? {} : { 'plaid-verification': verification },
  });
}

async function postSigned(rawBody: string, gateway?: string): Promise<ApiResponse> {
  return postWebhook(rawBody, await sign(rawBody), gateway);
}

function expectRejected(res: ApiResponse): void {
  expect(res.status).toBe(401);
  expectErrorShape(res.body, 401, 'UNAUTHORIZED');
}

async function syncCalls(plaidItem: string): Promise<number> {
  return (await control('GET', `/calls?item_id=${plaidItem}&endpoint=/transactions/sync`)).total;
}

async function getItem(linked: Linked): Promise<any> {
  const res = await linked.user.api.get(`/v1/items/${linked.item.id}`, linked.user.accessToken);
  expect(res.status).toBe(200);
  return res.body;
}

async function waitItem(linked: Linked, done: (item: any) => boolean, what: string): Promise<any> {
  return waitFor(
    async () => {
      const item = await getItem(linked);
      return done(item) ? item : undefined;
    },
    { what: `item ${linked.item.id}: ${what}` },
  );
}

// A verified sync webhook for the marker, processed end to end (Plaid called, then the item's lastSyncedAt
// moved): the sync queue has moved past anything published before it.
async function drainSyncQueue(marker: Linked): Promise<void> {
  const calls = await syncCalls(marker.plaidItem);
  const { lastSyncedAt } = await getItem(marker);
  expect((await postSigned(webhookBody(marker.plaidItem))).status).toBe(200);
  await waitFor(async () => (await syncCalls(marker.plaidItem)) > calls, { what: 'the marker item synced' });
  await waitItem(marker, (i) => i.lastSyncedAt > lastSyncedAt, 'marker lastSyncedAt moved');
}

// Sent through the emulator's real, signed delivery to the item's webhook URL (the relay, armed).
async function deliver(linked: Linked, type: string, code: string, extra: Record<string, unknown> = {}) {
  const result = await control('POST', `/items/${linked.plaidItem}/webhook`, {
    webhook_type: type,
    webhook_code: code,
    ...extra,
  });
  expect(result).toEqual({ delivered: true, status: 200 });
}

async function dbCount(sql: string, params: unknown[]): Promise<number> {
  const [{ n }] = await db<{ n: string }>(sql, params);
  return Number(n);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

beforeAll(async () => {
  await relay.start();
});

afterAll(async () => {
  await relay.stop();
});

describe('Plaid webhooks: verification at the gateway', () => {
  type Forgery = (body: string) => Promise<{ rawBody: string; verification?: string }>;

  const forgeries: [string, Forgery][] = [
    ['there is no Plaid-Verification header', async (body) => ({ rawBody: body })],
    ['the header is not a JWT', async (body) => ({ rawBody: body, verification: 'not-a-jwt' })],
    [
      'the header is three garbage segments',
      async (body) => ({ rawBody: body, verification: 'eyJhbGciOi.garbage.garbage' }),
    ],
    [
      'it is signed with a foreign ES256 key under a kid the emulator does not know',
      async (body) => {
        const { privateKey } = await generateKeyPair('ES256');
        const verification = await new SignJWT({ request_body_sha256: sha256Hex(body) })
          .setProtectedHeader({ alg: 'ES256', kid: randomUUID(), typ: 'JWT' })
          .setIssuedAt()
          .sign(privateKey);
        return { rawBody: body, verification };
      },
    ],
    [
      "it is signed with a foreign ES256 key under the emulator's real kid",
      async (body) => {
        const { privateKey } = await generateKeyPair('ES256');
        const verification = await new SignJWT({ request_body_sha256: sha256Hex(body) })
          .setProtectedHeader({ alg: 'ES256', kid: await currentKid(), typ: 'JWT' })
          .setIssuedAt()
          .sign(privateKey);
        return { rawBody: body, verification };
      },
    ],
    [
      'the body differs from the one that was signed',
      async (body) => {
        const signed = body.replace(
          '"historical_update_complete": true',
          '"historical_update_complete": false',
        );
        expect(signed).not.toBe(body);
        return { rawBody: body, verification: await sign(signed) };
      },
    ],
    [
      'the body is the signed JSON re-serialised (same data, other bytes)',
      async (body) => ({ rawBody: JSON.stringify(JSON.parse(body)), verification: await sign(body) }),
    ],
    [
      'the signature was issued 10 minutes ago',
      async (body) => ({
        rawBody: body,
        verification: await sign(body, { iat: Math.floor(Date.now() / 1000) - 600 }),
      }),
    ],
    [
      'the signature claims to be issued 10 minutes from now',
      async (body) => ({
        rawBody: body,
        verification: await sign(body, { iat: Math.floor(Date.now() / 1000) + 600 }),
      }),
    ],
    [
      "it is an HS256 token keyed with the real key's public coordinates under the real kid",
      async (body) => {
        const kid = await currentKid();
        const { data } = await plaidClient().webhookVerificationKeyGet({ key_id: kid });
        const verification = await new SignJWT({ request_body_sha256: sha256Hex(body) })
          .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
          .setIssuedAt()
          .sign(new TextEncoder().encode(`${data.key.x}${data.key.y}`));
        return { rawBody: body, verification };
      },
    ],
    [
      'it is an unsigned token (alg none) under the real kid',
      async (body) => {
        const header = base64url({ alg: 'none', kid: await currentKid(), typ: 'JWT' });
        const payload = base64url({
          iat: Math.floor(Date.now() / 1000),
          request_body_sha256: sha256Hex(body),
        });
        return { rawBody: body, verification: `${header}.${payload}.` };
      },
    ],
    [
      // The emulator's /sign always adds the claim, so only a foreign key can leave it out.
      'the body hash claim is missing',
      async (body) => {
        const { privateKey } = await generateKeyPair('ES256');
        const verification = await new SignJWT({})
          .setProtectedHeader({ alg: 'ES256', kid: await currentKid(), typ: 'JWT' })
          .setIssuedAt()
          .sign(privateKey);
        return { rawBody: body, verification };
      },
    ],
  ];

  it.each(forgeries)('answers 401 UNAUTHORIZED and queues nothing when %s', async (_case, forge) => {
    const { target, marker } = await userWithItems('verify');
    const before = await syncCalls(target.plaidItem);
    const { rawBody, verification } = await forge(webhookBody(target.plaidItem));

    const res = await postWebhook(rawBody, verification);

    expectRejected(res);
    await drainSyncQueue(marker);
    expect(await syncCalls(target.plaidItem)).toBe(before);
    expect((await getItem(target)).lastSyncedAt).toBe(target.item.lastSyncedAt);
  });

  it('accepts a correctly signed SYNC_UPDATES_AVAILABLE on every gateway and syncs the item', async () => {
    const user = await signupAndLogin(new Api(), 'verify-ok');
    const target = await linkQuiet(user);
    for (const gateway of runInfo().gateways) {
      const calls = await syncCalls(target.plaidItem);
      const { lastSyncedAt } = await getItem(target);

      const res = await postSigned(webhookBody(target.plaidItem), gateway);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true });
      await waitFor(async () => (await syncCalls(target.plaidItem)) > calls, { what: 'a sync at Plaid' });
      await waitItem(target, (i) => i.lastSyncedAt > lastSyncedAt, 'lastSyncedAt moved');
    }
  });

  it.each(['INITIAL_UPDATE', 'HISTORICAL_UPDATE', 'DEFAULT_UPDATE', 'TRANSACTIONS_REMOVED'])(
    'syncs the item on the legacy %s webhook',
    async (code) => {
      const user = await signupAndLogin(new Api(), 'legacy');
      const target = await linkQuiet(user);
      const calls = await syncCalls(target.plaidItem);

      const res = await postSigned(webhookBody(target.plaidItem, code, 'TRANSACTIONS', { error: null }));

      expect(res.status).toBe(200);
      await waitFor(async () => (await syncCalls(target.plaidItem)) > calls, {
        what: `a sync after ${code}`,
      });
    },
  );

  it('answers 400 BAD_REQUEST for an empty or malformed body, even with a genuine signature, and queues nothing', async () => {
    const { target, marker } = await userWithItems('verify-malformed');
    const before = await syncCalls(target.plaidItem);
    const truncated = webhookBody(target.plaidItem).slice(0, -3);

    const responses = [await postSigned(''), await postSigned(truncated)];

    for (const res of responses) {
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 400, 'BAD_REQUEST');
    }
    await drainSyncQueue(marker);
    expect(await syncCalls(target.plaidItem)).toBe(before);
  });

  it('answers 400 in the error shape for a verified body that is not a JSON object, and queues nothing', async () => {
    const { target, marker } = await userWithItems('verify-array');
    const before = await syncCalls(target.plaidItem);
    const rawBody = JSON.stringify([JSON.parse(webhookBody(target.plaidItem))]);

    const res = await postSigned(rawBody);

    expect(res.status).toBe(400);
    expectErrorShape(res.body, 400, 'BAD_REQUEST');
    await drainSyncQueue(marker);
    expect(await syncCalls(target.plaidItem)).toBe(before);
  });
});

describe('Plaid webhooks: verification key rotation', () => {
  it('verifies webhooks signed with the new key and refuses the rotated-out key', async () => {
    const { target, marker } = await userWithItems('rotate');
    // The gateway has the current key cached before the rotation.
    expect((await postSigned(webhookBody(marker.plaidItem))).status).toBe(200);

    const { kid, previous_kid } = await control<{ kid: string; previous_kid: string }>(
      'POST',
      '/webhook-keys/rotate',
    );
    expect(kid).not.toBe(previous_kid);
    const body = webhookBody(target.plaidItem);
    const fresh = await sign(body);
    expect(decodeProtectedHeader(fresh).kid).toBe(kid);
    const calls = await syncCalls(target.plaidItem);

    const accepted = await postWebhook(body, fresh);

    expect(accepted.status).toBe(200);
    await waitFor(async () => (await syncCalls(target.plaidItem)) > calls, {
      what: 'a sync after the new key',
    });
    await waitItem(target, (i) => i.lastSyncedAt > target.item.lastSyncedAt, 'lastSyncedAt moved');
    const afterNew = await syncCalls(target.plaidItem);

    const stale = await postWebhook(body, await sign(body, { kid: previous_kid }));

    expectRejected(stale);
    await drainSyncQueue(marker);
    expect(await syncCalls(target.plaidItem)).toBe(afterNew);
  });

  it('refuses the rotated-out key even before the gateway has seen a webhook signed with the new one', async () => {
    // The second gateway instance: it caches the current key, then the key is rotated and the next webhook
    // it gets still carries the old kid (a replayed or forged one, the old key being the compromised one).
    const gateway = runInfo().gateways[1];
    const { target, marker } = await userWithItems('rotate-first');
    const warmUp = webhookBody(marker.plaidItem);
    expect((await postWebhook(warmUp, await sign(warmUp), gateway)).status).toBe(200);
    const { previous_kid } = await control<{ kid: string; previous_kid: string }>(
      'POST',
      '/webhook-keys/rotate',
    );
    // Within WEBHOOK_KEY_CACHE_SECONDS (1 s in this run) every instance re-reads the key and sees its expiry.
    await waitFor(
      async () => {
        const probe = webhookBody('unknown-item-for-rotation-probe');
        return (await postWebhook(probe, await sign(probe, { kid: previous_kid }), gateway)).status === 401;
      },
      { what: 'the rotated-out key to be refused', timeoutMs: 5000 },
    );
    const before = await syncCalls(target.plaidItem);
    const body = webhookBody(target.plaidItem);

    const res = await postWebhook(body, await sign(body, { kid: previous_kid }), gateway);

    expectRejected(res);
    await drainSyncQueue(marker);
    expect(await syncCalls(target.plaidItem)).toBe(before);
  });
});

describe('Plaid webhooks: ITEM webhooks delivered by the emulator', () => {
  async function armedItem(tag: string, institutionId?: string): Promise<Linked> {
    const user = await signupAndLogin(new Api(), tag);
    const linked = await linkQuiet(user, institutionId);
    relay.arm(linked.plaidItem);
    return linked;
  }

  const loginRequired = {
    error: {
      error_type: 'ITEM_ERROR',
      error_code: 'ITEM_LOGIN_REQUIRED',
      error_message:
        'the login details of this item have changed (credentials, MFA, or required user action)',
      display_message: null,
      status: 400,
    },
  };

  it('marks the item login_required on ERROR ITEM_LOGIN_REQUIRED, and healthy again on LOGIN_REPAIRED', async () => {
    const linked = await armedItem('item-error');

    await deliver(linked, 'ITEM', 'ERROR', loginRequired);

    const failing = await waitItem(linked, (i) => i.status === 'login_required', 'login_required');
    expect(failing.error).toEqual({ code: 'ITEM_LOGIN_REQUIRED', message: expect.any(String) });
    // Plaid's error_message is for logs; users see display_message or our own text.
    expect(failing.error.message).not.toBe(loginRequired.error.error_message);
    expect(failing.error.message.length).toBeGreaterThan(0);

    await deliver(linked, 'ITEM', 'LOGIN_REPAIRED');

    const repaired = await waitItem(linked, (i) => i.status === 'healthy', 'healthy again');
    expect(repaired.error).toBeNull();
    expect(repaired.lastSyncedAt).toBe(linked.item.lastSyncedAt);
  });

  it('clears login_required when a later sync succeeds', async () => {
    const linked = await armedItem('item-error-sync');
    await deliver(linked, 'ITEM', 'ERROR', loginRequired);
    await waitItem(linked, (i) => i.status === 'login_required', 'login_required');
    const before = await dbCount('SELECT count(*) AS n FROM sync.transactions WHERE item_id = $1', [
      linked.item.id,
    ]);

    // New transactions at the bank: the emulator sends SYNC_UPDATES_AVAILABLE (and DEFAULT_UPDATE).
    await control('POST', `/items/${linked.plaidItem}/transactions/mutate`, { add: 2 });

    const healed = await waitItem(
      linked,
      (i) => i.status === 'healthy' && i.lastSyncedAt > linked.item.lastSyncedAt,
      'healthy after a sync',
    );
    expect(healed.error).toBeNull();
    expect(
      await dbCount('SELECT count(*) AS n FROM sync.transactions WHERE item_id = $1', [linked.item.id]),
    ).toBe(before + 2);
  });

  it('marks the item expiring with its consent expiry on PENDING_EXPIRATION, and a sync keeps it so', async () => {
    const linked = await armedItem('item-expiring');
    const expiry = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    expiry.setMilliseconds(0);

    await deliver(linked, 'ITEM', 'PENDING_EXPIRATION', { consent_expiration_time: expiry.toISOString() });

    const expiring = await waitItem(linked, (i) => i.status === 'expiring', 'expiring');
    expect(expiring.consentExpiresAt).toBe(expiry.toISOString());
    expect(expiring.error).toBeNull();

    await control('POST', `/items/${linked.plaidItem}/transactions/mutate`, { add: 1 });

    const synced = await waitItem(linked, (i) => i.lastSyncedAt > linked.item.lastSyncedAt, 'synced');
    expect(synced.status).toBe('expiring');
    expect(synced.consentExpiresAt).toBe(expiry.toISOString());
  });

  it('marks the item expiring with the disconnect time on PENDING_DISCONNECT', async () => {
    const linked = await armedItem('item-disconnect');
    const disconnect = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    disconnect.setMilliseconds(0);

    await deliver(linked, 'ITEM', 'PENDING_DISCONNECT', {
      reason: 'INSTITUTION_TOKEN_EXPIRATION',
      disconnect_time: disconnect.toISOString(),
    });

    const expiring = await waitItem(linked, (i) => i.status === 'expiring', 'expiring');
    expect(expiring.consentExpiresAt).toBe(disconnect.toISOString());
    expect(expiring.error).toBeNull();
  });

  it('flags newAccountsAvailable on NEW_ACCOUNTS_AVAILABLE and leaves the item healthy', async () => {
    const linked = await armedItem('item-new-accounts');
    expect(linked.item.newAccountsAvailable).toBe(false);

    await deliver(linked, 'ITEM', 'NEW_ACCOUNTS_AVAILABLE', { error: null });

    const flagged = await waitItem(linked, (i) => i.newAccountsAvailable === true, 'newAccountsAvailable');
    expect(flagged).toEqual({ ...linked.item, newAccountsAvailable: true });
  });

  it("deletes one account's transactions on USER_ACCOUNT_REVOKED, shows it as revoked, keeps the others", async () => {
    const linked = await armedItem('item-account-revoked');
    const perAccount = await db<{ plaid_account_id: string; id: string; n: string }>(
      `SELECT a.plaid_account_id, a.id, count(t.id) AS n
         FROM sync.accounts a LEFT JOIN sync.transactions t ON t.account_id = a.id
        WHERE a.item_id = $1 GROUP BY a.plaid_account_id, a.id ORDER BY count(t.id) DESC, a.id`,
      [linked.item.id],
    );
    expect(perAccount.length).toBeGreaterThan(1);
    const [revoked, ...kept] = perAccount;
    expect(Number(revoked.n)).toBeGreaterThan(0);
    const keptTransactions = kept.reduce((sum, a) => sum + Number(a.n), 0);

    await deliver(linked, 'ITEM', 'USER_ACCOUNT_REVOKED', { account_id: revoked.plaid_account_id });

    // The account stays listed, as `revoked` and without balances, so the user sees what happened.
    const accounts = await waitFor(
      async () => {
        const res = await linked.user.api.get(
          `/v1/accounts?itemId=${linked.item.id}`,
          linked.user.accessToken,
        );
        return res.body.data.some((a: any) => a.status === 'revoked') ? res.body.data : undefined;
      },
      { what: 'the revoked account to show as revoked' },
    );
    expect(
      accounts
        .filter((a: any) => a.status === 'active')
        .map((a: any) => a.id)
        .sort(),
    ).toEqual(kept.map((a) => a.id).sort());
    expect(accounts.find((a: any) => a.id === revoked.id)).toMatchObject({
      status: 'revoked',
      balances: { available: null, current: null },
    });
    expect(
      await dbCount('SELECT count(*) AS n FROM sync.transactions WHERE account_id = $1', [revoked.id]),
    ).toBe(0);
    expect(
      await dbCount('SELECT count(*) AS n FROM sync.transactions WHERE item_id = $1', [linked.item.id]),
    ).toBe(keptTransactions);
    expect((await getItem(linked)).status).toBe('healthy');
  });

  it('marks the item revoked on USER_PERMISSION_REVOKED, deletes its data and removes it at Plaid', async () => {
    const linked = await armedItem('item-revoked');

    await deliver(linked, 'ITEM', 'USER_PERMISSION_REVOKED', {
      error: {
        error_type: 'ITEM_ERROR',
        error_code: 'USER_PERMISSION_REVOKED',
        error_message: 'the holder of this account has revoked their permission for your application',
        display_message: null,
        status: 400,
      },
    });

    const revoked = await waitItem(linked, (i) => i.status === 'revoked', 'revoked');
    expect(revoked.error).toEqual({ code: 'USER_PERMISSION_REVOKED', message: expect.any(String) });
    await waitFor(
      async () =>
        (await dbCount(
          `SELECT (SELECT count(*) FROM sync.accounts WHERE item_id = $1)
                + (SELECT count(*) FROM sync.transactions WHERE item_id = $1) AS n`,
          [linked.item.id],
        )) === 0,
      { what: 'accounts and transactions of the revoked item to go' },
    );
    const accounts = await linked.user.api.get(
      `/v1/accounts?itemId=${linked.item.id}`,
      linked.user.accessToken,
    );
    expect(accounts.status).toBe(200);
    expect(accounts.body.data).toEqual([]);
    await waitFor(
      async () =>
        (await control('GET', `/calls?item_id=${linked.plaidItem}&endpoint=/item/remove`)).total === 1,
      { what: '/item/remove at Plaid' },
    );
  });

  it('acknowledges WEBHOOK_UPDATE_ACKNOWLEDGED and unknown ITEM codes without changing the item', async () => {
    const linked = await armedItem('item-ack');

    await deliver(linked, 'ITEM', 'WEBHOOK_UPDATE_ACKNOWLEDGED', {
      new_webhook_url: `${runInfo().gateways[0]}${WEBHOOK_PATH}`,
      error: null,
    });
    await deliver(linked, 'ITEM', 'SOMETHING_PLAID_ADDS_LATER');
    // A webhook the item service does act on, sent after: once it shows, the ones before were handled.
    await deliver(linked, 'ITEM', 'NEW_ACCOUNTS_AVAILABLE');

    const after = await waitItem(linked, (i) => i.newAccountsAvailable === true, 'newAccountsAvailable');
    expect(after).toEqual({ ...linked.item, newAccountsAvailable: true });
  });

  it('acknowledges webhooks for an unknown item (or none) with 200, and keeps processing the rest', async () => {
    const linked = await armedItem('item-unknown');
    const unknown = `item-${randomUUID()}`;
    const running = livePids();
    const bodies = [
      webhookBody(unknown, 'ERROR', 'ITEM', loginRequired),
      webhookBody(unknown, 'USER_PERMISSION_REVOKED', 'ITEM'),
      webhookBody(unknown),
      webhookBody(null, 'ERROR', 'ITEM', loginRequired),
      webhookBody(null),
      webhookBody(unknown, 'PRODUCT_READY', 'AUTH'),
    ];

    for (const body of bodies) {
      const res = await postSigned(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true });
    }

    // Both consumers still work: an ITEM webhook and a sync for a real item go through afterwards.
    await deliver(linked, 'ITEM', 'NEW_ACCOUNTS_AVAILABLE');
    await waitItem(linked, (i) => i.newAccountsAvailable === true, 'newAccountsAvailable');
    const calls = await syncCalls(linked.plaidItem);
    await deliver(linked, 'TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE', {
      initial_update_complete: true,
      historical_update_complete: true,
    });
    await waitFor(async () => (await syncCalls(linked.plaidItem)) > calls, {
      what: 'a sync of the real item',
    });
    const item = await waitItem(linked, (i) => i.lastSyncedAt > linked.item.lastSyncedAt, 'synced');
    expect(item.status).toBe('healthy');
    // Nothing crashed: every process that was up before the webhooks still is.
    expect(livePids()).toEqual(expect.arrayContaining(running));
  });
});

describe('Plaid webhooks: intake', () => {
  it('answers 20 concurrent webhooks for one item quickly with 200, and the item ends synced', async () => {
    const user = await signupAndLogin(new Api(), 'burst');
    const target = await linkQuiet(user);
    const calls = await syncCalls(target.plaidItem);
    const requests = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const body = webhookBody(target.plaidItem, i % 2 === 0 ? 'SYNC_UPDATES_AVAILABLE' : 'DEFAULT_UPDATE');
        return { body, verification: await sign(body) };
      }),
    );

    const started = Date.now();
    const responses = await Promise.all(
      requests.map(({ body, verification }, i) =>
        postWebhook(body, verification, runInfo().gateways[i % runInfo().gateways.length]),
      ),
    );
    const elapsed = Date.now() - started;

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(responses.every((r) => r.body.received === true)).toBe(true);
    // The answer waits for the broker, not for Plaid: 20 syncs would take far longer than this.
    expect(elapsed).toBeLessThan(5_000);
    const synced = await waitItem(
      target,
      (i) => i.status === 'healthy' && i.lastSyncedAt > target.item.lastSyncedAt,
      'synced after the burst',
    );
    expect(synced.error).toBeNull();
    expect(await syncCalls(target.plaidItem)).toBeGreaterThan(calls);
  });
});
