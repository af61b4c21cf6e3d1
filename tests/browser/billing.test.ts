/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Offramp } from '../../server/main.js';
import { artifactPath, screenshotWhole, signInInBrowser, withAppAndBrowser } from '../support/browser.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

/**
 * The Billing page in Chromium, as an Owner uses it: the trial, Checkout on the Stripe stand-in's
 * page and back, a plan change, a failed payment seen by every member, and cancelling.
 */
describe('the Billing page in Chromium', () => {
  let app: Offramp;
  let browser: Browser;
  withAppAndBrowser((a, b) => ([app, browser] = [a, b]));
  const problems: string[] = [];
  const contexts: { name: string; page: Page; context: BrowserContext }[] = [];

  async function open(name: string, upn: string, path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`${name}: ${err.message}`));
    contexts.push({ name, page, context });
    await signInInBrowser(page, app.url, upn, path);
    return page;
  }

  it('trial -> Checkout -> Starter -> MSP -> payment failed (banner for everyone) -> cancelled', async () => {
    try {
      const org: TestOrg = await makeOrg(app, 'Contoso Billing', 0);
      const owner = await open('owner', org.owner.user.userPrincipalName, '/tabs/billing');
      const summary = owner.getByTestId('billing-summary');
      await summary.waitFor();
      await expect(summary.getAttribute('data-status')).resolves.toBe('trialing');
      await expect(owner.getByTestId('billing-period').textContent()).resolves.toMatch(/14 day\(s\) left in your trial/);
      await expect(owner.getByTestId('billing-usage-employees').getAttribute('data-limit')).resolves.toBe('200');
      await expect(owner.getByTestId('billing-plan').count()).resolves.toBe(3);
      // Yearly prices.
      await owner.getByRole('tab', { name: /Yearly/ }).click();
      await expect(owner.locator('[data-testid="billing-plan"][data-plan="starter"]').textContent()).resolves.toContain('$490');
      await screenshotWhole(owner, artifactPath('billing-trial.png'));

      // Checkout: Stripe's page (the stand-in), paid, and back.
      await owner.getByRole('tab', { name: /Monthly/ }).click();
      await owner.locator('[data-testid="billing-plan"][data-plan="starter"] [data-testid="billing-choose"]').click();
      await owner.waitForURL((u) => u.href.startsWith(`${app.stripeStandin!.url}/checkout/`));
      await expect(owner.textContent('h1')).resolves.toContain('Starter');
      await owner.getByTestId('standin-pay').click();
      await owner.waitForURL((u) => u.pathname === '/tabs/billing' && u.search.includes('checkout=done'));
      await owner.locator('[data-testid="billing-summary"][data-status="active"][data-plan="starter"]').waitFor();
      await owner.getByTestId('billing-returned').waitFor();
      await expect(owner.getByTestId('invoice-row').count()).resolves.toBe(1);
      await expect(owner.locator('[data-testid="billing-plan"][data-plan="starter"] [data-testid="billing-current"]').count()).resolves.toBe(1);

      // A bigger plan: prorated.
      await owner.locator('[data-testid="billing-plan"][data-plan="msp"] [data-testid="billing-switch"]').click();
      await expect(owner.getByTestId('billing-switch-dialog').textContent()).resolves.toMatch(/prorates/);
      await owner.getByTestId('billing-switch-confirm').click();
      await owner.locator('[data-testid="billing-summary"][data-plan="msp"]').waitFor();
      await expect(owner.getByTestId('billing-usage-employees').getAttribute('data-limit')).resolves.toBe('unlimited');
      await owner.waitForFunction(() => document.querySelectorAll('[data-testid="invoice-row"]').length === 2);
      await screenshotWhole(owner, artifactPath('billing-msp.png'));

      // A payment fails: every member sees it; the Owner is offered Billing.
      const { rows } = await app.store.pool.query('SELECT stripe_subscription_id FROM billing_accounts WHERE org_id = $1', [org.id]);
      await app.stripeStandin!.failPayment(rows[0].stripe_subscription_id);
      const viewer = await open('viewer', org.as.viewer.user.userPrincipalName, '/tabs/queue');
      await expect(viewer.getByTestId('standing-banner').textContent()).resolves.toMatch(/payment failed/i);
      await expect(viewer.getByTestId('standing-banner').getByRole('button', { name: 'Go to Billing' }).count()).resolves.toBe(0);
      await expect(viewer.getByRole('link', { name: 'Billing' }).count()).resolves.toBe(0); // not the Viewer's page
      await owner.reload();
      await owner.locator('[data-testid="billing-summary"][data-status="past_due"]').waitFor();
      await expect(owner.getByTestId('billing-message').textContent()).resolves.toMatch(/within 7 day\(s\)/);
      await screenshotWhole(viewer, artifactPath('billing-banner.png'));

      // The portal opens on Stripe's page; cancelling there ends the plan at the period's end.
      await owner.getByTestId('billing-portal').click();
      await owner.waitForURL((u) => u.href.startsWith(`${app.stripeStandin!.url}/portal/`));
      await owner.getByTestId('standin-return').click();
      await owner.waitForURL((u) => u.pathname === '/tabs/billing');
      await owner.getByTestId('billing-cancel').click();
      await owner.getByTestId('billing-cancel-confirm').click();
      await owner.waitForFunction(() => /ends on/.test(document.querySelector('[data-testid="billing-period"]')?.textContent ?? ''));
      await screenshotWhole(owner, artifactPath('billing-cancelled.png'));

      // Data rights: an export with progress, then its download; a deletion request, then cancelled.
      await owner.getByTestId('datarights-export').click();
      const download = owner.getByTestId('datarights-download');
      await download.waitFor({ timeout: 60_000 });
      // The link carries the session (a cookie): fetched as the browser would, it is the zip.
      const href = await download.getAttribute('href');
      expect(href).toBeTruthy();
      const res = await owner.request.get(new URL(href!, app.url).href);
      expect(res.status()).toBe(200);
      expect((await res.body()).subarray(0, 2).toString()).toBe('PK');
      await owner.getByTestId('datarights-delete').click();
      const confirm = owner.getByTestId('datarights-delete-confirm');
      await expect(confirm.isDisabled()).resolves.toBe(true);
      await owner.getByTestId('datarights-confirm-name').fill('Contoso');
      await expect(confirm.isDisabled()).resolves.toBe(true); // the exact name, nothing less
      await owner.getByTestId('datarights-confirm-name').fill('Contoso Billing');
      await confirm.click();
      await owner.getByTestId('datarights-pending').waitFor();
      expect((await app.store.pool.query('SELECT count(*)::int AS n FROM deletion_requests WHERE org_id = $1 AND cancelled_at IS NULL', [org.id])).rows[0].n).toBe(1);
      await screenshotWhole(owner, artifactPath('billing-deletion-pending.png'));
      await owner.getByTestId('datarights-cancel').click();
      await owner.getByTestId('datarights-pending').waitFor({ state: 'detached' });
      expect((await app.store.pool.query('SELECT count(*)::int AS n FROM deletion_requests WHERE org_id = $1 AND cancelled_at IS NULL', [org.id])).rows[0].n).toBe(0);
      expect(problems).toEqual([]);
    } catch (err) {
      for (const c of contexts) await screenshotWhole(c.page, artifactPath(`billing-failure-${c.name}.png`)).catch(() => undefined);
      if (problems.length) console.error(problems.join('\n'));
      throw err;
    } finally {
      for (const c of contexts) await c.context.close();
    }
  }, 120_000);
});
