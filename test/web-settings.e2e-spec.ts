import { readFileSync } from 'node:fs';
import { type Page } from 'playwright-core';
import { Api } from './support/api';
import { browserSuite, PASSWORD, PHONE } from './support/browser';
import { waitFor } from './support/wait-for';

// Issue 27: Settings in Chromium against the real system: password change ends the other sessions, a session is
// revoked, both exports download and open, and the account is deleted with its progress on screen.
const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

describe('web: settings', () => {
  const web = browserSuite();
  const { problems, violations, shoot, newPage, signUp, expectNoHorizontalScroll } = web;

  async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
    await page.goto(`${web.base}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
  }

  // The other device notices at its next request (or from the live stream, before it makes one): its session is
  // gone and it lands on the login page.
  async function hasEnded(page: Page): Promise<boolean> {
    const link = nav(page, 'Accounts');
    if ((await link.count()) > 0) await link.click({ timeout: 5000 }).catch(() => undefined);
    return page
      .getByRole('heading', { name: 'Log in' })
      .waitFor({ timeout: 10_000 })
      .then(
        () => true,
        () => false,
      );
  }

  it('changes the password and ends the other session; revokes a session; downloads both exports', async () => {
    const context = await web.newContext();
    const page = await newPage(context);
    const email = await signUp(page);
    const laptop = await web.newContext();
    const other = await newPage(laptop);
    await logIn(other, email);
    const phone = await web.newContext();
    const third = await newPage(phone);
    await logIn(third, email);

    await nav(page, 'Settings').click();
    const devices = page.getByRole('region', { name: 'Signed-in devices' });
    await devices.getByText('This device').waitFor();
    await expect(devices.getByRole('listitem').count()).resolves.toBe(3);
    await shoot(page, 'settings-desktop');

    // Revoke one session from the list: that device is signed out.
    await devices
      .getByRole('button', { name: /^Sign out/ })
      .first()
      .click();
    await waitFor(async () => (await devices.getByRole('listitem').count()) === 2, {
      what: 'the revoked device gone from the list',
    });
    const signedOut = [other, third];
    const gone: Page[] = [];
    for (const p of signedOut) if (await hasEnded(p)) gone.push(p);
    expect(gone).toHaveLength(1);
    const remaining = signedOut.find((p) => !gone.includes(p))!;

    // A wrong current password is said under its field; the right one changes it and ends the other session.
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('a much better passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('This is not your current password.').waitFor();
    await shoot(page, 'settings-password-wrong-desktop');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('a much better passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other devices are signed out.').waitFor();
    await expect(hasEnded(remaining)).resolves.toBe(true);
    await expect(devices.getByRole('listitem').count()).resolves.toBe(1);

    // Both exports download, and open: a JSON document of the user, a zip of CSV files.
    const exportSection = page.getByRole('region', { name: 'Export your data' });
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      exportSection.getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    expect(json.suggestedFilename()).toMatch(/^export-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
    expect(doc.profile.email).toBe(email);
    await exportSection.getByText(/export-.*\.json \(.*\) is in your downloads\./).waitFor();
    const [zip] = await Promise.all([
      page.waitForEvent('download'),
      exportSection.getByRole('button', { name: 'Download CSV (zip)' }).click(),
    ]);
    expect(zip.suggestedFilename()).toMatch(/^export-\d{4}-\d{2}-\d{2}\.zip$/);
    const bytes = readFileSync(await zip.path());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.toString('latin1')).toContain('transactions.csv');
    await shoot(page, 'settings-exported-desktop');

    await page.setViewportSize(PHONE);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoHorizontalScroll(page, 'settings at 390 px');
    await shoot(page, 'settings-mobile-dark');

    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await Promise.all([context.close(), laptop.close(), phone.close()]);
  });

  it('deletes the account after the password, shows the progress until it completes, and frees the email', async () => {
    const context = await web.newContext();
    const page = await newPage(context);
    const email = await signUp(page);
    await nav(page, 'Settings').click();

    await page.getByRole('button', { name: 'Delete my account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account for good?' });
    await dialog.waitFor();
    // The password field has the focus, not the destructive button.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('type'))).resolves.toBe('password');
    await shoot(page, 'settings-delete-dialog-desktop');
    await dialog.getByLabel('Your password').fill('wrong password!');
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await dialog.getByText('This is not your password.').waitFor();
    await dialog.getByLabel('Your password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Delete my account' }).click();

    await page.getByRole('heading', { name: /Deleting your account|Account deleted/ }).waitFor();
    await page.getByRole('heading', { name: 'Account deleted' }).waitFor({ timeout: 30_000 });
    await page.getByText('You are signed out.', { exact: false }).waitFor();
    await shoot(page, 'settings-deleted-desktop');

    // Signed out for good, and the address can sign up again.
    const login = await new Api().post('/v1/auth/login', { email, password: PASSWORD });
    expect(login.status).toBe(401);
    await page.getByRole('button', { name: 'Sign up again' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();

    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });
});
