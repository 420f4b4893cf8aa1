import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type ConsoleMessage, type Page } from 'playwright-core';
import { randomIp, runInfo, startExtra, uniqueEmail } from './api';
import { freePort, ROOT, type ServiceProcess } from './processes';
import { waitFor } from './wait-for';

// The web app in Debian's Chromium (never a downloaded browser), against a gateway of the run that serves
// dist/web and points the app's Link at the run's emulator. One `browserSuite()` per describe: it starts the
// gateway and the browser before the suite's tests and stops them after; the web*.e2e-spec.ts files share it.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const PASSWORD = 'correct horse battery';
export const LIVE_MS = 45_000;
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface BrowserSuite {
  // The gateway's origin (http://127.0.0.1:port).
  readonly base: string;
  readonly browser: Browser;
  // Where shoot() saves its screenshots (the run's log directory).
  readonly shots: string;
  // Every page's uncaught errors and console errors; a failed request (401 before login, a 429) is the
  // network's message, not the app's, and is left out.
  readonly problems: string[];
  // axe-core's serious and critical findings, by screenshot name.
  readonly violations: string[];
  newContext(): Promise<BrowserContext>;
  newPage(context: BrowserContext): Promise<Page>;
  // A screenshot, scanned by axe-core too (evaluated through DevTools, so the page's CSP does not apply).
  shoot(page: Page, name: string): Promise<void>;
  signUp(page: Page, email?: string): Promise<string>;
  linkBank(page: Page, institution: string, username?: string): Promise<void>;
  // The page's document is no wider than its viewport (no horizontal scroll).
  expectNoHorizontalScroll(page: Page, what: string): Promise<void>;
}

export function browserSuite(): BrowserSuite {
  let gateway: ServiceProcess | undefined;
  const suite = {
    base: '',
    browser: undefined as unknown as Browser,
    shots: '',
    problems: [] as string[],
    violations: [] as string[],
  };

  const watch = (page: Page): Page => {
    page.on('pageerror', (err) => suite.problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
        suite.problems.push(`console: ${msg.text()}`);
    });
    return page;
  };

  const api: BrowserSuite = {
    get base() {
      return suite.base;
    },
    get browser() {
      return suite.browser;
    },
    get shots() {
      return suite.shots;
    },
    problems: suite.problems,
    violations: suite.violations,

    // Each context is its own client address (the gateway trusts X-Forwarded-For in the run): the login limiter
    // keys on it, and other suites' logins from 127.0.0.1 must not throttle this one's.
    newContext: () =>
      suite.browser.newContext({ viewport: DESKTOP, extraHTTPHeaders: { 'x-forwarded-for': randomIp() } }),

    newPage: async (context) => watch(await context.newPage()),

    shoot: async (page, name) => {
      await page.screenshot({ path: join(suite.shots, `${name}.png`) });
      await page.evaluate(AXE_SOURCE);
      const found = await page.evaluate(async () => {
        const axe = (window as any).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations
          .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
          .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
      });
      suite.violations.push(...found.map((f: string) => `${name}: ${f}`));
    },

    signUp: async (page, email = uniqueEmail('web')) => {
      await page.goto(`${suite.base}/signup`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByRole('heading', { name: 'Connections' }).waitFor();
      return email;
    },

    // Link through the emulator's Link page, in the popup the app opens.
    linkBank: async (page, institution, username = 'user_good') => {
      const [popup] = await Promise.all([
        page.waitForEvent('popup'),
        page.getByRole('button', { name: 'Link a bank' }).click(),
      ]);
      await popup.getByLabel('Search institutions').fill(institution.split(' ')[0]);
      await popup.getByRole('button', { name: institution, exact: true }).click();
      await popup.getByLabel('Username').fill(username);
      await popup.getByRole('button', { name: 'Submit' }).click();
      await page.getByText('is connected').waitFor();
    },

    expectNoHorizontalScroll: async (page, what) => {
      const widths = await page.evaluate(() => ({
        doc: document.documentElement.scrollWidth,
        view: document.documentElement.clientWidth,
      }));
      expect([what, widths.doc <= widths.view]).toEqual([what, true]);
    },
  };

  beforeAll(async () => {
    const info = runInfo();
    suite.shots = join(info.logDir, 'screenshots');
    mkdirSync(suite.shots, { recursive: true });
    const port = await freePort();
    suite.base = `http://127.0.0.1:${port}`;
    gateway = startExtra('gateway-0', { PORT: String(port), LINK_EMULATOR_URL: info.sandboxUrl });
    await waitFor(async () => (await fetch(`${suite.base}/health/ready`)).ok, {
      timeoutMs: 30_000,
      what: 'gateway',
    });
    // Playwright gives each launch a fresh temporary profile (its own --user-data-dir).
    suite.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await suite.browser?.close();
    await gateway?.stop();
  });

  return api;
}
