import { type Page } from 'playwright-core';
import { type LoggedInUser, signupAndLogin } from './support/api';
import { browserSuite, DESKTOP, LIVE_MS, PHONE } from './support/browser';
import { link, plaidItemId, waitHealthy } from './support/linking';
import { control } from './support/sandbox';
import { quiescent } from './support/sync';
import { waitFor } from './support/wait-for';

// The screens over a user's transactions — Transactions (drawer, edits, transfers, bulk), Rules, Recurring and
// Insights — in Chromium against the real system and the emulator. One user, linked through the API, signs in
// through the page; each journey checks what the screen says against what the API says.
describe('web: transactions, rules, recurring and insights', () => {
  const web = browserSuite();
  let user: LoggedInUser;
  let itemId: string;
  let plaidId: string;
  // Transactions the user edited by hand in an earlier journey: their own edits win over any rule.
  const editedByHand = new Set<string>();

  beforeAll(async () => {
    user = await signupAndLogin(undefined, 'web-tx');
    const item = await link(user);
    itemId = item.id;
    await waitHealthy(user, itemId);
    plaidId = await plaidItemId(itemId);
    await quiescent(plaidId);
  });

  afterAll(() => {
    expect(web.problems).toEqual([]);
    expect(web.violations).toEqual([]);
  });

  const get = async (path: string): Promise<any> => {
    const res = await user.api.get(path, user.accessToken);
    expect([path, res.status]).toEqual([path, 200]);
    return res.body;
  };

  const signedIn = async (): Promise<Page> => {
    const context = await web.newContext();
    const page = await web.newPage(context);
    await page.goto(`${web.base}/login`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    return page;
  };

  const rows = (page: Page) =>
    page.getByRole('list', { name: 'Transactions, newest first' }).getByRole('listitem');

  it('edits a category in the drawer with the keyboard, and the edit survives a sync', async () => {
    const page = await signedIn();
    const [t] = (await get('/v1/transactions?pending=false&limit=1')).data;
    editedByHand.add(t.id);
    await page.getByRole('link', { name: 'Transactions' }).click();
    // Focus lands on the new page's heading after a route change.
    await page.getByRole('heading', { name: 'Transactions', level: 1 }).waitFor();
    await waitFor(async () => (await page.evaluate(() => document.activeElement?.tagName)) === 'H1', {
      what: 'focus on the heading',
    });
    await waitFor(async () => (await rows(page).count()) > 0, { timeoutMs: LIVE_MS, what: 'rows' });
    await web.shoot(page, 'transactions-desktop');

    await page.goto(`${web.base}/transactions?open=${encodeURIComponent(t.id)}`);
    const drawer = page.getByRole('dialog');
    await drawer.getByText('Name at the bank').waitFor();
    // The safe button has the focus; Plaid's own category is shown beside the one that applies.
    await expect(
      drawer.getByRole('button', { name: 'Close' }).evaluate((b) => b === document.activeElement),
    ).resolves.toBe(true);
    await web.shoot(page, 'transaction-drawer-desktop');

    const picker = drawer.getByRole('combobox', { name: 'Category' });
    await picker.fill('coffee');
    await page.keyboard.press('Enter');
    await drawer.getByText('Category saved.').waitFor();
    const edited = await get(`/v1/transactions/${encodeURIComponent(t.id)}`);
    expect(edited.category.detailed).toBe('FOOD_AND_DRINK_COFFEE');
    expect(edited.plaidCategory).toEqual(t.plaidCategory);

    // A sync that adds and changes transactions at the bank leaves the user's edit in place.
    const before = (await get(`/v1/items/${itemId}`)).lastSyncedAt;
    await control('POST', `/items/${plaidId}/transactions/mutate`, { add: 1, modify: 3 });
    await waitFor(async () => (await get(`/v1/items/${itemId}`)).lastSyncedAt !== before, {
      timeoutMs: LIVE_MS,
      what: 'a sync after the bank changed',
    });
    await quiescent(plaidId);
    await page.reload();
    await page.getByRole('dialog').getByText('Food and drink › Coffee').first().waitFor();
    expect((await get(`/v1/transactions/${encodeURIComponent(t.id)}`)).category.detailed).toBe(
      'FOOD_AND_DRINK_COFFEE',
    );

    // Escape closes the drawer.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.setViewportSize(PHONE);
    // As a phone opens it: the filters start folded.
    await page.goto(`${web.base}/transactions`);
    await waitFor(async () => (await rows(page).count()) > 0, { what: 'rows at 390 px' });
    await web.expectNoHorizontalScroll(page, 'transactions at 390 px');
    await web.shoot(page, 'transactions-mobile');
    await page.goto(`${web.base}/transactions?open=${encodeURIComponent(t.id)}`);
    await page.getByRole('dialog').getByText('Name at the bank').waitFor();
    await web.expectNoHorizontalScroll(page, 'drawer at 390 px');
    await web.shoot(page, 'transaction-drawer-mobile');
    await page.context().close();
  });

  it('finds money in without a negative amount, and bulk-hides selected transactions', async () => {
    const page = await signedIn();
    await page.goto(`${web.base}/transactions`);
    await page.getByLabel('Money').selectOption('in');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/direction=in/);
    // Focus stays on the form, not on <body>.
    await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.not.toBe('BODY');
    const incoming = (await get('/v1/transactions?maxAmount=-0.000001&limit=50')).data;
    expect(incoming.length).toBeGreaterThan(0);
    await waitFor(async () => (await rows(page).count()) === Math.min(50, incoming.length), {
      what: 'money in listed',
    });
    await expect(rows(page).locator('.t-amount.out').count()).resolves.toBe(0);

    // Dates the wrong way round are said in the user's words, before any request.
    await page.getByLabel('From', { exact: true }).fill('2026-02-01');
    await page.getByLabel('To', { exact: true }).fill('2026-01-01');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('The start date is after the end date.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((url) => !url.search.includes('direction'));

    await waitFor(async () => (await rows(page).count()) > 2, { what: 'rows' });
    const names = [];
    for (let i = 0; i < 2; i++) {
      const box = rows(page).nth(i).getByRole('checkbox');
      names.push(await box.getAttribute('aria-label'));
      await box.check();
    }
    await page.getByRole('region', { name: 'Selected transactions' }).waitFor();
    await web.shoot(page, 'transactions-bulk-desktop');
    const listed = async () => (await get('/v1/transactions?limit=500')).data.length;
    const total = await listed();
    await page.getByRole('button', { name: 'Hide selected' }).click();
    await page.getByText('Hidden: 2 of 2 transactions updated.').waitFor();
    expect(await listed()).toBe(total - 2);
    for (const name of names)
      await expect(page.getByRole('checkbox', { name: name ?? '' }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it('unpairs a transfer between two accounts from the drawer', async () => {
    const transfer = await control('POST', `/items/${plaidId}/transactions/transfer`, { amount: 321.5 });
    const paired = await waitFor(
      async () => {
        const res = await user.api.get(
          `/v1/transactions/${encodeURIComponent(transfer.out)}`,
          user.accessToken,
        );
        return res.status === 200 && res.body.transferPairId ? res.body : undefined;
      },
      { timeoutMs: LIVE_MS, what: 'the transfer paired' },
    );
    const page = await signedIn();
    await page.goto(`${web.base}/transactions?open=${encodeURIComponent(paired.id)}`);
    const drawer = page.getByRole('dialog');
    await drawer.getByRole('heading', { name: 'Transfer between your accounts' }).waitFor();
    await web.shoot(page, 'transaction-transfer-desktop');
    await drawer.getByRole('button', { name: 'Not a transfer: unpair' }).click();
    await drawer.getByText('Unpairing saved.').waitFor();
    await expect(
      drawer.getByRole('heading', { name: 'Transfer between your accounts' }).count(),
    ).resolves.toBe(0);
    for (const id of [transfer.out, transfer.in])
      expect((await get(`/v1/transactions/${encodeURIComponent(id)}`)).transferPairId).toBeNull();
    await page.context().close();
  });

  it('creates a rule from a transaction, applies it to existing ones with a count, reorders and deletes it', async () => {
    const page = await signedIn();
    await page.goto(`${web.base}/rules`);
    await page.getByText('No rules yet.').waitFor();
    await web.shoot(page, 'rules-empty-desktop');

    const t = (await get('/v1/transactions?pending=false&limit=100')).data.find(
      (x: any) => x.merchantName && x.category?.primary !== 'ENTERTAINMENT',
    );
    const sameMerchant = (
      await get(`/v1/transactions?search=${encodeURIComponent(t.merchantName)}&limit=500`)
    ).data.filter((x: any) => x.merchantName?.toLowerCase() === t.merchantName.toLowerCase());
    await page.goto(`${web.base}/transactions?open=${encodeURIComponent(t.id)}`);
    await page.getByRole('button', { name: 'Create a rule from this' }).click();
    await page.getByRole('heading', { name: 'New rule' }).waitFor();
    await expect(page.getByLabel('Merchant is').inputValue()).resolves.toBe(t.merchantName);
    await page.getByLabel('Name', { exact: true }).fill(`Fun at ${t.merchantName}`);
    await page.getByRole('combobox', { name: 'Set category' }).fill('entertainment (any)');
    await page.keyboard.press('Enter');
    await web.shoot(page, 'rules-form-desktop');
    await page.getByRole('button', { name: 'Create rule' }).click();
    const done = page.getByText(/Rule created and applied: \d+ transactions? changed\./);
    await done.waitFor({ timeout: LIVE_MS });
    const count = Number(/(\d+) transaction/.exec((await done.textContent()) ?? '')?.[1]);
    // Every transaction of that merchant now has the rule's category; the count is the ones that changed.
    const after = (
      await get(`/v1/transactions?search=${encodeURIComponent(t.merchantName)}&limit=500`)
    ).data.filter((x: any) => x.merchantName?.toLowerCase() === t.merchantName.toLowerCase());
    expect(
      after
        .filter((x: any) => !editedByHand.has(x.id))
        .every((x: any) => x.category.primary === 'ENTERTAINMENT'),
    ).toBe(true);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(sameMerchant.length + 2);

    // A second rule, then reorder: the API's priorities follow the screen's order.
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Big money in');
    await page.getByLabel('Money').selectOption('in');
    await page.getByLabel('Amount at least').fill('1000');
    await page.getByRole('checkbox', { name: 'Leave it out of spending' }).check();
    await page.getByRole('checkbox', { name: 'Also apply to the transactions I already have' }).uncheck();
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByText('Rule created. It applies to new transactions.').waitFor();
    const ruleList = page.getByRole('list', { name: 'Rules, first applied first' });
    await ruleList.getByRole('heading', { name: 'Big money in' }).waitFor();
    await web.shoot(page, 'rules-desktop');
    await page.getByRole('button', { name: 'Move up Big money in' }).click();
    await waitFor(async () => (await get('/v1/rules')).data[0]?.name === 'Big money in' || undefined, {
      what: 'the reordered priorities',
    });
    await waitFor(
      async () => (await ruleList.getByRole('heading').first().textContent()) === 'Big money in',
      {
        what: 'the list reordered',
      },
    );
    const rules = (await get('/v1/rules')).data;
    expect(rules.map((r: any) => r.priority)).toEqual([10, 20]);
    expect(rules[0].match).toEqual({ amountMax: -1000 });

    await page.setViewportSize(PHONE);
    await web.expectNoHorizontalScroll(page, 'rules at 390 px');
    await web.shoot(page, 'rules-mobile');
    await page.setViewportSize(DESKTOP);

    // Delete: the dialog focuses Cancel; Escape closes it and gives focus back.
    const del = page.getByRole('button', { name: 'Delete Big money in' });
    await del.click();
    await page.getByRole('dialog', { name: 'Delete “Big money in”?' }).waitFor();
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Cancel');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await expect(del.evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    await del.click();
    await page.getByRole('button', { name: 'Delete rule' }).click();
    await page.getByText(/Rule deleted and applied/).waitFor({ timeout: LIVE_MS });
    expect((await get('/v1/rules')).data.map((r: any) => r.name)).toEqual([`Fun at ${t.merchantName}`]);
    await page.context().close();
  });

  it("shows spending by category, merchant and month with the API's numbers, and clicks through to the transactions", async () => {
    const page = await signedIn();
    await page.goto(`${web.base}/insights`);
    const chart = page.getByRole('group', { name: /^Spending by category/ });
    await chart.waitFor({ timeout: LIVE_MS });
    await web.shoot(page, 'insights-category-desktop');

    // The period the screen states is the one asked of the API: read the chart's bars against its answer.
    const from = new URL(page.url()).searchParams.get('from');
    const req = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((n) => n.includes('/v1/insights/spending') && n.includes('groupBy=category')),
    );
    expect(from).toBeNull();
    const query = new URL(req[0]).search;
    const api = await get(`/v1/insights/spending${query}`);
    const usd = api.groups.filter((g: any) => (g.currency ?? '') === 'USD' && g.outflow > 0).slice(0, 12);
    const bars = chart.getByRole('link');
    await expect(bars.count()).resolves.toBe(usd.length);
    const fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
    for (let i = 0; i < usd.length; i++) {
      const label = await bars.nth(i).getAttribute('aria-label');
      expect(label).toContain(`${fmt.format(usd[i].outflow)} spent in ${usd[i].count} transaction`);
    }
    const total = api.totals.find((x: any) => x.currency === 'USD');
    await page.getByRole('heading', { name: `${fmt.format(total.outflow)} spent (USD)` }).waitFor();

    // Click-through: the first bar opens the transactions behind it.
    await bars.first().click();
    await page.getByRole('heading', { name: 'Transactions', level: 1 }).waitFor();
    await page.waitForURL(/category=/);
    await waitFor(async () => (await rows(page).count()) > 0, { what: 'the transactions behind the bar' });

    await page.goto(`${web.base}/insights?view=month`);
    await page.getByRole('group', { name: /^Spending by month/ }).waitFor({ timeout: LIVE_MS });
    await web.shoot(page, 'insights-month-desktop');
    await page.goto(`${web.base}/insights?view=merchant`);
    await page.getByRole('group', { name: /^Spending by merchant/ }).waitFor({ timeout: LIVE_MS });
    await web.shoot(page, 'insights-merchant-desktop');
    await page.setViewportSize(PHONE);
    await web.expectNoHorizontalScroll(page, 'insights at 390 px');
    await web.shoot(page, 'insights-merchant-mobile');
    // A period without spending: an empty state, not an empty chart.
    await page.goto(`${web.base}/insights?from=2001-01-01&to=2001-01-31`);
    await page.getByText('No spending in this period.').waitFor();
    await web.shoot(page, 'insights-empty-mobile');

    // Dark mode follows the system setting, and axe checks its contrast too.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize(DESKTOP);
    await page.goto(`${web.base}/insights`);
    await page.getByRole('group', { name: /^Spending by category/ }).waitFor({ timeout: LIVE_MS });
    await expect(
      page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
    ).resolves.toBe('rgb(15, 18, 22)');
    await web.shoot(page, 'insights-category-dark-desktop');
    await page.goto(`${web.base}/transactions`);
    await waitFor(async () => (await rows(page).count()) > 0, { what: 'rows in dark mode' });
    await web.shoot(page, 'transactions-dark-desktop');
    await page.context().close();
  });

  it('lists recurring payments with their next date, and answers unknown addresses with a not-found page', async () => {
    const page = await signedIn();
    const recurring = await get('/v1/recurring');
    await page.goto(`${web.base}/recurring`);
    if (recurring.outflows.length + recurring.inflows.length === 0)
      await page.getByText('No recurring payments found yet.').waitFor();
    else {
      await page.getByRole('heading', { name: 'Money out' }).waitFor();
      const first = recurring.outflows[0] ?? recurring.inflows[0];
      await page
        .getByRole('heading', { name: first.merchantName ?? first.description })
        .first()
        .waitFor();
    }
    await web.shoot(page, 'recurring-desktop');
    await page.setViewportSize(PHONE);
    await web.expectNoHorizontalScroll(page, 'recurring at 390 px');
    await web.shoot(page, 'recurring-mobile');

    await page.goto(`${web.base}/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await web.shoot(page, 'not-found-mobile');
    await page.context().close();
  });
});
