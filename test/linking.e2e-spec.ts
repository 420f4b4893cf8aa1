import { execFileSync } from 'node:child_process';
import { Api, expectErrorShape, type LoggedInUser, runInfo, signupAndLogin } from './support/api';
import { db } from './support/db';
import { link, waitHealthy } from './support/linking';
import { control, sandboxPublicToken } from './support/sandbox';
import { waitFor } from './support/wait-for';

describe('bank linking', () => {
  let user: LoggedInUser;
  let other: LoggedInUser;

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'linker');
    other = await signupAndLogin(new Api(), 'other');
  });

  it('creates a link token for the transactions product', async () => {
    const res = await user.api.post('/v1/plaid/link-token', {}, user.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      linkToken: expect.stringMatching(/^link-sandbox-/),
      expiration: expect.any(String),
    });
    expect(new Date(res.body.expiration).getTime()).toBeGreaterThan(Date.now());
  });

  it('exchanges a public token: 202 at once, then the item, its accounts and its transactions appear', async () => {
    const item = await link(user, { institutionId: 'ins_109509' });
    expect(item).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        institutionId: 'ins_109509',
        status: 'pending',
        error: null,
      }),
    );
    const ready = await waitHealthy(user, item.id);
    expect(ready.institutionName).toBe('First Gingham Credit Union');

    const accounts = await user.api.get(`/v1/accounts?itemId=${item.id}`, user.accessToken);
    expect(accounts.status).toBe(200);
    expect(accounts.body.data.length).toBeGreaterThanOrEqual(3);
    const types = new Set(accounts.body.data.map((a: any) => a.type));
    expect([...types]).toEqual(expect.arrayContaining(['depository', 'credit']));
    const nullOr = (v: unknown, type: string): boolean => v === null || typeof v === type;
    for (const a of accounts.body.data) {
      expect(Object.keys(a).sort()).toEqual([
        'balances',
        'displayName',
        'hidden',
        'id',
        'itemId',
        'mask',
        'name',
        'officialName',
        'status',
        'subtype',
        'type',
      ]);
      expect(a).toMatchObject({ status: 'active', hidden: false, displayName: null });
      expect(a.itemId).toBe(item.id);
      expect(typeof a.name).toBe('string');
      expect(
        nullOr(a.officialName, 'string') && nullOr(a.mask, 'string') && nullOr(a.subtype, 'string'),
      ).toBe(true);
      expect(Object.keys(a.balances).sort()).toEqual(['available', 'current', 'isoCurrencyCode', 'limit']);
      expect(
        nullOr(a.balances.available, 'number') &&
          nullOr(a.balances.current, 'number') &&
          nullOr(a.balances.limit, 'number'),
      ).toBe(true);
    }
    const [{ count }] = await db<{ count: string }>(
      'SELECT count(*) FROM sync.transactions WHERE item_id = $1',
      [item.id],
    );
    const summary = await control(
      'GET',
      `/items/${(await db('SELECT plaid_item_id FROM link.items WHERE id = $1', [item.id]))[0].plaid_item_id}`,
    );
    expect(Number(count)).toBe(summary.transaction_count);
  });

  it('stores the access token encrypted and never returns it', async () => {
    const item = await link(user, { institutionId: 'ins_109510' });
    const [row] = await db('SELECT access_token_enc FROM link.items WHERE id = $1', [item.id]);
    expect(row.access_token_enc).toMatch(/^v1\.e2e\./);
    expect(row.access_token_enc).not.toContain('access-sandbox');
    const listed = await user.api.get('/v1/items', user.accessToken);
    expect(JSON.stringify(listed.body)).not.toMatch(/access-sandbox|access_token|accessToken/);
  });

  it('answers a retried exchange with the same item, and calls Plaid once', async () => {
    const publicToken = await sandboxPublicToken({ institutionId: 'ins_109511' });
    const [first, second] = await Promise.all([
      user.api.post('/v1/plaid/exchange', { publicToken }, user.accessToken),
      user.api.post('/v1/plaid/exchange', { publicToken }, user.accessToken),
    ]);
    const third = await user.api.post('/v1/plaid/exchange', { publicToken }, user.accessToken);
    expect([first.status, second.status, third.status]).toEqual([202, 202, 202]);
    expect(second.body.item.id).toBe(first.body.item.id);
    expect(third.body.item.id).toBe(first.body.item.id);
    const items = (await user.api.get('/v1/items', user.accessToken)).body.data.filter(
      (i: any) => i.institutionId === 'ins_109511',
    );
    expect(items).toHaveLength(1);
  });

  it('refuses to link the same institution and accounts twice, and removes the duplicate at Plaid', async () => {
    const first = await link(user, { institutionId: 'ins_109512' });
    const removesBefore = (await control('GET', '/calls?endpoint=/item/remove')).total;
    const publicToken = await sandboxPublicToken({ institutionId: 'ins_109512' });
    const res = await user.api.post('/v1/plaid/exchange', { publicToken }, user.accessToken);
    expect(res.status).toBe(409);
    expectErrorShape(res.body, 409, 'ITEM_ALREADY_LINKED');
    expect((await control('GET', '/calls?endpoint=/item/remove')).total).toBe(removesBefore + 1);
    const items = (await user.api.get('/v1/items', user.accessToken)).body.data.filter(
      (i: any) => i.institutionId === 'ins_109512',
    );
    expect(items.map((i: any) => i.id)).toEqual([first.id]);
    // Another user may link the same bank.
    expect(
      (
        await other.api.post(
          '/v1/plaid/exchange',
          { publicToken: await sandboxPublicToken({ institutionId: 'ins_109512' }) },
          other.accessToken,
        )
      ).status,
    ).toBe(202);
  });

  it('creates an update-mode link token for one of your items, and 404 for anyone else', async () => {
    const item = await link(user, { institutionId: 'ins_43' });
    const mine = await user.api.post('/v1/plaid/link-token', { itemId: item.id }, user.accessToken);
    expect(mine.status).toBe(200);
    expect(mine.body.linkToken).toMatch(/^link-sandbox-/);
    const theirs = await other.api.post('/v1/plaid/link-token', { itemId: item.id }, other.accessToken);
    expect(theirs.status).toBe(404);
    expectErrorShape(theirs.body, 404, 'NOT_FOUND');
  });

  it("never shows another user's item or accounts", async () => {
    const item = await link(user, { institutionId: 'ins_116834' });
    await waitHealthy(user, item.id);
    for (const res of [
      await other.api.get(`/v1/items/${item.id}`, other.accessToken),
      await other.api.get(`/v1/accounts?itemId=${item.id}`, other.accessToken),
      await other.api.delete(`/v1/items/${item.id}`, other.accessToken),
    ]) {
      expect(res.status).toBe(404);
      expectErrorShape(res.body, 404, 'NOT_FOUND');
    }
    const list = await other.api.get('/v1/items', other.accessToken);
    expect(list.body.data.map((i: any) => i.id)).not.toContain(item.id);
    const accounts = await other.api.get('/v1/accounts', other.accessToken);
    expect(accounts.body.data.map((a: any) => a.itemId)).not.toContain(item.id);
    expect((await user.api.get(`/v1/items/${item.id}`, user.accessToken)).status).toBe(200);
  });

  it('deletes an item: removed at Plaid, then its accounts and transactions here', async () => {
    const item = await link(user, { institutionId: 'ins_117650' });
    await waitHealthy(user, item.id);
    const [{ plaid_item_id }] = await db('SELECT plaid_item_id FROM link.items WHERE id = $1', [item.id]);
    const res = await user.api.delete(`/v1/items/${item.id}`, user.accessToken);
    expect(res.status).toBe(204);
    expect((await user.api.get(`/v1/items/${item.id}`, user.accessToken)).status).toBe(404);
    expect((await control('GET', `/calls?item_id=${plaid_item_id}&endpoint=/item/remove`)).total).toBe(1);
    await waitFor(
      async () => {
        const [{ n }] = await db<{ n: string }>(
          `SELECT (SELECT count(*) FROM sync.accounts WHERE item_id = $1) + (SELECT count(*) FROM sync.transactions WHERE item_id = $1) AS n`,
          [item.id],
        );
        return Number(n) === 0;
      },
      { what: 'accounts and transactions of the deleted item to go' },
    );
    expect((await user.api.delete(`/v1/items/${item.id}`, user.accessToken)).status).toBe(404);
  });

  it('maps an invalid or already-used public token to 400 INVALID_PUBLIC_TOKEN, never 500', async () => {
    const garbage = await user.api.post(
      '/v1/plaid/exchange',
      { publicToken: 'public-sandbox-00000000-0000-4000-8000-000000000000' },
      user.accessToken,
    );
    expect(garbage.status).toBe(400);
    expectErrorShape(garbage.body, 400, 'INVALID_PUBLIC_TOKEN');
    expect(garbage.body.plaid).toEqual({
      errorType: 'INVALID_INPUT',
      errorCode: 'INVALID_PUBLIC_TOKEN',
      displayMessage: null,
      requestId: expect.any(String),
    });
    // Used by another user already: the exchange record is not theirs, and Plaid says the token is spent.
    const publicToken = await sandboxPublicToken({ institutionId: 'ins_127287' });
    expect((await other.api.post('/v1/plaid/exchange', { publicToken }, other.accessToken)).status).toBe(202);
    const stolen = await user.api.post('/v1/plaid/exchange', { publicToken }, user.accessToken);
    expect(stolen.status).toBe(400);
    const missing = await user.api.post('/v1/plaid/exchange', {}, user.accessToken);
    expect(missing.status).toBe(400);
    expectErrorShape(missing.body, 400, 'VALIDATION_FAILED');
  });

  it('maps an item that needs re-login at link time to login_required', async () => {
    const item = await link(user, {
      institutionId: 'ins_132241',
      username: 'user_custom',
      password: JSON.stringify({ force_error: 'ITEM_LOGIN_REQUIRED' }),
    });
    const found = await waitFor(
      async () => {
        const res = await user.api.get(`/v1/items/${item.id}`, user.accessToken);
        return res.body.status === 'login_required' ? res.body : undefined;
      },
      { what: 'item to become login_required' },
    );
    expect(found.error).toEqual({ code: 'ITEM_LOGIN_REQUIRED', message: expect.any(String) });
  });

  it('runs the job once the broker accepts messages again, when it refused them at exchange time', async () => {
    const queue = `${runInfo().queuePrefix}sync.events`;
    const policy = `${runInfo().runId}-refuse`;
    // The broker refuses every publish to the sync worker's queue: the outbox row must wait, not vanish.
    execFileSync(
      'rabbitmqctl',
      [
        'set_policy',
        '--apply-to',
        'queues',
        policy,
        `^${queue.replace(/\./g, '\\.')}$`,
        '{"max-length":0,"overflow":"reject-publish"}',
      ],
      { stdio: 'ignore' },
    );
    let item: any;
    try {
      await waitFor(
        async () => {
          const out = execFileSync('rabbitmqctl', ['list_queues', 'name', 'policy'], { encoding: 'utf8' });
          return out.split('\n').some((l) => l.startsWith(queue) && l.includes(policy));
        },
        { what: 'policy applied' },
      );
      item = await link(user, { institutionId: 'ins_109508' });
      await waitFor(
        async () => {
          const [row] = await db("SELECT attempts FROM link.outbox WHERE payload->>'itemId' = $1", [item.id]);
          return row && row.attempts > 0;
        },
        { what: 'the outbox to hold the refused event' },
      );
      expect((await user.api.get(`/v1/items/${item.id}`, user.accessToken)).body.status).toBe('pending');
    } finally {
      execFileSync('rabbitmqctl', ['clear_policy', policy], { stdio: 'ignore' });
    }
    await waitHealthy(user, item.id);
    // Nothing stays behind: the refused event and what followed it (the item's feed events, written as the
    // worker reports on the item) all leave the outbox.
    await waitFor(
      async () => {
        const [{ n }] = await db<{ n: string }>('SELECT count(*) AS n FROM link.outbox');
        return Number(n) === 0;
      },
      { what: 'the outbox to drain' },
    );
  });
});
