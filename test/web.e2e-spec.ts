import { uniqueEmail } from './support/api';
import { browserSuite, LIVE_MS, PASSWORD, PHONE } from './support/browser';
import { db } from './support/db';
import { plaidItemId } from './support/linking';
import { control } from './support/sandbox';
import { waitFor } from './support/wait-for';

describe('web app in a browser', () => {
  const web = browserSuite();
  const { problems, violations, shoot, newPage, signUp, linkBank } = web;
  const newContext = () => web.newContext();

  it('serves the app for its routes with cache headers, and never in place of the API', async () => {
    const index = await fetch(`${web.base}/transactions`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('vary')).toBe('Accept, Accept-Encoding');
    expect(index.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${web.base}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/javascript/);

    for (const path of ['/v1/nope', '/docs/nope', '/health/nope', '/metrics', '/assets/nope.js']) {
      const res = await fetch(`${web.base}${path}`, { headers: { accept: 'text/html' } });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
    }
  });

  it('keeps a browser session in an HttpOnly cookie on the auth routes, and API clients on JSON tokens', async () => {
    const email = uniqueEmail('web-cookie');
    const json = { 'content-type': 'application/json' };
    const browserMode = { ...json, 'x-session-mode': 'cookie' };
    await fetch(`${web.base}/v1/auth/signup`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, password: PASSWORD }),
    });

    const login = await fetch(`${web.base}/v1/auth/login`, {
      method: 'POST',
      headers: browserMode,
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    expect(Object.keys(await login.json()).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType']);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^refresh_token=[^;]+; Path=\/v1\/auth; Max-Age=\d+; HttpOnly; SameSite=Strict$/,
    );
    const cookie = setCookie.split(';')[0];

    // Without the header the cookie authorizes nothing: refresh wants a token in the body, as before.
    const noHeader = await fetch(`${web.base}/v1/auth/refresh`, {
      method: 'POST',
      headers: { ...json, cookie },
      body: '{}',
    });
    expect(noHeader.status).toBe(400);
    const noCookie = await fetch(`${web.base}/v1/auth/refresh`, {
      method: 'POST',
      headers: browserMode,
      body: '{}',
    });
    expect(noCookie.status).toBe(401);

    const refresh = await fetch(`${web.base}/v1/auth/refresh`, {
      method: 'POST',
      headers: { ...browserMode, cookie },
      body: '{}',
    });
    expect(refresh.status).toBe(200);
    const { accessToken } = await refresh.json();
    const rotated = (refresh.headers.get('set-cookie') ?? '').split(';')[0];
    expect(rotated).not.toBe(cookie);

    // Logout ends the session and clears the cookie; the rotated token is dead with it.
    const logout = await fetch(`${web.base}/v1/auth/logout`, {
      method: 'POST',
      headers: { 'x-session-mode': 'cookie', authorization: `Bearer ${accessToken}`, cookie: rotated },
    });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/^refresh_token=; Path=\/v1\/auth; Max-Age=0;/);
    const after = await fetch(`${web.base}/v1/auth/refresh`, {
      method: 'POST',
      headers: { ...browserMode, cookie: rotated },
      body: '{}',
    });
    expect(after.status).toBe(401);

    // A cross-site page cannot send the header: its preflight gets no CORS answer (no origin is allowed here).
    const preflight = await fetch(`${web.base}/v1/auth/refresh`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-session-mode',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('signs up, links a bank through the emulator, shows accounts and transactions, keeps the session on reload, and logs out', async () => {
    const context = await newContext();
    const page = await newPage(context);

    // Signed out: the app lands on the login page; the API's field errors show under their fields.
    await page.goto(web.base);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shoot(page, 'login-desktop');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('email must be a valid email address').waitFor();
    await page.getByText('password must be 8 to 128 characters').waitFor();
    await shoot(page, 'signup-errors-desktop');

    const email = uniqueEmail('web');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    await page.getByText('No bank connected yet.').waitFor();
    await shoot(page, 'items-empty-desktop');

    await linkBank(page, 'First Platypus Bank');
    const card = page.getByRole('listitem').filter({ hasText: 'First Platypus Bank' });
    await card.getByText('Healthy').waitFor({ timeout: LIVE_MS });
    await card.getByText(/Last synced/).waitFor({ timeout: LIVE_MS });
    await shoot(page, 'items-desktop');

    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Net worth' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Plaid Checking' }).first().waitFor();
    await expect(page.getByText(/owed$/).count()).resolves.toBeGreaterThan(0);
    await shoot(page, 'accounts-desktop');

    await page.getByRole('link', { name: 'Transactions' }).click();
    const rows = page.getByRole('list', { name: 'Transactions, newest first' }).getByRole('listitem');
    await waitFor(async () => (await rows.count()) >= 50, {
      timeoutMs: LIVE_MS,
      what: 'transactions listed',
    });
    await shoot(page, 'transactions-desktop');
    // Infinite scroll: the end of the list brings the next page.
    const firstPage = await rows.count();
    await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
    await waitFor(async () => (await rows.count()) > firstPage, { what: 'the next page' });

    // Filters go into the URL and survive a reload, as does the session.
    await page.getByLabel('Status').selectOption('false');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/pending=false/);
    await page.reload();
    await page.getByRole('heading', { name: 'Transactions' }).waitFor();
    await expect(page.getByLabel('Status').inputValue()).resolves.toBe('false');
    await waitFor(async () => (await rows.count()) > 0, { what: 'filtered transactions after reload' });
    await expect(page.getByText('Pending', { exact: true }).count()).resolves.toBe(0);

    // The refresh token is out of JavaScript's reach: an HttpOnly cookie on the auth routes, nothing in storage.
    const seen = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify(localStorage),
      session: JSON.stringify(sessionStorage),
    }));
    expect(seen.cookie).not.toMatch(/refresh/);
    expect(seen.local).toBe('{}');
    expect(seen.session).toBe('{}');
    const cookies = await context.cookies(`${web.base}/v1/auth/refresh`);
    const refresh = cookies.find((c) => c.name === 'refresh_token');
    expect(refresh).toEqual(
      expect.objectContaining({ httpOnly: true, sameSite: 'Strict', path: '/v1/auth', secure: false }),
    );

    // An access token that expires mid-use: the gateway answers 401 to the next call (its token replaced by a
    // stale one on the way), and the app refreshes through the cookie and retries without the user noticing.
    let stale = true;
    // The accounts list, whatever its query string (the Accounts screen asks for hidden accounts too).
    const accountsList = (url: URL): boolean => url.pathname === '/v1/accounts';
    await page.route(accountsList, async (route) => {
      if (!stale) return route.continue();
      stale = false;
      await route.continue({
        headers: { ...route.request().headers(), authorization: 'Bearer expired.token.value' },
      });
    });
    const refreshed = page.waitForResponse(
      (res) => res.url().endsWith('/v1/auth/refresh') && res.status() === 200,
    );
    await page.getByRole('link', { name: 'Accounts' }).click();
    await refreshed;
    await page.getByRole('heading', { name: 'Net worth' }).waitFor();
    expect(stale).toBe(false);
    await page.unroute(accountsList);

    // Mobile width.
    await page.setViewportSize(PHONE);
    await page.getByRole('link', { name: 'Transactions' }).click();
    await page
      .getByRole('list', { name: 'Transactions, newest first' })
      .getByRole('listitem')
      .first()
      .waitFor();
    await shoot(page, 'transactions-mobile');
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Net worth' }).waitFor();
    await shoot(page, 'accounts-mobile');
    await page.getByRole('link', { name: 'Connections' }).click();
    await card.getByText('Healthy').waitFor();
    await shoot(page, 'items-mobile');
    await page.setViewportSize({ width: 1280, height: 860 });

    // Log out: back to the login page, and a reload does not bring the session back.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(
      (await context.cookies(`${web.base}/v1/auth/refresh`)).find((c) => c.name === 'refresh_token'),
    ).toBeUndefined();
    await page.reload();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.setViewportSize(PHONE);
    await shoot(page, 'login-mobile');

    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('shows a broken connection, repairs it through update mode, and removes it after confirmation', async () => {
    const context = await newContext();
    const page = await newPage(context);
    const email = uniqueEmail('web-fix');
    await signUp(page, email);
    await linkBank(page, 'Tartan Bank');
    const card = page.getByRole('listitem').filter({ hasText: 'Tartan Bank' });
    await card.getByText('Healthy').waitFor({ timeout: LIVE_MS });
    await card.getByText(/Last synced/).waitFor({ timeout: LIVE_MS });

    // The bank wants the user to log in again: Plaid answers ITEM_LOGIN_REQUIRED and says so by webhook.
    const [{ id: itemId }] = await db<{ id: string }>(
      'SELECT i.id FROM link.items i JOIN auth.users u ON u.id = i.user_id WHERE u.email = $1',
      [email],
    );
    const plaidId = await plaidItemId(itemId);
    const loginRequired = {
      error_type: 'ITEM_ERROR',
      error_code: 'ITEM_LOGIN_REQUIRED',
      error_message: 'the login details of this item have changed',
      display_message: null,
    };
    const rule = await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: plaidId,
      http_status: 400,
      ...loginRequired,
    });
    await control('POST', `/items/${plaidId}/webhook`, {
      webhook_type: 'ITEM',
      webhook_code: 'ERROR',
      error: { ...loginRequired, status: 400 },
    });
    await card.getByText('Login required').waitFor({ timeout: LIVE_MS });
    await shoot(page, 'items-login-required-desktop');

    // The user logs in again through Link's update mode; the bank accepts the login from now on.
    await control('DELETE', `/failures/${rule.id}`);
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      card.getByRole('button', { name: /Fix connection/ }).click(),
    ]);
    await popup.getByRole('heading', { name: 'Reconnect your bank' }).waitFor();
    await popup.getByRole('button', { name: 'Submit' }).click();
    await page.getByText('Connection fixed').waitFor();
    await card.getByText('Healthy').waitFor({ timeout: LIVE_MS });

    // Sync now right after the repair's sync: the per-item limit answers 429 and the wait is shown.
    await card.getByRole('button', { name: /Sync now/ }).click();
    await card.getByText(/Try again in (a few seconds|\d+ (seconds|minutes?|hours?))\./).waitFor();

    // Transactions the bank adds show up without a reload (the change feed, or the app's polling without one).
    const today = new Date().toISOString().slice(0, 10);
    await page.goto(`${web.base}/transactions?from=${today}`);
    const rows = page.getByRole('list', { name: 'Transactions, newest first' }).getByRole('listitem');
    const empty = page.getByText('No transactions match these filters.');
    await waitFor(async () => (await empty.count()) > 0 || (await rows.count()) > 0, {
      what: "today's list",
    });
    const before = await rows.count();
    await control('POST', `/items/${plaidId}/transactions/mutate`, { add: 2 });
    await waitFor(async () => (await rows.count()) >= before + 2, {
      timeoutMs: LIVE_MS,
      what: 'the new transactions listed without a reload',
    });
    await page.getByRole('link', { name: 'Connections' }).click();

    await card.getByRole('button', { name: /Remove/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Tartan Bank?' });
    await dialog.waitFor();
    await shoot(page, 'remove-dialog-desktop');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No bank connected yet.').waitFor({ timeout: LIVE_MS });

    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it("never shows one user another user's data", async () => {
    const first = await newContext();
    const a = await newPage(first);
    await signUp(a, uniqueEmail('web-a'));
    await linkBank(a, 'First Gingham Credit Union');
    await a.getByText('Healthy').waitFor({ timeout: LIVE_MS });

    const second = await newContext();
    const b = await newPage(second);
    await signUp(b, uniqueEmail('web-b'));
    await b.getByText('No bank connected yet.').waitFor();
    await b.getByRole('link', { name: 'Transactions' }).click();
    await b.getByText('No transactions yet.').waitFor();
    await expect(b.getByText('First Gingham').count()).resolves.toBe(0);

    // A session that ended elsewhere (here: its cookie gone, its access token stale) lands on the login page
    // with a message, not on a broken screen.
    await second.clearCookies();
    await b.route(
      (url) => url.pathname === '/v1/accounts',
      (route) =>
        route.continue({
          headers: { ...route.request().headers(), authorization: 'Bearer expired.token.value' },
        }),
    );
    await b.getByRole('link', { name: 'Accounts' }).click();
    await b.getByRole('heading', { name: 'Log in' }).waitFor();
    await b.getByText('Your session has ended. Please log in again.').waitFor();

    // The login throttle's Retry-After is a wait the user can see (the button is held until it passes).
    const victim = uniqueEmail('web-throttle');
    for (let i = 0; i < 6; i++) {
      await b.getByLabel('Email').fill(victim);
      await b.getByLabel('Password').fill(`wrong password ${i}`);
      await b.getByRole('button', { name: 'Log in' }).click();
      await b
        .getByRole('button', { name: 'Log in' })
        .or(b.getByText(/Try again in (a few seconds|\d+ (seconds|minutes?|hours?))/))
        .first()
        .waitFor();
      if ((await b.getByText(/Try again in (a few seconds|\d+ (seconds|minutes?|hours?))/).count()) > 0)
        break;
    }
    await b
      .getByText(/Too many attempts\. Try again in (a few seconds|\d+ (seconds|minutes?|hours?))\./)
      .waitFor();
    await shoot(b, 'login-throttled-desktop');
    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await first.close();
    await second.close();
  });
});
