/// <reference lib="dom" />
import type { Browser, Cookie, Page } from 'playwright-core';
import type { Offramp } from '../../server/main.js';
import { startTestApp } from '../support/app.js';
import { artifactPath, launchBrowser, signInInBrowser } from '../support/browser.js';
import { demoUser, withSso } from '../support/auth.js';

/** Each page, and what it shows for a new organisation: its own content, or an honest empty state. */
const PAGES = [
  ['queue', 'Queue', 'empty-state'],
  ['offboardings', 'Offboardings', 'empty-state'],
  ['new', 'New offboarding', 'empty-state'],
  ['integrations', 'Integrations', 'empty-state'],
  ['team', 'Team', 'members-table'],
  ['billing', 'Billing', 'billing-summary'],
  ['tenants', 'Tenants', 'empty-state'],
  ['audit', 'Audit', 'audit-table'],
] as const;

describe('the tab shell in Chromium, served by the real server', () => {
  let app: Offramp;
  let browser: Browser;
  let page: Page;
  let cookies: Cookie[];
  const problems: string[] = [];

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    // An Owner of an organisation signs in once; each test starts from that session.
    const owner = demoUser(app, 2);
    await (await withSso(app, owner)).fetch('/api/v1/orgs', { method: 'POST', json: { name: 'Contoso' } });
    const first = await browser.newPage();
    await signInInBrowser(first, app.url, owner.userPrincipalName);
    cookies = await first.context().cookies();
    await first.close();
  });
  beforeEach(async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies(cookies);
    page = await context.newPage();
    problems.length = 0;
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Refused to/.test(msg.text())) problems.push(msg.text());
    });
  });
  afterEach(async () => {
    await page?.context().close();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens /tabs/ on the queue, shows the demo badge and the server version, and saves a screenshot', async () => {
    await page.goto(`${app.url}/tabs/`);
    await page.getByTestId('page-title').filter({ hasText: 'Queue' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tabs/queue');
    await expect(page.title()).resolves.toBe('Queue · Offramp');
    const badge = page.getByTestId('mode-badge');
    await badge.and(page.locator('[data-mode="demo"]')).waitFor();
    await expect(badge.textContent()).resolves.toContain('Demo tenant');
    await expect(page.getByTestId('server-version').textContent()).resolves.toMatch(/Offramp \d+\.\d+\.\d+/);
    await page.screenshot({ path: artifactPath('shell-queue-light.png') });
    expect(problems).toEqual([]);
  });

  it('reaches every page from the navigation, each with its heading, window title and content or honest empty state', async () => {
    await page.goto(`${app.url}/tabs/queue`);
    for (const [id, title, content] of PAGES) {
      await page.getByTestId(`nav-${id}`).click();
      await page.getByTestId('page-title').filter({ hasText: title }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/tabs/${id}`);
      await expect(page.title()).resolves.toBe(`${title} · Offramp`);
      await page.getByTestId(content).first().waitFor();
    }
    expect(problems).toEqual([]);
  });

  it('opens a deep link directly, as a Teams static tab does, in the dark theme', async () => {
    await page.goto(`${app.url}/tabs/team?theme=dark`);
    await page.getByTestId('page-title').filter({ hasText: 'Team' }).waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.body.querySelector('#root > div')!).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!).toBeLessThan(3 * 80); // dark
    await page.screenshot({ path: artifactPath('shell-team-dark.png') });
  });

  it('serves the privacy and terms pages the manifest links to', async () => {
    for (const [path, title] of [['privacy', 'Privacy'], ['terms', 'Terms of use']] as const) {
      await page.goto(`${app.url}/tabs/${path}`);
      await page.getByTestId('page-title').filter({ hasText: title }).waitFor();
      await expect(page.locator('h2').count()).resolves.toBeGreaterThan(1);
    }
  });

  it('shows a page-not-found state with a way back for an unknown path', async () => {
    await page.goto(`${app.url}/tabs/no-such-page`);
    await page.getByTestId('not-found-home').click();
    await page.getByTestId('page-title').filter({ hasText: 'Queue' }).waitFor();
  });

  it('shows the server error message with a Retry that recovers', async () => {
    let fail = true;
    await page.route('**/api/v1/meta', async (route) => {
      if (!fail) return route.continue();
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'store_unavailable', message: 'The store does not answer.', requestId: 'req-12345678' } }),
      });
    });
    await page.goto(`${app.url}/tabs/queue`);
    await page.getByTestId('error-bar').waitFor();
    await expect(page.getByTestId('error-message').textContent()).resolves.toContain('The store does not answer.');
    await page.screenshot({ path: artifactPath('shell-error.png') });
    fail = false;
    await page.getByTestId('error-retry').click();
    await page.getByTestId('mode-badge').and(page.locator('[data-mode="demo"]')).waitFor();
    await expect(page.getByTestId('error-bar').count()).resolves.toBe(0);
  });

  it('renders inside an iframe whose parent never answers Teams, without waiting on it', async () => {
    // The parent must be one the tabs' CSP lets frame them: our own origin stands in for Teams.
    await page.goto(`${app.url}/healthz`);
    const started = Date.now();
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.style.cssText = 'width:1200px;height:700px';
      document.body.appendChild(frame);
    }, `${app.url}/tabs/audit`);
    const frame = page.frameLocator('iframe');
    await frame.getByTestId('page-title').filter({ hasText: 'Audit' }).waitFor({ timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
