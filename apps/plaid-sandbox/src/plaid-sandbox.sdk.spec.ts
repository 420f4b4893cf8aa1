// Starts the emulator in-process and drives it only through the official `plaid` SDK over HTTP (control
// routes aside), validating every Plaid response body — success or error — against the official spec.
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import {
  AccountSubtype,
  Configuration,
  CountryCode,
  type PlaidError,
  PlaidApi,
  Products,
  SandboxItemFireWebhookRequestWebhookCodeEnum,
  type Transaction,
  type TransactionsSyncResponse,
  WebhookType,
} from 'plaid';
import { createSandboxApp } from './app.factory';
import { loadConfig } from './config';
import { OpenApiValidator } from './testing/openapi-validator';
import { type ReceivedWebhook, waitFor, WebhookReceiver } from './testing/webhook-receiver';

const CLIENT_ID = 'test-client';
const SECRET = 'test-secret';

let app: NestFastifyApplication;
let baseUrl: string;
let plaid: PlaidApi;
let validator: OpenApiValidator;
const receiver = new WebhookReceiver();

function client(secret = SECRET): PlaidApi {
  return new PlaidApi(
    new Configuration({
      basePath: baseUrl,
      baseOptions: {
        headers: { 'PLAID-CLIENT-ID': CLIENT_ID, 'PLAID-SECRET': secret, 'Plaid-Version': '2020-09-14' },
      },
    }),
  );
}

/** Every successful Plaid body must match the spec's 200 schema for its path and carry a request_id. */
function ok<T extends { request_id?: string }>(path: string, data: T): T {
  expect(validator.responseErrors(path, data)).toEqual([]);
  expect(data.request_id).toMatch(/^[A-Za-z0-9]{15}$/);
  return data;
}

/** Awaits a Plaid call expected to fail; checks the error object against the spec and returns it. */
async function plaidError(call: Promise<unknown>): Promise<PlaidError & { http: number }> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  const response = (caught as { response?: { status: number; data: PlaidError } } | undefined)?.response;
  if (!response) throw new Error(`expected a Plaid error response, got ${String(caught)}`);
  expect(validator.errors('PlaidError', response.data)).toEqual([]);
  expect(response.data).toMatchObject({ causes: [], suggested_action: null, status: response.status });
  expect(response.data.request_id).toMatch(/^[A-Za-z0-9]{15}$/);
  expect(response.data.documentation_url).toMatch(/^https:\/\/plaid\.com\/docs\/errors\//);
  return { ...response.data, http: response.status };
}

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}/sandbox-control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`control ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function linkItem(
  options: {
    username?: string;
    password?: string;
    institution?: string;
    webhook?: string | null;
    products?: Products[];
  } = {},
): Promise<{ accessToken: string; itemId: string }> {
  const created = await plaid.sandboxPublicTokenCreate({
    institution_id: options.institution ?? 'ins_109508',
    initial_products: options.products ?? [Products.Transactions],
    options: {
      webhook: options.webhook === null ? undefined : (options.webhook ?? receiver.url()),
      override_username: options.username,
      override_password: options.password,
    },
  });
  ok('/sandbox/public_token/create', created.data);
  const exchanged = await plaid.itemPublicTokenExchange({ public_token: created.data.public_token });
  ok('/item/public_token/exchange', exchanged.data);
  expect(exchanged.data.access_token).toMatch(/^access-sandbox-[0-9a-f-]{36}$/);
  return { accessToken: exchanged.data.access_token, itemId: exchanged.data.item_id };
}

interface Drained {
  added: Transaction[];
  modified: Transaction[];
  removed: Array<{ transaction_id: string; account_id: string }>;
  cursor: string;
  pages: number;
}

async function drain(accessToken: string, cursor: string | undefined, count = 500): Promise<Drained> {
  const out: Drained = { added: [], modified: [], removed: [], cursor: '', pages: 0 };
  let next = cursor;
  for (;;) {
    const { data } = await plaid.transactionsSync({ access_token: accessToken, cursor: next, count });
    ok('/transactions/sync', data);
    out.pages++;
    out.added.push(...data.added);
    out.modified.push(...data.modified);
    out.removed.push(...data.removed);
    next = data.next_cursor;
    if (!data.has_more) break;
  }
  out.cursor = next ?? '';
  return out;
}

/** Verifies a webhook as a receiver following REFERENCE §4 would. */
async function verifyWebhook(webhook: ReceivedWebhook): Promise<void> {
  expect(webhook.headers['content-type']).toBe('application/json');
  expect(webhook.raw).toBe(JSON.stringify(webhook.body, null, 2));
  const token = webhook.headers['plaid-verification'];
  expect(typeof token).toBe('string');
  const header = decodeProtectedHeader(token as string);
  expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
  const { data } = await plaid.webhookVerificationKeyGet({ key_id: header.kid as string });
  ok('/webhook_verification_key/get', data);
  expect(data.key).toMatchObject({ alg: 'ES256', crv: 'P-256', kty: 'EC', use: 'sig', kid: header.kid });
  const key = await importJWK(
    { kty: data.key.kty, crv: data.key.crv, x: data.key.x, y: data.key.y },
    'ES256',
  );
  const { payload } = await jwtVerify(token as string, key, { algorithms: ['ES256'], maxTokenAge: '5 min' });
  expect(payload.request_body_sha256).toBe(createHash('sha256').update(webhook.raw).digest('hex'));
}

beforeAll(async () => {
  validator = new OpenApiValidator();
  await receiver.start();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SANDBOX_CLIENT_ID: CLIENT_ID,
    SANDBOX_SECRET: SECRET,
    SANDBOX_SEED: '7',
    SANDBOX_WEBHOOK_DELAY_MS: '30',
    SANDBOX_WEBHOOK_RETRY_BASE_MS: '30',
    SANDBOX_PUBLIC_TOKEN_TTL_SECONDS: '1',
    LOG_LEVEL: 'silent',
  });
  app = await createSandboxApp(config);
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  plaid = client();
}, 30_000);

afterAll(async () => {
  await app?.close();
  await receiver.stop();
});

describe('plaid-sandbox through the official SDK', () => {
  it('creates a link token and, after Link completes, an Item carrying its webhook and products', async () => {
    const { data } = await plaid.linkTokenCreate({
      client_name: 'Budget App',
      language: 'en',
      country_codes: [CountryCode.Us],
      user: { client_user_id: 'user-123' },
      products: [Products.Transactions],
      webhook: receiver.url('/from-link'),
    });
    ok('/link/token/create', data);
    expect(data.link_token).toMatch(/^link-sandbox-[0-9a-f-]{36}$/);
    const hours = (Date.parse(data.expiration) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(3.9);
    expect(hours).toBeLessThanOrEqual(4);

    const { public_token } = await control<{ public_token: string }>('POST', '/link/complete', {
      link_token: data.link_token,
    });
    expect(public_token).toMatch(/^public-sandbox-[0-9a-f-]{36}$/);
    const exchanged = ok(
      '/item/public_token/exchange',
      (await plaid.itemPublicTokenExchange({ public_token })).data,
    );
    const item = ok('/item/get', (await plaid.itemGet({ access_token: exchanged.access_token })).data);
    expect(item.item).toMatchObject({
      item_id: exchanged.item_id,
      institution_id: 'ins_109508',
      institution_name: 'First Platypus Bank',
      webhook: receiver.url('/from-link'),
      products: [Products.Transactions],
      billed_products: [Products.Transactions],
      error: null,
      update_type: 'background',
      consent_expiration_time: null,
    });
    expect(item.status?.transactions?.last_successful_update).toEqual(expect.any(String));

    // Update mode: 30 minutes, no products needed.
    const update = ok(
      '/link/token/create',
      (
        await plaid.linkTokenCreate({
          client_name: 'Budget App',
          language: 'en',
          country_codes: [CountryCode.Us],
          user: { client_user_id: 'user-123' },
          access_token: exchanged.access_token,
        })
      ).data,
    );
    expect((Date.parse(update.expiration) - Date.now()) / 60_000).toBeLessThanOrEqual(30);
  });

  it('rejects link token requests with missing or invalid fields', async () => {
    const missing = await plaidError(
      plaid.linkTokenCreate({
        language: 'en',
        country_codes: [CountryCode.Us],
        user: { client_user_id: 'u' },
        products: [Products.Transactions],
      } as never),
    );
    expect(missing).toMatchObject({ http: 400, error_type: 'INVALID_REQUEST', error_code: 'MISSING_FIELDS' });
    expect(missing.error_message).toContain('client_name');
    const noProducts = await plaidError(
      plaid.linkTokenCreate({
        client_name: 'x',
        language: 'en',
        country_codes: [CountryCode.Us],
        user: { client_user_id: 'u' },
      }),
    );
    expect(noProducts.error_code).toBe('MISSING_FIELDS');
    const badProduct = await plaidError(
      plaid.linkTokenCreate({
        client_name: 'x',
        language: 'en',
        country_codes: [CountryCode.Us],
        user: { client_user_id: 'u' },
        products: [Products.Balance],
      }),
    );
    expect(badProduct).toMatchObject({ error_type: 'INVALID_INPUT', error_code: 'INVALID_PRODUCT' });
  });

  it('answers INVALID_API_KEYS for wrong credentials', async () => {
    const error = await plaidError(
      client('wrong-secret').itemGet({ access_token: 'access-sandbox-00000000-0000-4000-8000-000000000000' }),
    );
    expect(error).toMatchObject({
      http: 400,
      error_type: 'INVALID_INPUT',
      error_code: 'INVALID_API_KEYS',
      display_message: null,
    });
  });

  it('makes public tokens single-use and expiring', async () => {
    const created = ok(
      '/sandbox/public_token/create',
      (
        await plaid.sandboxPublicTokenCreate({
          institution_id: 'ins_109508',
          initial_products: [Products.Transactions],
        })
      ).data,
    );
    await plaid.itemPublicTokenExchange({ public_token: created.public_token });
    const reused = await plaidError(plaid.itemPublicTokenExchange({ public_token: created.public_token }));
    expect(reused).toMatchObject({
      http: 400,
      error_type: 'INVALID_INPUT',
      error_code: 'INVALID_PUBLIC_TOKEN',
    });

    const stale = (
      await plaid.sandboxPublicTokenCreate({
        institution_id: 'ins_109508',
        initial_products: [Products.Transactions],
      })
    ).data;
    await new Promise((r) => setTimeout(r, 1100)); // TTL is 1 s in this suite
    const expired = await plaidError(plaid.itemPublicTokenExchange({ public_token: stale.public_token }));
    expect(expired.error_code).toBe('INVALID_PUBLIC_TOKEN');
  });

  it('serves institutions with status and rejects unknown ids', async () => {
    const { data } = await plaid.institutionsGetById({
      institution_id: 'ins_132361',
      country_codes: [CountryCode.Us],
      options: { include_status: true, include_optional_metadata: true },
    });
    ok('/institutions/get_by_id', data);
    expect(data.institution).toMatchObject({
      institution_id: 'ins_132361',
      oauth: false,
      country_codes: ['US'],
    });
    expect(data.institution.status?.transactions_updates?.status).toBe('DOWN');
    expect(data.institution.primary_color).toMatch(/^#/);
    const unknown = await plaidError(
      plaid.institutionsGetById({ institution_id: 'ins_nope', country_codes: [CountryCode.Us] }),
    );
    expect(unknown).toMatchObject({ error_type: 'INVALID_INPUT', error_code: 'INVALID_INSTITUTION' });
    const missing = await plaidError(plaid.institutionsGetById({ institution_id: 'ins_109508' } as never));
    expect(missing.error_code).toBe('MISSING_FIELDS');
  });

  it('returns accounts that look alike across two links of the same login, with new ids', async () => {
    const first = await linkItem({ webhook: null });
    const second = await linkItem({ webhook: null });
    const a = ok('/accounts/get', (await plaid.accountsGet({ access_token: first.accessToken })).data);
    const b = ok(
      '/accounts/balance/get',
      (await plaid.accountsBalanceGet({ access_token: second.accessToken })).data,
    );
    const shape = (x: typeof a) =>
      x.accounts.map((acc) => [acc.name, acc.mask, acc.type, acc.subtype, acc.official_name]);
    expect(shape(a)).toEqual(shape(b));
    expect(a.accounts.map((x) => x.type)).toEqual(
      expect.arrayContaining(['depository', 'credit', 'loan', 'investment']),
    );
    expect(new Set([...a.accounts, ...b.accounts].map((x) => x.account_id)).size).toBe(a.accounts.length * 2);
    expect(first.itemId).not.toBe(second.itemId);
    const checking = a.accounts.find((x) => x.subtype === AccountSubtype.Checking);
    expect(checking).toMatchObject({
      name: 'Plaid Checking',
      mask: '0000',
      balances: { available: 100, current: 110, iso_currency_code: 'USD' },
    });

    const one = ok(
      '/accounts/get',
      (
        await plaid.accountsGet({
          access_token: first.accessToken,
          options: { account_ids: [checking?.account_id ?? ''] },
        })
      ).data,
    );
    expect(one.accounts).toHaveLength(1);
  });

  it('syncs the full history in pages, then exactly the changes made since the cursor', async () => {
    const { accessToken, itemId } = await linkItem({ webhook: null });
    const first = await plaid.transactionsSync({ access_token: accessToken, count: 50 });
    ok('/transactions/sync', first.data);
    expect(first.data).toMatchObject({
      has_more: true,
      transactions_update_status: 'HISTORICAL_UPDATE_COMPLETE',
    });
    expect(first.data.added).toHaveLength(50);
    expect(first.data.next_cursor.length).toBeLessThanOrEqual(256);
    const rest = await drain(accessToken, first.data.next_cursor, 50);
    const history = [...first.data.added, ...rest.added];
    expect(history).toHaveLength(120);
    expect(new Set(history.map((t) => t.transaction_id)).size).toBe(120);
    expect(history.some((t) => t.pending)).toBe(true);
    expect(history.some((t) => t.amount < 0)).toBe(true);
    expect(first.data.accounts.length).toBeGreaterThan(0);

    const mutation = await control<{
      version: number;
      added: string[];
      modified: string[];
      removed: string[];
      posted: Array<{ pending_transaction_id: string; transaction_id: string }>;
    }>('POST', `/items/${itemId}/transactions/mutate`, {
      add: 2,
      modify: 3,
      remove: 1,
      postPending: 1,
      webhook: false,
    });
    expect(mutation.added).toHaveLength(2);
    const diff = await drain(accessToken, rest.cursor, 2);
    expect(diff.added.map((t) => t.transaction_id).sort()).toEqual(
      [...mutation.added, mutation.posted[0].transaction_id].sort(),
    );
    expect(diff.modified.map((t) => t.transaction_id).sort()).toEqual([...mutation.modified].sort());
    expect(diff.removed.map((r) => r.transaction_id).sort()).toEqual(
      [...mutation.removed, mutation.posted[0].pending_transaction_id].sort(),
    );
    const posted = diff.added.find((t) => t.transaction_id === mutation.posted[0].transaction_id);
    expect(posted).toMatchObject({
      pending: false,
      pending_transaction_id: mutation.posted[0].pending_transaction_id,
    });
    const before = history.find((t) => t.transaction_id === mutation.modified[0]);
    const after = diff.modified.find((t) => t.transaction_id === mutation.modified[0]);
    expect(after?.amount).toBeCloseTo((before?.amount ?? 0) + 1, 2);

    const summary = await control<{ transaction_count: number; version: number }>('GET', `/items/${itemId}`);
    expect(summary.transaction_count).toBe(120 + 2 - 1);
    expect(summary.version).toBe(mutation.version);
    const nothing = await drain(accessToken, diff.cursor);
    expect([nothing.added, nothing.modified, nothing.removed]).toEqual([[], [], []]);
  });

  it('derives recurring streams from the history and sends RECURRING_TRANSACTIONS_UPDATE', async () => {
    const { accessToken, itemId } = await linkItem();
    const before = ok(
      '/transactions/recurring/get',
      (await plaid.transactionsRecurringGet({ access_token: accessToken })).data,
    );
    const series = await control<Record<string, string[]>>(
      'POST',
      `/items/${itemId}/transactions/recurring`,
      {},
    );

    const after = ok(
      '/transactions/recurring/get',
      (await plaid.transactionsRecurringGet({ access_token: accessToken })).data,
    );
    const again = (await plaid.transactionsRecurringGet({ access_token: accessToken })).data;
    const webhook = await waitFor(
      () => receiver.for(itemId, 'RECURRING_TRANSACTIONS_UPDATE')[0],
      5000,
      'RECURRING_TRANSACTIONS_UPDATE',
    );
    expect([before.inflow_streams, before.outflow_streams]).toEqual([[], []]);
    const byMerchant = Object.fromEntries(
      [...after.inflow_streams, ...after.outflow_streams].map((s) => [s.merchant_name, s]),
    );
    expect(after.inflow_streams.map((s) => s.merchant_name)).toEqual(['Acme Corp']);
    expect(byMerchant['Acme Corp']).toMatchObject({
      frequency: 'BIWEEKLY',
      status: 'MATURE',
      is_active: true,
    });
    expect(byMerchant['Acme Properties']).toMatchObject({ frequency: 'MONTHLY', status: 'MATURE' });
    expect(byMerchant['Acme Properties'].transaction_ids.sort()).toEqual([...series.rent].sort());
    expect(byMerchant['Blue Bottle Coffee']).toMatchObject({ frequency: 'WEEKLY', is_active: true });
    expect(byMerchant.Spotify).toMatchObject({
      status: 'TOMBSTONED',
      is_active: false,
      predicted_next_date: null,
    });
    expect(again.outflow_streams.map((s) => s.stream_id)).toEqual(
      after.outflow_streams.map((s) => s.stream_id),
    );
    expect(validator.errors('RecurringTransactionsUpdateWebhook', webhook.body)).toEqual([]);
    await verifyWebhook(webhook);

    await control('POST', `/items/${itemId}/recurring`, { unavailable: 'PRODUCT_NOT_ENABLED' });
    const disabled = await plaidError(plaid.transactionsRecurringGet({ access_token: accessToken }));
    expect(disabled).toMatchObject({
      http: 400,
      error_type: 'ITEM_ERROR',
      error_code: 'PRODUCT_NOT_ENABLED',
    });
  });

  it('posts pending transactions with and without pending_transaction_id, with a tip, or lets one vanish', async () => {
    const { accessToken, itemId } = await linkItem({ webhook: null });
    const start = await drain(accessToken, undefined);
    const pending = async (): Promise<string> =>
      (
        await control<{ transaction_id: string }>('POST', `/items/${itemId}/transactions/pending`, {
          amount: 40,
        })
      ).transaction_id;
    const [a, b, c, d] = [await pending(), await pending(), await pending(), await pending()];
    const transfer = await control<{ out: string; in: string }>(
      'POST',
      `/items/${itemId}/transactions/transfer`,
      {
        amount: 300,
        webhook: false,
      },
    );
    const withId = await control<{ transaction_id: string }>(
      'POST',
      `/items/${itemId}/transactions/${a}/post`,
      {
        amount: 48,
        webhook: false,
      },
    );
    const withoutId = await control<{ transaction_id: string }>(
      'POST',
      `/items/${itemId}/transactions/${b}/post`,
      {
        with_pending_transaction_id: false,
        webhook: false,
      },
    );
    await control('POST', `/items/${itemId}/transactions/${c}/vanish`, { webhook: false });
    const split = await control<{ transaction_id: string; fillers: number }>(
      'POST',
      `/items/${itemId}/transactions/${d}/post`,
      { split_pages: 'removed-first', page_size: 10, webhook: false },
    );

    const diff = await drain(accessToken, start.cursor, 10);
    const added = new Map(diff.added.map((t) => [t.transaction_id, t]));
    expect(added.get(withId.transaction_id)).toMatchObject({
      pending: false,
      pending_transaction_id: a,
      amount: 48,
    });
    expect(added.get(withoutId.transaction_id)).toMatchObject({
      pending: false,
      pending_transaction_id: null,
    });
    expect(added.get(transfer.out)?.amount).toBe(300);
    expect(added.get(transfer.in)).toMatchObject({
      amount: -300,
      personal_finance_category: { primary: 'TRANSFER_IN' },
    });
    expect([a, b, c, d].some((id) => added.has(id))).toBe(false);
    expect(split.fillers).toBe(10);
    expect(diff.pages).toBeGreaterThan(1);
    expect(added.get(split.transaction_id)).toMatchObject({ pending_transaction_id: d });
  });

  it('answers TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION when data changes mid-run', async () => {
    const { accessToken, itemId } = await linkItem({ webhook: null });
    const page = (await plaid.transactionsSync({ access_token: accessToken, count: 10 })).data;
    await control('POST', `/items/${itemId}/transactions/mutate`, { add: 1, webhook: false });
    const error = await plaidError(
      plaid.transactionsSync({ access_token: accessToken, cursor: page.next_cursor, count: 10 }),
    );
    expect(error).toMatchObject({
      http: 400,
      error_type: 'TRANSACTIONS_ERROR',
      error_code: 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
    });
    const restarted = await drain(accessToken, undefined);
    expect(restarted.added).toHaveLength(121);
    const badCount = await plaidError(plaid.transactionsSync({ access_token: accessToken, count: 501 }));
    expect(badCount.error_code).toBe('INVALID_FIELD');
  });

  it('sends signed SYNC_UPDATES_AVAILABLE after the first sync, and verifiable fire_webhook payloads', async () => {
    const { accessToken, itemId } = await linkItem();
    await plaid.transactionsSync({ access_token: accessToken });
    const sync = await waitFor(
      () => receiver.for(itemId, 'SYNC_UPDATES_AVAILABLE')[0],
      5000,
      'SYNC_UPDATES_AVAILABLE',
    );
    expect(sync.body).toEqual({
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: itemId,
      initial_update_complete: true,
      historical_update_complete: true,
      environment: 'sandbox',
    });
    expect(validator.errors('SyncUpdatesAvailableWebhook', sync.body)).toEqual([]);
    await verifyWebhook(sync);

    const fired = ok(
      '/sandbox/item/fire_webhook',
      (
        await plaid.sandboxItemFireWebhook({
          access_token: accessToken,
          webhook_type: WebhookType.Transactions,
          webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.DefaultUpdate,
        })
      ).data,
    );
    expect(fired.webhook_fired).toBe(true);
    const update = await waitFor(() => receiver.for(itemId, 'DEFAULT_UPDATE')[0], 5000, 'DEFAULT_UPDATE');
    expect(validator.errors('DefaultUpdateWebhook', update.body)).toEqual([]);
    await verifyWebhook(update);

    const wrongProduct = await plaidError(
      plaid.sandboxItemFireWebhook({
        access_token: accessToken,
        webhook_type: WebhookType.Assets,
        webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.ProductReady,
      }),
    );
    expect(wrongProduct.error_code).toBe('SANDBOX_PRODUCT_NOT_ENABLED');

    // A tampered body no longer matches the signed hash; an unknown kid is rejected by Plaid.
    const { plaidVerification } = await control<{ plaidVerification: string }>('POST', '/sign', {
      body: '{"a":1}',
    });
    const { payload } = await jwtVerify(
      plaidVerification,
      await importJWK(
        (
          await plaid.webhookVerificationKeyGet({
            key_id: decodeProtectedHeader(plaidVerification).kid as string,
          })
        ).data.key as never,
        'ES256',
      ),
    );
    expect(payload.request_body_sha256).not.toBe(createHash('sha256').update('{"a":2}').digest('hex'));
    const badKid = await plaidError(plaid.webhookVerificationKeyGet({ key_id: 'no-such-kid' }));
    expect(badKid).toMatchObject({
      error_type: 'INVALID_INPUT',
      error_code: 'INVALID_WEBHOOK_VERIFICATION_KEY_ID',
    });

    // Rotation: the old key stays retrievable, with expired_at set; new webhooks use the new kid.
    const oldKid = decodeProtectedHeader(sync.headers['plaid-verification'] as string).kid as string;
    const rotated = await control<{ kid: string; previous_kid: string }>('POST', '/webhook-keys/rotate');
    expect(rotated.previous_kid).toBe(oldKid);
    const old = ok(
      '/webhook_verification_key/get',
      (await plaid.webhookVerificationKeyGet({ key_id: oldKid })).data,
    );
    expect(old.key.expired_at).toEqual(expect.any(Number));
    const sent = await control<{ delivered: boolean; status: number }>('POST', `/items/${itemId}/webhook`, {
      webhook_type: 'ITEM',
      webhook_code: 'PENDING_EXPIRATION',
      consent_expiration_time: '2030-01-01T00:00:00Z',
    });
    expect(sent).toEqual({ delivered: true, status: 200 });
    const expiring = receiver.for(itemId, 'PENDING_EXPIRATION')[0];
    expect(validator.errors('PendingExpirationWebhook', expiring.body)).toEqual([]);
    expect(decodeProtectedHeader(expiring.headers['plaid-verification'] as string).kid).toBe(rotated.kid);
    await verifyWebhook(expiring);
  });

  it('puts an Item into ITEM_LOGIN_REQUIRED with reset_login, and fires ITEM ERROR', async () => {
    const { accessToken, itemId } = await linkItem();
    const reset = ok(
      '/sandbox/item/reset_login',
      (await plaid.sandboxItemResetLogin({ access_token: accessToken })).data,
    );
    expect(reset.reset_login).toBe(true);
    const error = await plaidError(plaid.transactionsSync({ access_token: accessToken }));
    expect(error).toMatchObject({ http: 400, error_type: 'ITEM_ERROR', error_code: 'ITEM_LOGIN_REQUIRED' });
    // As Plaid: display_message is for end users and null for this code; the developer text is error_message.
    expect(error.display_message).toBeNull();
    expect(error.error_message).toMatch(/update mode/);
    const item = ok('/item/get', (await plaid.itemGet({ access_token: accessToken })).data);
    expect(item.item.error?.error_code).toBe('ITEM_LOGIN_REQUIRED');
    const hook = await waitFor(() => receiver.for(itemId, 'ERROR')[0], 5000, 'ITEM ERROR');
    expect(validator.errors('ItemErrorWebhook', hook.body)).toEqual([]);
    expect(hook.body.error).toMatchObject({ error_code: 'ITEM_LOGIN_REQUIRED', status: 400 });
    await verifyWebhook(hook);

    // Update mode through the control Link simulation repairs it.
    const link = (
      await plaid.linkTokenCreate({
        client_name: 'x',
        language: 'en',
        country_codes: [CountryCode.Us],
        user: { client_user_id: 'u' },
        access_token: accessToken,
      })
    ).data;
    await control('POST', '/link/complete', { link_token: link.link_token });
    ok('/transactions/sync', (await plaid.transactionsSync({ access_token: accessToken, count: 1 })).data);
  });

  it('changes the webhook URL and acknowledges at the new one', async () => {
    const { accessToken, itemId } = await linkItem();
    const updated = ok(
      '/item/webhook/update',
      (await plaid.itemWebhookUpdate({ access_token: accessToken, webhook: receiver.url('/new') })).data,
    );
    expect(updated.item.webhook).toBe(receiver.url('/new'));
    const ack = await waitFor(() => receiver.for(itemId, 'WEBHOOK_UPDATE_ACKNOWLEDGED')[0], 5000, 'ack');
    expect(ack.path).toBe('/new');
    expect(ack.body.new_webhook_url).toBe(receiver.url('/new'));
    expect(validator.errors('WebhookUpdateAcknowledgedWebhook', ack.body)).toEqual([]);
    await verifyWebhook(ack);
  });

  it('gives user_transactions_dynamic new data on refresh and accepts custom transactions', async () => {
    const { accessToken, itemId } = await linkItem({
      username: 'user_transactions_dynamic',
      password: 'any',
    });
    const history = await drain(accessToken, undefined);
    expect(history.added).toHaveLength(50);
    const pendingIds = history.added.filter((t) => t.pending).map((t) => t.transaction_id);
    expect(pendingIds.length).toBeGreaterThan(0);

    ok('/transactions/refresh', (await plaid.transactionsRefresh({ access_token: accessToken })).data);
    const diff = await drain(accessToken, history.cursor);
    expect(diff.removed.map((r) => r.transaction_id).sort()).toEqual([...pendingIds].sort());
    const posted = diff.added.filter((t) => t.pending_transaction_id !== null);
    expect(posted.map((t) => t.pending_transaction_id).sort()).toEqual([...pendingIds].sort());
    expect(diff.added.filter((t) => t.pending)).toHaveLength(2);
    expect(diff.modified).toHaveLength(1);
    await waitFor(() => receiver.for(itemId, 'DEFAULT_UPDATE')[0], 5000, 'DEFAULT_UPDATE after refresh');
    await waitFor(
      () => receiver.for(itemId, 'SYNC_UPDATES_AVAILABLE').length >= 2,
      5000,
      'SYNC_UPDATES_AVAILABLE after refresh',
    );

    const today = new Date().toISOString().slice(0, 10);
    ok(
      '/sandbox/transactions/create',
      (
        await plaid.sandboxTransactionsCreate({
          access_token: accessToken,
          transactions: [
            {
              date_transacted: today,
              date_posted: today,
              amount: 12.34,
              description: 'Custom coffee',
              iso_currency_code: 'USD',
            },
          ],
        })
      ).data,
    );
    const custom = await drain(accessToken, diff.cursor);
    expect(custom.added).toHaveLength(1);
    expect(custom.added[0]).toMatchObject({ name: 'Custom coffee', amount: 12.34, pending: false });

    const regular = await linkItem({ webhook: null });
    const refused = await plaidError(
      plaid.sandboxTransactionsCreate({
        access_token: regular.accessToken,
        transactions: [{ date_transacted: today, date_posted: today, amount: 1, description: 'x' }],
      }),
    );
    expect(refused.http).toBe(400);
  });

  it('opens, shares through account selection, closes accounts and moves balances deterministically', async () => {
    const { accessToken, itemId } = await linkItem();
    const first = ok('/accounts/get', (await plaid.accountsGet({ access_token: accessToken })).data);
    const history = await drain(accessToken, undefined);

    // A new account at the institution waits for the user to share it; NEW_ACCOUNTS_AVAILABLE says so.
    const opened = await control<{ account_id: string }>('POST', `/items/${itemId}/accounts`, {
      type: 'credit',
      current: 250,
      limit: 1000,
      history: 3,
    });
    await waitFor(() => receiver.for(itemId, 'NEW_ACCOUNTS_AVAILABLE')[0], 5000, 'NEW_ACCOUNTS_AVAILABLE');
    expect((await plaid.accountsGet({ access_token: accessToken })).data.accounts).toHaveLength(
      first.accounts.length,
    );

    const update = ok(
      '/link/token/create',
      (
        await plaid.linkTokenCreate({
          client_name: 'Budget App',
          language: 'en',
          country_codes: [CountryCode.Us],
          user: { client_user_id: 'user-123' },
          access_token: accessToken,
          update: { account_selection_enabled: true },
        })
      ).data,
    );
    const dropped = first.accounts[1].account_id;
    const selected = [
      ...first.accounts.map((a) => a.account_id).filter((id) => id !== dropped),
      opened.account_id,
    ];
    await control('POST', '/link/complete', { link_token: update.link_token, account_ids: selected });
    const after = ok('/accounts/get', (await plaid.accountsGet({ access_token: accessToken })).data);
    expect(after.accounts.map((a) => a.account_id).sort()).toEqual([...selected].sort());
    const diff = await drain(accessToken, history.cursor);
    expect(diff.added.filter((t) => t.account_id === opened.account_id)).toHaveLength(3);

    ok('/transactions/refresh', (await plaid.transactionsRefresh({ access_token: accessToken })).data);

    // Balances move the same way for the same seed; as_of becomes last_updated_datetime.
    const before = after.accounts.find((a) => a.account_id === opened.account_id)!.balances.current;
    await control('POST', `/items/${itemId}/balances`, { days: 2, as_of: '2026-01-02T10:00:00Z' });
    const moved = ok(
      '/accounts/balance/get',
      (await plaid.accountsBalanceGet({ access_token: accessToken })).data,
    );
    const card = moved.accounts.find((a) => a.account_id === opened.account_id)!;
    expect(card.balances.current).not.toBe(before);
    expect(card.balances.last_updated_datetime).toBe('2026-01-02T10:00:00Z');
    await control('POST', `/items/${itemId}/balances`, {
      accounts: [{ account_id: opened.account_id, current: 99.5 }],
      as_of: null,
    });
    const set = ok('/accounts/get', (await plaid.accountsGet({ access_token: accessToken })).data);
    expect(set.accounts.find((a) => a.account_id === opened.account_id)!.balances.current).toBe(99.5);

    await control('POST', `/items/${itemId}/accounts/${opened.account_id}/close`);
    const closed = ok('/accounts/get', (await plaid.accountsGet({ access_token: accessToken })).data);
    expect(closed.accounts.map((a) => a.account_id)).not.toContain(opened.account_id);
  });

  it('supports user_custom: Link-time errors, ITEM_LOGIN_REQUIRED items and override_accounts', async () => {
    const locked = await plaidError(
      plaid.sandboxPublicTokenCreate({
        institution_id: 'ins_109508',
        initial_products: [Products.Transactions],
        options: {
          override_username: 'user_custom',
          override_password: JSON.stringify({ force_error: 'ITEM_LOCKED' }),
        },
      }),
    );
    expect(locked).toMatchObject({ error_type: 'ITEM_ERROR', error_code: 'ITEM_LOCKED' });
    const badCreds = await plaidError(
      plaid.sandboxPublicTokenCreate({
        institution_id: 'ins_109508',
        initial_products: [Products.Transactions],
        options: { override_username: 'user_good', override_password: 'error_INVALID_CREDENTIALS' },
      }),
    );
    expect(badCreds.error_code).toBe('INVALID_CREDENTIALS');

    const broken = await linkItem({
      username: 'user_custom',
      password: JSON.stringify({ force_error: 'ITEM_LOGIN_REQUIRED' }),
      webhook: null,
    });
    expect((await plaidError(plaid.accountsGet({ access_token: broken.accessToken }))).error_code).toBe(
      'ITEM_LOGIN_REQUIRED',
    );

    const custom = await linkItem({
      webhook: null,
      username: 'user_custom',
      password: JSON.stringify({
        override_accounts: [
          {
            type: 'depository',
            subtype: 'checking',
            starting_balance: 1234.5,
            meta: { name: 'My Checking', official_name: 'Gold Checking', mask: '9876' },
            transactions: [
              {
                date_transacted: '2026-01-02',
                date_posted: '2026-01-03',
                amount: 42,
                description: 'Rent share',
                currency: 'USD',
              },
              {
                date_transacted: '2026-01-05',
                date_posted: '2026-01-06',
                amount: -1000,
                description: 'Salary',
                currency: 'USD',
              },
            ],
          },
          {
            type: 'credit',
            subtype: 'credit card',
            starting_balance: 300,
            meta: { name: 'Card', limit: 5000, mask: '4321' },
          },
        ],
      }),
    });
    const accounts = ok(
      '/accounts/get',
      (await plaid.accountsGet({ access_token: custom.accessToken })).data,
    ).accounts;
    expect(accounts.map((a) => [a.name, a.mask, a.subtype])).toEqual([
      ['My Checking', '9876', 'checking'],
      ['Card', '4321', 'credit card'],
    ]);
    expect(accounts[0].balances.current).toBe(1234.5);
    const txs = await drain(custom.accessToken, undefined);
    expect(txs.added.map((t) => [t.name, t.amount, t.date])).toEqual([
      ['Rent share', 42, '2026-01-03'],
      ['Salary', -1000, '2026-01-06'],
    ]);
  });

  it('answers INSTITUTION_DOWN for data calls at the down institution', async () => {
    const { accessToken } = await linkItem({ institution: 'ins_132361', webhook: null });
    const down = await plaidError(plaid.transactionsSync({ access_token: accessToken }));
    expect(down).toMatchObject({ error_type: 'INSTITUTION_ERROR', error_code: 'INSTITUTION_DOWN' });
  });

  it('injects failures and slow answers, and counts calls per endpoint and item', async () => {
    const { accessToken, itemId } = await linkItem({ webhook: null });
    await control('DELETE', '/calls');
    const { id } = await control<{ id: string }>('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: itemId,
      http_status: 500,
      times: 1,
    });
    expect(id).toEqual(expect.any(String));
    const failed = await plaidError(plaid.transactionsSync({ access_token: accessToken }));
    expect(failed).toMatchObject({ http: 500, error_type: 'API_ERROR', error_code: 'INTERNAL_SERVER_ERROR' });
    ok('/transactions/sync', (await plaid.transactionsSync({ access_token: accessToken, count: 1 })).data);

    await control('POST', '/failures', { endpoint: '/transactions/sync', http_status: 429 });
    const limited = await plaidError(plaid.transactionsSync({ access_token: accessToken }));
    expect(limited).toMatchObject({
      http: 429,
      error_type: 'RATE_LIMIT_EXCEEDED',
      error_code: 'TRANSACTIONS_SYNC_LIMIT',
    });
    await control('DELETE', '/failures');

    await control('POST', '/failures', { endpoint: '/item/get', delay_ms: 150, times: 1 });
    const started = Date.now();
    ok('/item/get', (await plaid.itemGet({ access_token: accessToken })).data);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    const calls = await control<{
      total: number;
      by_endpoint: Record<string, number>;
      by_item: Record<string, Record<string, number>>;
    }>('GET', `/calls?item_id=${itemId}`);
    expect(calls.by_endpoint).toEqual({ '/transactions/sync': 3, '/item/get': 1 });
    expect(calls.by_item[itemId]['/transactions/sync']).toBe(3);
    const syncOnly = await control<{ total: number }>(
      'GET',
      `/calls?item_id=${itemId}&endpoint=/transactions/sync`,
    );
    expect(syncOnly.total).toBe(3);
  });

  it('removes an Item: its token then answers ITEM_NOT_FOUND; garbage tokens INVALID_ACCESS_TOKEN', async () => {
    const { accessToken } = await linkItem({ webhook: null });
    ok('/item/remove', (await plaid.itemRemove({ access_token: accessToken })).data);
    const gone = await plaidError(plaid.accountsGet({ access_token: accessToken }));
    expect(gone).toMatchObject({ http: 400, error_type: 'ITEM_ERROR', error_code: 'ITEM_NOT_FOUND' });
    const garbage = await plaidError(plaid.itemGet({ access_token: 'garbage' }));
    expect(garbage).toMatchObject({ error_type: 'INVALID_INPUT', error_code: 'INVALID_ACCESS_TOKEN' });
  });

  it('answers INVALID_BODY and NOT_FOUND as Plaid error objects (raw HTTP: the SDK cannot send these)', async () => {
    const invalid = await fetch(`${baseUrl}/item/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(invalid.status).toBe(400);
    const invalidBody = (await invalid.json()) as PlaidError;
    expect(validator.errors('PlaidError', invalidBody)).toEqual([]);
    expect(invalidBody).toMatchObject({ error_type: 'INVALID_REQUEST', error_code: 'INVALID_BODY' });
    const missing = await fetch(`${baseUrl}/no/such/endpoint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(404);
    const notFound = (await missing.json()) as PlaidError;
    expect(validator.errors('PlaidError', notFound)).toEqual([]);
    expect(notFound).toMatchObject({ error_code: 'NOT_FOUND', request_id: expect.any(String) });
    const health = await fetch(`${baseUrl}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('retries a failed webhook delivery with backoff and logs every attempt', async () => {
    const { itemId } = await linkItem();
    receiver.status = 503;
    try {
      const sent = await control<{ delivered: boolean; status: number }>('POST', `/items/${itemId}/webhook`, {
        webhook_type: 'ITEM',
        webhook_code: 'USER_ACCOUNT_REVOKED',
        account_id: 'acc-1',
      });
      expect(sent).toEqual({ delivered: false, status: 503 });
      receiver.status = 200;
      await waitFor(() => receiver.for(itemId, 'USER_ACCOUNT_REVOKED').length >= 2, 5000, 'retry');
    } finally {
      receiver.status = 200;
    }
    const deliveries = await control<
      Array<{ webhook_code: string; delivered: boolean; attempts: Array<{ status: number }> }>
    >('GET', `/webhooks?item_id=${itemId}`);
    const revoked = deliveries.find((d) => d.webhook_code === 'USER_ACCOUNT_REVOKED');
    expect(revoked?.delivered).toBe(true);
    expect(revoked?.attempts.map((a) => a.status)).toEqual([503, 200]);
  });
});

describe(OpenApiValidator.name, () => {
  it('is not vacuous: it rejects bodies that break the spec', () => {
    const broken: Partial<TransactionsSyncResponse> = { added: [], has_more: false };
    expect(validator.responseErrors('/transactions/sync', broken).join('\n')).toMatch(/next_cursor/);
    expect(
      validator.errors('PlaidError', {
        error_type: 'NOPE',
        error_code: 'X',
        error_message: 'm',
        display_message: null,
      }),
    ).not.toEqual([]);
    expect(validator.errors('Transaction', { transaction_id: 't' })).not.toEqual([]);
  });
});
