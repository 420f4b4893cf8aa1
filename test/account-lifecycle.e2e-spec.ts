import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Api,
  expectErrorShape,
  type LoggedInUser,
  livePids,
  replaceRunService,
  runInfo,
  signupAndLogin,
  startExtra,
  uniqueEmail,
} from './support/api';
import { closeBrokerConnections } from './support/broker-faults';
import { db } from './support/db';
import { link, plaidItemId, waitHealthy } from './support/linking';
import { type ServiceProcess } from './support/processes';
import { control } from './support/sandbox';
import { waitFor } from './support/wait-for';

const run = promisify(execFile);

// The run's two gateways: a revocation made through one must reach the other.
const here = (): Api => new Api(runInfo().gateways[0]);
const there = (): Api => new Api(runInfo().gateways[1]);

async function loginAgain(user: LoggedInUser): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await user.api.request('POST', '/v1/auth/login', {
    body: { email: user.email, password: user.password },
    headers: { 'user-agent': 'e2e-second-device/1.0' },
  });
  expect(res.status).toBe(200);
  return res.body;
}

// Polls the other gateway until it refuses the token; the refusal must come within 1.5 s of the change.
async function refusedEverywhereWithin1500ms(token: string, since: number): Promise<void> {
  for (const api of [here(), there()]) {
    await waitFor(async () => (await api.get('/v1/auth/me', token)).status === 401, {
      what: `the token refused on ${api.baseUrl}`,
      timeoutMs: 1500,
      intervalMs: 50,
    });
  }
  expect(Date.now() - since).toBeLessThan(1500);
}

// Every table of every schema of the run's database whose rows mention `value` (as text, any column).
async function tablesMentioning(value: string): Promise<Record<string, number>> {
  const tables = await db<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  expect(tables.length).toBeGreaterThan(10);
  const found: Record<string, number> = {};
  for (const t of tables) {
    const [{ n }] = await db<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${t.schema}"."${t.name}" r WHERE strpos(r::text, $1) > 0`,
      [value],
    );
    if (n > 0) found[`${t.schema}.${t.name}`] = n;
  }
  return found;
}

async function deletionCompleted(statusUrl: string): Promise<any> {
  return waitFor(
    async () => {
      const res = await new Api().get(statusUrl);
      return res.status === 200 && res.body.status === 'completed' ? res.body : undefined;
    },
    { what: 'the deletion to complete', timeoutMs: 60_000, intervalMs: 250 },
  );
}

// `guessedAfter`: the test itself tried to log in as the deleted email, which writes throttle rows keyed by the
// email (anyone's guesses do; they are not the user's data and expire with their window).
async function nothingLeftOf(user: LoggedInUser, { guessedAfter = false } = {}): Promise<void> {
  const emailTables = async (): Promise<Record<string, number>> => {
    const found = await tablesMentioning(user.email);
    if (guessedAfter) delete found['auth.login_attempts'];
    return found;
  };
  // The outbox relays publish their last rows a moment after the final commit.
  await waitFor(
    async () => {
      const [byId, byEmail] = await Promise.all([tablesMentioning(user.id), emailTables()]);
      return Object.keys(byId).length === 0 && Object.keys(byEmail).length === 0 ? true : undefined;
    },
    { what: `no row of any schema to mention user ${user.id}`, timeoutMs: 10_000, intervalMs: 250 },
  ).catch(async (err: Error) => {
    throw new Error(
      `${err.message}: ${JSON.stringify({ id: await tablesMentioning(user.id), email: await tablesMentioning(user.email) })}`,
    );
  });
}

async function removeCalls(plaidId: string): Promise<number> {
  return (await control('GET', `/calls?item_id=${plaidId}&endpoint=/item/remove`)).total;
}

async function deleteAccount(user: LoggedInUser, password = user.password): Promise<any> {
  return user.api.request('DELETE', '/v1/auth/me', { body: { password }, token: user.accessToken });
}

// What a user makes beyond the bank's data: an edit on one transaction, a hidden one, a rule, a hidden account.
async function addUserData(user: LoggedInUser): Promise<void> {
  const page = await user.api.get('/v1/transactions?limit=2', user.accessToken);
  expect(page.status).toBe(200);
  const [first, second] = page.body.data;
  const patch = (path: string, body: object) =>
    user.api.request('PATCH', path, { body, token: user.accessToken });
  const edited = await patch(`/v1/transactions/${encodeURIComponent(first.id)}`, { note: 'exported note' });
  expect(edited.status).toBe(200);
  const hidden = await patch(`/v1/transactions/${encodeURIComponent(second.id)}`, { hidden: true });
  expect(hidden.status).toBe(200);
  const rule = await user.api.post(
    '/v1/rules',
    { name: 'Coffee shops', match: { nameContains: 'coffee' }, set: { excludeFromSpending: true } },
    user.accessToken,
  );
  expect(rule.status).toBe(201);
  const accounts = await user.api.get('/v1/accounts', user.accessToken);
  const hideAccount = await patch(`/v1/accounts/${accounts.body.data[0].id}`, { hidden: true });
  expect(hideAccount.status).toBe(200);
}

describe('password and sessions', () => {
  it('lists the active sessions with the asking one marked current, client details and last use', async () => {
    const user = await signupAndLogin(new Api(), 'sessions');
    const second = await loginAgain(user);

    const res = await user.api.get('/v1/auth/sessions', user.accessToken);

    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(2);
    const current = res.body.data.filter((s: any) => s.current);
    expect(current).toHaveLength(1);
    const other = res.body.data.find((s: any) => !s.current);
    expect(other).toEqual({
      id: expect.any(String),
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      userAgent: 'e2e-second-device/1.0',
      ip: expect.stringMatching(/^10\./),
      current: false,
    });
    expect(JSON.stringify(res.body)).not.toContain(second.refreshToken.split('.')[1]);
    const refreshed = await user.api.post('/v1/auth/refresh', { refreshToken: second.refreshToken });
    expect(refreshed.status).toBe(200);
    const after = (await user.api.get('/v1/auth/sessions', user.accessToken)).body.data;
    const otherAfter = after.find((s: any) => s.id === other.id);
    expect(Date.parse(otherAfter.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(other.lastUsedAt));
  });

  it('revokes one session on every gateway; another user cannot revoke it (404)', async () => {
    const user = await signupAndLogin(new Api(), 'revoke-one');
    const second = await loginAgain(user);
    const stranger = await signupAndLogin(new Api(), 'stranger');
    const [target] = (await user.api.get('/v1/auth/sessions', user.accessToken)).body.data.filter(
      (s: any) => !s.current,
    );

    const foreign = await stranger.api.delete(`/v1/auth/sessions/${target.id}`, stranger.accessToken);
    expect(foreign.status).toBe(404);
    expectErrorShape(foreign.body, 404, 'NOT_FOUND');
    expect((await there().get('/v1/auth/me', second.accessToken)).status).toBe(200);
    const bad = await user.api.delete('/v1/auth/sessions/not-a-uuid', user.accessToken);
    expect(bad.status).toBe(400);

    const revoked = await user.api.delete(`/v1/auth/sessions/${target.id}`, user.accessToken);
    const at = Date.now();

    expect(revoked.status).toBe(204);
    await refusedEverywhereWithin1500ms(second.accessToken, at);
    expect((await user.api.post('/v1/auth/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
    expect((await user.api.get('/v1/auth/me', user.accessToken)).status).toBe(200);
    expect((await user.api.delete(`/v1/auth/sessions/${target.id}`, user.accessToken)).status).toBe(404);
  });

  it('changes the password: every other session ends on every gateway, this one stays', async () => {
    const user = await signupAndLogin(new Api(), 'password');
    const second = await loginAgain(user);
    const change = (body: unknown) =>
      user.api.request('POST', '/v1/auth/password', { body, token: user.accessToken });

    const wrong = await change({
      currentPassword: 'not my password',
      newPassword: 'a much better passphrase',
    });
    expect(wrong.status).toBe(401);
    expectErrorShape(wrong.body, 401, 'INVALID_CREDENTIALS');
    const short = await change({ currentPassword: user.password, newPassword: 'short' });
    expect(short.status).toBe(400);
    expectErrorShape(short.body, 400, 'VALIDATION_FAILED');

    const ok = await change({ currentPassword: user.password, newPassword: 'a much better passphrase' });
    const at = Date.now();

    expect(ok.status).toBe(204);
    await refusedEverywhereWithin1500ms(second.accessToken, at);
    expect((await there().get('/v1/auth/me', user.accessToken)).status).toBe(200);
    const sessions = (await user.api.get('/v1/auth/sessions', user.accessToken)).body.data;
    expect(sessions.map((s: any) => s.current)).toEqual([true]);
    // From another address: this one has spent most of its login budget on the checks above.
    const elsewhere = new Api();
    expect(
      (await elsewhere.post('/v1/auth/login', { email: user.email, password: user.password })).status,
    ).toBe(401);
    expect(
      (await elsewhere.post('/v1/auth/login', { email: user.email, password: 'a much better passphrase' }))
        .status,
    ).toBe(200);
  });

  it('counts wrong current passwords against the login throttle', async () => {
    const user = await signupAndLogin(new Api(), 'pw-throttle');
    const statuses: number[] = [];
    // LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP is 5 in this run (the signup's login counted one).
    for (let i = 0; i < 6; i += 1) {
      const res = await user.api.request('POST', '/v1/auth/password', {
        body: { currentPassword: `guess number ${i}`, newPassword: 'a much better passphrase' },
        token: user.accessToken,
      });
      statuses.push(res.status);
    }

    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
  });
});

describe('export', () => {
  let user: LoggedInUser;
  let transactions: number;

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'export');
    const item = await link(user, { institutionId: 'ins_109508' });
    await waitHealthy(user, item.id);
    const [{ n }] = await db<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync.transactions WHERE user_id = $1`,
      [user.id],
    );
    transactions = n;
    expect(transactions).toBeGreaterThan(0);
    await addUserData(user);
  });

  it('streams every piece of the user as one JSON document, without secrets', async () => {
    const res = await user.api.get('/v1/export?format=json', user.accessToken);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="export-.*\.json"$/);
    const doc = res.body;
    expect(doc.profile).toEqual({ id: user.id, email: user.email, createdAt: expect.any(String) });
    expect(doc.sessions).toEqual([expect.objectContaining({ current: true })]);
    expect(doc.items).toHaveLength(1);
    expect(doc.accounts.length).toBeGreaterThan(0);
    expect(doc.balances).toHaveLength(doc.accounts.length);
    expect(doc.transactions).toHaveLength(transactions);
    expect(doc.transactions.filter((t: any) => t.note === 'exported note')).toHaveLength(1);
    expect(doc.transactions.filter((t: any) => t.hidden)).toHaveLength(1);
    expect(doc.rules).toEqual([expect.objectContaining({ name: 'Coffee shops' })]);
    expect(doc.accounts.filter((a: any) => a.hidden)).toHaveLength(1);
    expect(doc.balanceHistory.length).toBeGreaterThanOrEqual(doc.accounts.length);
    expect(Array.isArray(doc.recurring)).toBe(true);
    expect(new Set(doc.transactions.map((t: any) => t.id)).size).toBe(transactions);
    const text = JSON.stringify(doc);
    for (const secret of ['access-sandbox', 'argon2', 'password', 'refresh', 'token_hash', user.password])
      expect(text).not.toContain(secret);
  });

  it('answers a zip with one CSV per table, each with a header row', async () => {
    const res = await fetch(`${runInfo().gateways[0]}/v1/export?format=csv`, {
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const dir = await mkdtemp(join(tmpdir(), 'export-e2e-'));
    try {
      const path = join(dir, 'export.zip');
      await writeFile(path, Buffer.from(await res.arrayBuffer()));
      await run('unzip', ['-tq', path]);
      const names = (await run('zipinfo', ['-1', path])).stdout.trim().split('\n').sort();
      expect(names).toEqual([
        'accounts.csv',
        'balanceHistory.csv',
        'balances.csv',
        'items.csv',
        'profile.csv',
        'recurring.csv',
        'rules.csv',
        'sessions.csv',
        'transactions.csv',
      ]);
      const csv = (await run('unzip', ['-p', path, 'transactions.csv'], { maxBuffer: 64 << 20 })).stdout;
      const lines = csv.split('\r\n').filter(Boolean);
      expect(lines[0]).toMatch(/^id,accountId,itemId,amount,/);
      expect(lines).toHaveLength(transactions + 1);
      const profile = (await run('unzip', ['-p', path, 'profile.csv'])).stdout;
      expect(profile).toBe(`id,email,createdAt\r\n${user.id},${user.email},${profile.split(',').pop()}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown format with a 400 in the one error shape', async () => {
    const res = await user.api.get('/v1/export?format=xml', user.accessToken);

    expect(res.status).toBe(400);
    expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
  });
});

describe('account deletion', () => {
  const extras: ServiceProcess[] = [];

  afterAll(async () => {
    await control('DELETE', '/failures').catch(() => undefined);
    await Promise.all(extras.map((e) => e.stop()));
  });

  it('answers 401 for a wrong password and changes nothing', async () => {
    const user = await signupAndLogin(new Api(), 'delete-wrong');

    const res = await deleteAccount(user, 'not my password');

    expect(res.status).toBe(401);
    expectErrorShape(res.body, 401, 'INVALID_CREDENTIALS');
    expect((await user.api.get('/v1/auth/me', user.accessToken)).status).toBe(200);
    const bad = await user.api.request('DELETE', '/v1/auth/me', { body: {}, token: user.accessToken });
    expect(bad.status).toBe(400);
  });

  it('removes the items at Plaid and every row of every schema; the email signs up again as a new user', async () => {
    const user = await signupAndLogin(new Api(), 'delete');
    const second = await loginAgain(user);
    const items = [
      await link(user, { institutionId: 'ins_109508' }),
      await link(user, { institutionId: 'ins_109509' }),
    ];
    await Promise.all(items.map((i) => waitHealthy(user, i.id)));
    const plaidIds = await Promise.all(items.map((i) => plaidItemId(i.id)));
    await addUserData(user);

    const res = await deleteAccount(user);
    const at = Date.now();

    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      deletionId: expect.any(String),
      status: 'pending',
      statusUrl: expect.stringMatching(/^\/v1\/auth\/deletions\/[0-9a-f-]{36}\?token=[\w-]{40,}$/),
    });
    await refusedEverywhereWithin1500ms(user.accessToken, at);
    await refusedEverywhereWithin1500ms(second.accessToken, at);
    expect((await user.api.get('/v1/items', user.accessToken)).status).toBe(401);
    const login = await user.api.post('/v1/auth/login', { email: user.email, password: user.password });
    const unknown = await user.api.post('/v1/auth/login', {
      email: uniqueEmail('nobody'),
      password: user.password,
    });
    expect([login.status, login.body.code, login.body.message]).toEqual([
      unknown.status,
      unknown.body.code,
      unknown.body.message,
    ]);
    expect((await user.api.post('/v1/auth/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
    // The token that asked may still read the deletion's progress (and nothing else).
    const mine = await user.api.get('/v1/auth/me/deletion', user.accessToken);
    expect(mine.status).toBe(200);
    expect(mine.body.deletionId).toBe(res.body.deletionId);

    const done = await deletionCompleted(res.body.statusUrl);

    expect(done).toMatchObject({ deletionId: res.body.deletionId, status: 'completed', step: 'completed' });
    for (const plaidId of plaidIds) expect((await control('GET', `/items/${plaidId}`)).removed).toBe(true);
    await nothingLeftOf(user, { guessedAfter: true });
    expect((await user.api.get('/v1/auth/me/deletion', user.accessToken)).body.status).toBe('completed');
    const wrongToken = await new Api().get(`${res.body.statusUrl.slice(0, -4)}AAAA`);
    expect(wrongToken.status).toBe(404);
    // Running it again does nothing more: the token is dead, and so is the user.
    expect((await deleteAccount(user)).status).toBe(401);

    const again = await user.api.post('/v1/auth/signup', {
      email: user.email,
      password: 'a new life begins',
    });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(user.id);
    const relogin = await user.api.post('/v1/auth/login', {
      email: user.email,
      password: 'a new life begins',
    });
    expect(relogin.status).toBe(200);
    expect((await user.api.get('/v1/items', relogin.body.accessToken)).body.data).toEqual([]);
    expect((await user.api.get('/v1/accounts', relogin.body.accessToken)).body.data).toEqual([]);
  });

  it('ends in the same state when plaid-link is killed between two item removals', async () => {
    const user = await signupAndLogin(new Api(), 'delete-kill');
    const items = [
      await link(user, { institutionId: 'ins_109508' }),
      await link(user, { institutionId: 'ins_109509' }),
    ];
    await Promise.all(items.map((i) => waitHealthy(user, i.id)));
    const [first, second] = await Promise.all(items.map((i) => plaidItemId(i.id)));
    // The second removal hangs in the emulator: plaid-link is killed while it waits.
    const rule = await control('POST', '/failures', {
      endpoint: '/item/remove',
      item_id: second,
      delay_ms: 60_000,
      times: 1,
    });
    const main = runInfo().services['plaid-link'];

    const res = await deleteAccount(user);
    expect(res.status).toBe(202);
    await waitFor(
      async () => {
        const rules: { id: string; hits: number }[] = await control('GET', '/failures');
        return rules.find((r) => r.id === rule.id)?.hits === 1;
      },
      { what: 'the second removal to be in flight', timeoutMs: 30_000 },
    );
    expect(await removeCalls(first)).toBe(1);
    // Every plaid-link of the run, so that none takes the message over before the restart.
    for (const pid of livePids()) {
      const cmd = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
      if (cmd.includes('plaid-link')) process.kill(pid, 'SIGKILL');
    }
    expect(main.pid).toBeDefined();
    await control('DELETE', `/failures/${rule.id}`);
    expect((await new Api().get(res.body.statusUrl)).body.step).toBe('removing_items');

    // The run's plaid-link from now on (the suites after this one need one).
    replaceRunService('plaid-link');

    await deletionCompleted(res.body.statusUrl);
    // The first item was removed again after the restart: Plaid's ITEM_NOT_FOUND counted as removed.
    expect(await removeCalls(first)).toBe(2);
    expect((await control('GET', `/items/${first}`)).removed).toBe(true);
    expect((await control('GET', `/items/${second}`)).removed).toBe(true);
    await nothingLeftOf(user);
  });

  it('ends in the same state when the broker drops every connection mid-way', async () => {
    // An auth that re-drives stalled deletions every 2 s (the run's own waits the default 300 s).
    extras.push(startExtra('auth', { HTTP_PORT: '0', DELETION_REDRIVE_SECONDS: '2' }));
    const user = await signupAndLogin(new Api(), 'delete-broker');
    const item = await link(user, { institutionId: 'ins_109508' });
    await waitHealthy(user, item.id);
    const plaidId = await plaidItemId(item.id);
    // Plaid refuses the removal until after the connections have dropped: the step goes round the retry tiers,
    // the dead-letter queue and auth's re-drive meanwhile, so it is in flight whenever the drop lands.
    const rule = await control('POST', '/failures', {
      endpoint: '/item/remove',
      item_id: plaidId,
      http_status: 500,
      error_type: 'API_ERROR',
      error_code: 'INTERNAL_SERVER_ERROR',
    });

    const res = await deleteAccount(user);
    expect(res.status).toBe(202);
    await waitFor(
      async () => {
        const rules: { id: string; hits: number }[] = await control('GET', '/failures');
        return (rules.find((r) => r.id === rule.id)?.hits ?? 0) >= 1;
      },
      { what: 'the removal to be refused', timeoutMs: 30_000 },
    );
    expect(closeBrokerConnections(livePids(), 'e2e: broker restart')).toBeGreaterThan(0);
    const [{ state }] = await db<{ state: string }>(`SELECT state FROM auth.deletions WHERE id = $1`, [
      res.body.deletionId,
    ]);
    expect(state).toBe('removing_items');
    await control('DELETE', `/failures/${rule.id}`);

    await waitFor(
      async () => {
        const [row] = await db<{ state: string }>(`SELECT state FROM auth.deletions WHERE id = $1`, [
          res.body.deletionId,
        ]);
        return row.state === 'completed';
      },
      { what: 'the deletion to complete after the reconnect', timeoutMs: 90_000, intervalMs: 250 },
    );
    await waitFor(async () => (await new Api().get('/health/ready')).status === 200, {
      what: 'ready again',
      timeoutMs: 30_000,
    });
    expect(await deletionCompleted(res.body.statusUrl)).toMatchObject({ status: 'completed' });
    expect((await control('GET', `/items/${plaidId}`)).removed).toBe(true);
    await nothingLeftOf(user);
  }, 180_000);
});
