import { Api, expectErrorShape, type LoggedInUser, signupAndLogin } from './support/api';
import { db } from './support/db';
import { link, plaidItemId, waitHealthy } from './support/linking';
import { control } from './support/sandbox';
import { allTransactions, quiescent } from './support/sync';
import { waitFor } from './support/wait-for';

// The account lifecycle, balances and net worth through the API, against the emulator's accounts: default
// user_good accounts (checking 110, savings 210, CD 1000, credit card 410, money market 43200, IRA 320.76,
// 401k 23631.9805, student loan 65262, mortgage 56302.06; all USD).

const DAY = 86_400_000;
const day = (offset: number): string => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const noon = (offset: number): string => `${day(offset)}T12:00:00Z`;

interface Linked {
  user: LoggedInUser;
  itemId: string;
  plaidId: string;
}

async function linked(tag: string): Promise<Linked> {
  const user = await signupAndLogin(new Api(), tag);
  const item = await link(user);
  await waitHealthy(user, item.id);
  const plaidId = await plaidItemId(item.id);
  await quiescent(plaidId);
  return { user, itemId: item.id, plaidId };
}

async function accounts(l: Linked, query = ''): Promise<any[]> {
  const res = await l.user.api.get(`/v1/accounts?itemId=${l.itemId}${query}`, l.user.accessToken);
  expect(res.status).toBe(200);
  const rows = await db<{ id: string; plaid_account_id: string }>(
    'SELECT id, plaid_account_id FROM sync.accounts WHERE item_id = $1',
    [l.itemId],
  );
  for (const r of rows) plaidIds.set(r.id, r.plaid_account_id);
  return res.body.data;
}

const byName = (list: any[], name: string): any => list.find((a) => a.name === name);

function patch(user: LoggedInUser, path: string, body: unknown, token = user.accessToken) {
  return user.api.request('PATCH', path, { body, token });
}

// Our account id → Plaid's (the API shows ours; the emulator's routes take Plaid's).
const plaidIds = new Map<string, string>();

function plaidAccountId(list: any[], name: string): string {
  const id = plaidIds.get(byName(list, name).id);
  if (!id) throw new Error(`no Plaid id known for ${name}`);
  return id;
}

async function netWorthToday(l: Linked): Promise<any> {
  const res = await l.user.api.get(`/v1/net-worth?from=${day(0)}&to=${day(0)}`, l.user.accessToken);
  expect(res.status).toBe(200);
  return res.body;
}

const calls = async (plaidId: string, endpoint: string): Promise<number> =>
  (await control('GET', `/calls?item_id=${plaidId}&endpoint=${endpoint}`)).total;

describe('accounts, balances and net worth', () => {
  it('counts credit and loan balances as liabilities whatever sign the bank reports', async () => {
    const l = await linked('net-worth');
    // The emulator rounds balances to cents (the 401k's 23631.9805 is 23631.98).
    const assets = 110 + 210 + 1000 + 43200 + 320.76 + 23631.98;
    const liabilities = 410 + 65262 + 56302.06;

    const before = await netWorthToday(l);
    expect(before).toEqual({
      currency: 'USD',
      series: [{ date: day(0), assets, liabilities, netWorth: expect.closeTo(assets - liabilities, 6) }],
      otherCurrencies: [],
    });

    // The bank now reports what is owed as negative numbers; a real-time refresh stores them.
    const list = await accounts(l);
    await control('POST', `/items/${l.plaidId}/balances`, {
      accounts: ['Plaid Credit Card', 'Plaid Student Loan', 'Plaid Mortgage'].map((name) => ({
        account_id: plaidAccountId(list, name),
        current: -byName(list, name).balances.current,
      })),
    });
    const refreshed = await l.user.api.post(
      '/v1/accounts/balance/refresh',
      { itemId: l.itemId },
      l.user.accessToken,
    );
    expect(refreshed.status).toBe(200);
    expect(byName(refreshed.body.data, 'Plaid Mortgage').balances.current).toBe(-56302.06);

    expect((await netWorthToday(l)).series).toEqual(before.series);
  });

  it('answers the balance refresh at most once per interval (429 with Retry-After), and 404 for another user', async () => {
    const l = await linked('balance-refresh');
    const stranger = await signupAndLogin(new Api(), 'balance-stranger');

    const first = await l.user.api.post(
      '/v1/accounts/balance/refresh',
      { itemId: l.itemId },
      l.user.accessToken,
    );
    const second = await l.user.api.post(
      '/v1/accounts/balance/refresh',
      { itemId: l.itemId },
      l.user.accessToken,
    );
    const foreign = await stranger.api.post(
      '/v1/accounts/balance/refresh',
      { itemId: l.itemId },
      stranger.accessToken,
    );

    expect(first.status).toBe(200);
    // Available and current stay apart: checking has 100 available of a 110 balance.
    expect(byName(first.body.data, 'Plaid Checking').balances).toMatchObject({
      available: 100,
      current: 110,
    });
    expect(second.status).toBe(429);
    expectErrorShape(second.body, 429, 'RATE_LIMITED');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expectErrorShape(foreign.body, 404, 'NOT_FOUND');
    expect(await calls(l.plaidId, '/accounts/balance/get')).toBe(1);
  });

  it('carries a balance forward over a day without a snapshot, from the first day the account was seen', async () => {
    const l = await linked('balance-history');
    const list = await accounts(l);
    const checking = byName(list, 'Plaid Checking');
    const set = async (offset: number, current: number): Promise<void> => {
      await control('POST', `/items/${l.plaidId}/balances`, {
        as_of: noon(offset),
        accounts: [{ account_id: plaidAccountId(list, 'Plaid Checking'), current }],
      });
      const res = await l.user.api.post(`/v1/items/${l.itemId}/accounts/refresh`, {}, l.user.accessToken);
      expect(res.status).toBe(200);
    };
    await set(-3, 500);
    await set(-1, 700);

    const res = await l.user.api.get(
      `/v1/accounts/${checking.id}/balances?from=${day(-6)}&to=${day(-1)}`,
      l.user.accessToken,
    );

    expect(res.status).toBe(200);
    expect(res.body.data.map((p: any) => [p.date, p.current, p.carriedForward])).toEqual([
      [day(-3), 500, false],
      [day(-2), 500, true],
      [day(-1), 700, false],
    ]);
    const worth = await l.user.api.get(`/v1/net-worth?from=${day(-4)}&to=${day(-1)}`, l.user.accessToken);
    // Net worth starts at the first balance (day -3), not with a zero for the day before it.
    expect(worth.body.series.map((p: any) => p.date)).toEqual([day(-3), day(-2), day(-1)]);
    expect(worth.body.series[1].assets).toBe(worth.body.series[0].assets);
    expect(worth.body.series[2].assets - worth.body.series[1].assets).toBeCloseTo(200, 6);
  });

  it('hides an account from totals and lists unless includeHidden, and keeps its display name through a sync', async () => {
    const l = await linked('hidden');
    const checking = byName(await accounts(l), 'Plaid Checking');
    const before = await netWorthToday(l);
    const checkingTransactions = (await allTransactions(l.user, `accountId=${checking.id}`)).length;
    expect(checkingTransactions).toBeGreaterThan(0);

    const patched = await patch(
      l.user,
      `/v1/accounts/${checking.id}`,
      { hidden: true, displayName: 'Bills' },
      l.user.accessToken,
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: checking.id,
      hidden: true,
      displayName: 'Bills',
      name: 'Plaid Checking',
    });

    expect((await accounts(l)).map((a) => a.id)).not.toContain(checking.id);
    expect(byName(await accounts(l, '&includeHidden=true'), 'Plaid Checking')).toMatchObject({
      hidden: true,
    });
    expect((await netWorthToday(l)).series[0].assets).toBeCloseTo(before.series[0].assets - 110, 6);
    expect((await allTransactions(l.user)).some((t) => t.accountId === checking.id)).toBe(false);
    expect(
      (await allTransactions(l.user, 'includeHidden=true')).filter((t) => t.accountId === checking.id),
    ).toHaveLength(checkingTransactions);

    const calledBefore = await calls(l.plaidId, '/transactions/sync');
    const sync = await l.user.api.post(`/v1/items/${l.itemId}/sync`, {}, l.user.accessToken);
    expect(sync.status).toBe(202);
    await waitFor(async () => (await calls(l.plaidId, '/transactions/sync')) > calledBefore, {
      what: 'the manual sync',
    });
    await quiescent(l.plaidId);
    expect(byName(await accounts(l, '&includeHidden=true'), 'Plaid Checking')).toMatchObject({
      displayName: 'Bills',
      hidden: true,
    });
    // With the refresh switch on (the default), the manual sync asked Plaid to refresh first.
    expect(await calls(l.plaidId, '/transactions/refresh')).toBe(1);

    const shown = await patch(l.user, `/v1/accounts/${checking.id}`, { hidden: false }, l.user.accessToken);
    expect(shown.body).toMatchObject({ hidden: false, displayName: 'Bills' });
  });

  it('shares a new account through account selection with its history, and unlinks the one the user deselected', async () => {
    const l = await linked('account-selection');
    const before = await accounts(l);
    const worthBefore = await netWorthToday(l);

    const opened = await control<{ account_id: string }>('POST', `/items/${l.plaidId}/accounts`, {
      type: 'depository',
      subtype: 'savings',
      name: 'Holiday Savings',
      current: 900,
      history: 4,
    });
    await waitFor(
      async () =>
        (await l.user.api.get(`/v1/items/${l.itemId}`, l.user.accessToken)).body.newAccountsAvailable ===
        true,
      { what: 'newAccountsAvailable' },
    );

    const token = await l.user.api.post(
      '/v1/plaid/link-token',
      { itemId: l.itemId, accountSelection: true },
      l.user.accessToken,
    );
    expect(token.status).toBe(200);
    const selected = [
      ...before.filter((a) => a.name !== 'Plaid Saving').map((a) => plaidAccountId(before, a.name)),
      opened.account_id,
    ];
    await control('POST', '/link/complete', { link_token: token.body.linkToken, account_ids: selected });

    const refreshed = await l.user.api.post(`/v1/items/${l.itemId}/accounts/refresh`, {}, l.user.accessToken);

    expect(refreshed.status).toBe(200);
    expect(byName(refreshed.body.data, 'Holiday Savings')).toMatchObject({ status: 'active' });
    expect(byName(refreshed.body.data, 'Plaid Saving')).toMatchObject({ status: 'unlinked' });
    await waitFor(
      async () =>
        (await l.user.api.get(`/v1/items/${l.itemId}`, l.user.accessToken)).body.newAccountsAvailable ===
        false,
      { what: 'newAccountsAvailable cleared once the selection is applied' },
    );
    const holiday = byName(refreshed.body.data, 'Holiday Savings');
    await waitFor(async () => (await allTransactions(l.user, `accountId=${holiday.id}`)).length === 4, {
      what: 'the new account’s history',
    });
    expect((await netWorthToday(l)).series[0].assets).toBeCloseTo(
      worthBefore.series[0].assets - 210 + 900,
      6,
    );
  });

  it('does not close an account missing from sync pages, nor one absent from the bank once', async () => {
    const l = await linked('not-closed');
    // The emulator's sync pages carry only the accounts with transactions: the CD, the loans and the investment
    // accounts were in none of them.
    const [{ n }] = await db<{ n: string }>(
      `SELECT count(*) AS n FROM sync.accounts a
        WHERE a.item_id = $1 AND NOT EXISTS (SELECT 1 FROM sync.transactions t WHERE t.account_id = a.id)`,
      [l.itemId],
    );
    expect(Number(n)).toBeGreaterThan(0);
    const list = await accounts(l);
    expect(list.every((a) => a.status === 'active')).toBe(true);

    await control('POST', `/items/${l.plaidId}/accounts/${plaidAccountId(list, 'Plaid Mortgage')}/close`);
    const itemGets = await calls(l.plaidId, '/item/get');
    expect((await l.user.api.post(`/v1/items/${l.itemId}/sync`, {}, l.user.accessToken)).status).toBe(202);
    await waitFor(async () => (await calls(l.plaidId, '/item/get')) > itemGets, {
      what: 'the reconciliation',
    });
    await quiescent(l.plaidId);

    const after = await accounts(l);
    expect(after.every((a) => a.status === 'active')).toBe(true);
    const [row] = await db<{ missing_since: Date | null }>(
      `SELECT missing_since FROM sync.accounts WHERE id = $1`,
      [byName(after, 'Plaid Mortgage').id],
    );
    expect(row.missing_since).not.toBeNull();
  });

  it('shows Plaid’s own freshness beside ours, and the item as not stale', async () => {
    const l = await linked('freshness');

    const item = (await l.user.api.get(`/v1/items/${l.itemId}`, l.user.accessToken)).body;

    expect(item).toMatchObject({
      lastSyncedAt: expect.any(String),
      plaidLastUpdatedAt: expect.any(String),
      stale: false,
    });
  });

  it('documents every route in OpenAPI', async () => {
    const doc = await new Api().get('/docs/openapi.json');

    expect(doc.body.paths).toMatchObject({
      '/v1/accounts/{id}': { patch: expect.any(Object) },
      '/v1/accounts/{id}/balances': { get: expect.any(Object) },
      '/v1/accounts/balance/refresh': { post: expect.any(Object) },
      '/v1/net-worth': { get: expect.any(Object) },
      '/v1/items/{id}/accounts/refresh': { post: expect.any(Object) },
    });
  });

  it('answers bad input with 4xx in the one error shape', async () => {
    const l = await linked('accounts-bad-input');
    const stranger = await signupAndLogin(new Api(), 'accounts-stranger');
    const account = (await accounts(l))[0];
    const get = (path: string, who = l.user) => who.api.get(path, who.accessToken);

    const cases: [Promise<any>, number, string][] = [
      [
        patch(l.user, `/v1/accounts/${account.id}`, { hidden: 'yes' }, l.user.accessToken),
        400,
        'VALIDATION_FAILED',
      ],
      [patch(l.user, `/v1/accounts/${account.id}`, {}, l.user.accessToken), 400, 'BAD_REQUEST'],
      [
        patch(l.user, `/v1/accounts/${account.id}`, { displayName: '' }, l.user.accessToken),
        400,
        'VALIDATION_FAILED',
      ],
      [patch(l.user, '/v1/accounts/not-a-uuid', { hidden: true }, l.user.accessToken), 400, 'BAD_REQUEST'],
      [
        patch(stranger, `/v1/accounts/${account.id}`, { hidden: true }, stranger.accessToken),
        404,
        'NOT_FOUND',
      ],
      [get(`/v1/accounts/${account.id}/balances`, stranger), 404, 'NOT_FOUND'],
      [get(`/v1/accounts/${account.id}/balances?from=2026-02-30`), 400, 'VALIDATION_FAILED'],
      [get(`/v1/accounts/${account.id}/balances?from=${day(0)}&to=${day(-1)}`), 400, 'BAD_REQUEST'],
      [get('/v1/net-worth?interval=year'), 400, 'VALIDATION_FAILED'],
      [get('/v1/net-worth?from=2000-01-01&to=2026-01-01'), 400, 'BAD_REQUEST'],
      [get('/v1/accounts?includeHidden=maybe'), 400, 'VALIDATION_FAILED'],
      [l.user.api.post('/v1/accounts/balance/refresh', {}, l.user.accessToken), 400, 'VALIDATION_FAILED'],
      [
        l.user.api.post('/v1/plaid/link-token', { accountSelection: true }, l.user.accessToken),
        400,
        'BAD_REQUEST',
      ],
      [
        stranger.api.post(
          '/v1/plaid/link-token',
          { itemId: l.itemId, accountSelection: true },
          stranger.accessToken,
        ),
        404,
        'NOT_FOUND',
      ],
      [
        stranger.api.post(`/v1/items/${l.itemId}/accounts/refresh`, {}, stranger.accessToken),
        404,
        'NOT_FOUND',
      ],
    ];
    for (const [i, [request, status, code]] of cases.entries()) {
      const res = await request;
      expect({ i, status: res.status, code: res.body.code }).toEqual({ i, status, code });
      expectErrorShape(res.body, status, code);
    }
  });
});
