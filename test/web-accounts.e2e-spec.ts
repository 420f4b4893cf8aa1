import { type Page } from 'playwright-core';
import { Api } from './support/api';
import { browserSuite, LIVE_MS, PASSWORD, PHONE } from './support/browser';
import { db } from './support/db';
import { plaidItemId } from './support/linking';
import { control } from './support/sandbox';
import { waitFor } from './support/wait-for';

// Issue 27: the Overview, Accounts and Connections screens in Chromium against the real system and the emulator.
// A link of the main navigation (a page may link to the same screen in its text).
const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

// Every "Loading…" of the screen has given way to its data (or its empty state).
const settled = (page: Page) =>
  waitFor(async () => (await page.locator('.loading').count()) === 0, { what: 'the screen loaded' });

describe('web: overview, accounts and connections', () => {
  const web = browserSuite();
  const { problems, violations, shoot, newPage, signUp, linkBank, expectNoHorizontalScroll } = web;

  it('onboards, links, then hides and renames an account, with net worth and balance history on screen', async () => {
    const context = await web.newContext();
    const page = await newPage(context);
    const email = await signUp(page);

    // Before any link: the overview explains the first steps.
    await nav(page, 'Overview').click();
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
    await shoot(page, 'overview-empty-desktop');
    await nav(page, 'Accounts').click();
    await page.getByText('No accounts yet.').waitFor();
    await shoot(page, 'accounts-empty-desktop');

    await nav(page, 'Connections').click();
    await linkBank(page, 'First Platypus Bank');
    const card = page.getByRole('listitem').filter({ hasText: 'First Platypus Bank' });
    await card.getByText('Healthy').waitFor({ timeout: LIVE_MS });
    await card.getByText(/Last synced/).waitFor({ timeout: LIVE_MS });

    await nav(page, 'Overview').click();
    await page.getByRole('heading', { name: 'Spending this month' }).waitFor();
    await page.getByRole('heading', { name: 'Net worth' }).waitFor();
    await page.getByText('Nothing: every connection is working.').waitFor();
    await settled(page);
    await shoot(page, 'overview-desktop');

    await nav(page, 'Accounts').click();
    await page.getByRole('heading', { name: 'Net worth' }).waitFor();
    const checking = page.getByRole('listitem').filter({ hasText: 'Plaid Checking' }).first();
    await checking.waitFor();
    await settled(page);
    await shoot(page, 'accounts-desktop');

    // Rename, by keyboard: the form opens with the name selected, Enter saves.
    await checking.getByRole('button', { name: /^Rename/ }).click();
    const nameInput = page.getByLabel('Name for Plaid Checking');
    await nameInput.fill('Everyday');
    await nameInput.press('Enter');
    const everyday = page.getByRole('listitem').filter({ hasText: 'Everyday' }).first();
    await everyday.getByText('at the bank: Plaid Checking').waitFor();

    // One day of balances: the history says so instead of drawing a flat line.
    await everyday.getByRole('button', { name: /^Balance history/ }).click();
    await everyday.getByText(/The history starts on .* A chart appears from the second day on\./).waitFor();
    // The bank reports balances of earlier days: the history and the net worth become charts.
    const api = new Api(web.base);
    const token = (await api.post('/v1/auth/login', { email, password: PASSWORD })).body
      .accessToken as string;
    const [{ itemId, plaidItem, plaidAccount }] = await db<{
      itemId: string;
      plaidItem: string;
      plaidAccount: string;
    }>(
      `SELECT a.item_id AS "itemId", i.plaid_item_id AS "plaidItem", a.plaid_account_id AS "plaidAccount"
         FROM sync.accounts a JOIN sync.items i ON i.item_id = a.item_id JOIN auth.users u ON u.id = a.user_id
        WHERE u.email = $1 AND a.name = 'Plaid Checking'`,
      [email],
    );
    for (const [offset, current] of [
      [-20, 480],
      [-12, 650],
      [-5, 320],
    ] as const) {
      const asOf = new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      await control('POST', `/items/${plaidItem}/balances`, {
        as_of: `${asOf}T12:00:00Z`,
        accounts: [{ account_id: plaidAccount, current }],
      });
      const refreshed = await api.request('POST', `/v1/items/${itemId}/accounts/refresh`, {
        body: {},
        token,
      });
      expect(refreshed.status).toBe(200);
    }
    await everyday.getByRole('button', { name: /^Balance history/ }).click();
    await everyday.getByRole('button', { name: /^Balance history/ }).click();
    await everyday.getByRole('img', { name: /^Balance of Everyday/ }).waitFor();
    await page.reload();
    await page.getByRole('img', { name: /^Net worth, assets and liabilities/ }).waitFor();
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Everyday' })
      .first()
      .getByRole('button', { name: /^Balance history/ })
      .click();
    await settled(page);
    await shoot(page, 'accounts-chart-desktop');
    await page.getByRole('img', { name: /^Balance of Everyday/ }).scrollIntoViewIfNeeded();
    await shoot(page, 'accounts-history-desktop');

    // Hide: it leaves the bank's list for "Hidden accounts", and the API leaves it out of totals.
    await everyday.getByRole('button', { name: /^Hide/ }).click();
    const hidden = page.getByRole('region', { name: 'Hidden accounts' });
    await hidden.getByRole('button', { name: 'Show Everyday' }).waitFor();
    const [row] = await db<{ hidden: boolean; display_name: string }>(
      `SELECT a.hidden, a.display_name FROM sync.accounts a JOIN auth.users u ON u.id = a.user_id
        WHERE u.email = $1 AND a.name = 'Plaid Checking'`,
      [email],
    );
    expect(row).toEqual({ hidden: true, display_name: 'Everyday' });
    await shoot(page, 'accounts-hidden-desktop');
    await hidden.getByRole('button', { name: /^Show Everyday/ }).click();
    await hidden.waitFor({ state: 'detached' });

    // Balance refresh: the first one goes through, the next one says the wait in words.
    const group = page.getByRole('region', { name: 'First Platypus Bank' });
    await group.getByRole('button', { name: /^Refresh balances/ }).click();
    await group.getByText('Balances are up to date.').waitFor({ timeout: LIVE_MS });
    await group.getByRole('button', { name: /^Refresh balances/ }).click({ force: true });
    await group
      .getByText(/You can refresh again in (a few seconds|\d+ (seconds|minutes?))\./)
      .waitFor()
      .catch(() => undefined);

    // Phone width, dark mode: no horizontal scroll on any of the three screens.
    await page.setViewportSize(PHONE);
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const [link, heading, shot] of [
      ['Overview', 'Overview', 'overview-mobile-dark'],
      ['Accounts', 'Accounts', 'accounts-mobile-dark'],
      ['Connections', 'Connections', 'items-mobile-dark'],
    ] as const) {
      await page.goto(`${web.base}/${link === 'Connections' ? 'items' : link.toLowerCase()}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page
        .getByText('Loading', { exact: false })
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      await expectNoHorizontalScroll(page, shot);
      await shoot(page, shot);
    }

    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('repairs a connection right after "Sync now": the follow-up sync is not throttled, and says so when it fails', async () => {
    const context = await web.newContext();
    const page = await newPage(context);
    const email = await signUp(page);
    await linkBank(page, 'Tartan Bank');
    const card = page.getByRole('listitem').filter({ hasText: 'Tartan Bank' });
    await card.getByText('Healthy').waitFor({ timeout: LIVE_MS });
    await card.getByText(/Last synced/).waitFor({ timeout: LIVE_MS });
    const [{ id: itemId }] = await db<{ id: string }>(
      'SELECT i.id FROM link.items i JOIN auth.users u ON u.id = i.user_id WHERE u.email = $1',
      [email],
    );
    const plaidId = await plaidItemId(itemId);

    // The bank starts asking for a new login; the user's "Sync now" finds it (and spends the manual-sync minute).
    const loginRequired = {
      error_type: 'ITEM_ERROR',
      error_code: 'ITEM_LOGIN_REQUIRED',
      error_message: 'the login details of this item have changed',
      display_message: null,
    };
    const rule = await control<{ id: string }>('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: plaidId,
      http_status: 400,
      ...loginRequired,
    });
    await card.getByRole('button', { name: /^Sync now/ }).click();
    await card.getByText('Login required').waitFor({ timeout: LIVE_MS });
    // Our words, not Plaid's developer sentence.
    await card.getByText(/Your bank needs you to sign in again/).waitFor();
    await expect(card.getByText(/update mode/).count()).resolves.toBe(0);
    await shoot(page, 'items-login-required-desktop');

    // Repaired in Link's update mode seconds later: the follow-up sync goes through and the card turns healthy.
    await control('DELETE', `/failures/${rule.id}`);
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      card.getByRole('button', { name: /^Fix connection/ }).click(),
    ]);
    await popup.getByRole('button', { name: 'Submit' }).click();
    await page.getByText('Connection fixed. Syncing…').waitFor({ timeout: LIVE_MS });
    await card.getByText('Healthy').waitFor({ timeout: LIVE_MS });

    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('offers "Share new accounts" for new accounts at the bank and ends the loop once they are shared', async () => {
    const context = await web.newContext();
    const page = await newPage(context);
    const email = await signUp(page);
    await linkBank(page, 'First Platypus Bank');
    const card = page.getByRole('listitem').filter({ hasText: 'First Platypus Bank' });
    await card.getByText('Healthy').waitFor({ timeout: LIVE_MS });

    // The bank opens an account the user has not shared: Plaid says NEW_ACCOUNTS_AVAILABLE.
    const [{ id: itemId }] = await db<{ id: string }>(
      'SELECT i.id FROM link.items i JOIN auth.users u ON u.id = i.user_id WHERE u.email = $1',
      [email],
    );
    await control('POST', `/items/${await plaidItemId(itemId)}/accounts`, {
      type: 'depository',
      subtype: 'savings',
      name: 'Holiday Savings',
      current: 900,
      history: 2,
    });
    await card.getByText('New accounts available').waitFor({ timeout: LIVE_MS });
    await shoot(page, 'items-new-accounts-desktop');

    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      card.getByRole('button', { name: /^Share new accounts/ }).click(),
    ]);
    await popup.getByRole('button', { name: 'Submit' }).click();
    await page
      .getByText(/Shared accounts updated: \d+ accounts? (is|are) shared now\./)
      .waitFor({ timeout: LIVE_MS });
    // The loop ends: the flag clears and the new account is listed.
    await card.getByText('New accounts available').waitFor({ state: 'detached', timeout: LIVE_MS });
    await expect(card.getByRole('button', { name: /^Share new accounts/ }).count()).resolves.toBe(0);
    await nav(page, 'Accounts').click();
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Holiday Savings' })
      .first()
      .waitFor({ timeout: LIVE_MS });

    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });
});
