/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Offramp } from '../../server/main.js';
import type { Checklist, QueueResult } from '../../server/assets/contract.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import { artifactPath, screenshotWhole, signInInBrowser, withAppAndBrowser } from '../support/browser.js';
import { json } from '../support/json.js';
import { connectDemoTenant } from '../support/offboarding.js';
import { clearChecklist } from '../support/assets.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

/**
 * The queue and the checklist in Chromium, on the demo tenant with its sample assets (as a first
 * start shows them): the look-ahead and its colours, the safety net, recovering hardware,
 * revoking seats (a Microsoft 365 licence through a run), closing a request, the completion gate
 * holding when a device is assigned after the page loaded, completing, and Finalize from the queue.
 */
describe('the queue and the person checklist in Chromium', () => {
  let app: Offramp;
  let browser: Browser;
  withAppAndBrowser((a, b) => ([app, browser] = [a, b]), { DEMO_ASSETS: 'true', SIMULATOR_USERS: '120', OFFBOARDING_STEP_RETRY_MS: '50' });
  const problems: string[] = [];
  const contexts: { name: string; page: Page; context: BrowserContext }[] = [];

  it('shows a lived-in queue, and takes one person from "Review" to offboarded', async () => {
    try {
      await story();
    } catch (err) {
      for (const c of contexts) await screenshotWhole(c.page, artifactPath(`queue-failure-${c.name}.png`)).catch(() => undefined);
      if (problems.length) console.error('The pages reported:', problems.join('\n'));
      throw err;
    } finally {
      for (const c of contexts) await c.context.close();
    }
  }, 180_000);

  async function story() {
    const sim: Simulator = app.simulator!;
    sim.configure({ latency: 0 });
    const org: TestOrg = await makeOrg(app, 'Contoso Queue', 0);
    const base = `/api/v1/orgs/${org.id}`;
    await org.as.admin.fetch(`${base}/offboarding/settings`, { method: 'PUT', json: { requireApproval: false, allowApproveOwn: false, proposeFromLeaveDate: false } });
    const tenantRef = await connectDemoTenant(org);
    const api = async (path: string, init?: Parameters<TestOrg['owner']['fetch']>[1]) => {
      const res = await org.as.manager.fetch(`${base}${path}`, init);
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return json(res);
    };

    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    contexts.push({ name: 'manager', page, context });
    await signInInBrowser(page, app.url, org.as.manager.user.userPrincipalName, '/tabs/queue');

    // ---------------------------------------------------------------------------------------
    // The queue on first start: the sample's leavers, soonest first, coloured by how near.
    const rows = page.getByTestId('queue-row');
    await rows.first().waitFor();
    const api30: QueueResult = await api('/queue?days=30');
    expect(api30.people.length).toBeGreaterThanOrEqual(4);
    await expect(rows.count()).resolves.toBe(api30.people.length);
    const shownIds = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-employee-id')));
    expect(shownIds).toEqual(api30.people.map((p) => p.employeeId));
    const tones = await page.getByTestId('queue-leave').evaluateAll((els) =>
      els.map((e) => ({ tone: e.getAttribute('data-tone'), color: getComputedStyle(e.querySelector('span:last-child') ?? e.lastElementChild!).color })),
    );
    const rgb = (c: string) => c.match(/\d+/g)!.map(Number) as [number, number, number];
    const past = tones.filter((t) => t.tone === 'past');
    const soon = tones.filter((t) => t.tone === 'soon');
    expect(past.length).toBeGreaterThan(0);
    for (const t of past) {
      const [r, g, b] = rgb(t.color);
      expect(r).toBeGreaterThan(g + 60); // red
      expect(r).toBeGreaterThan(b + 60);
    }
    for (const t of soon) {
      const [r, , b] = rgb(t.color);
      expect(r).toBeGreaterThan(b + 60); // amber
    }
    const pastRow = api30.people.find((p) => (p.daysToLeave ?? 0) < -1)!;
    await expect(page.locator(`[data-testid="queue-row"][data-employee-id="${pastRow.employeeId}"] [data-testid="queue-leave"]`).textContent()).resolves.toContain(`${-pastRow.daysToLeave!} days ago`);
    // The safety net: offboarded, still holding a laptop.
    const net = page.locator('[data-testid="queue-row"][data-safety-net="true"]');
    await expect(net.count()).resolves.toBe(2);
    await expect(net.first().getByTestId('queue-safety-net').textContent()).resolves.toContain('still holds hardware');
    const netRow = api30.people.find((p) => p.safetyNet)!;
    expect(netRow.open.hardware).toBeGreaterThan(0);
    await expect(net.first().getByTestId('queue-action').textContent()).resolves.toBe(`Review (${netRow.open.hardware + netRow.open.seats + netRow.open.requests})`);
    // Counts match the API's.
    const first = api30.people.find((p) => !p.safetyNet && p.open.hardware > 0)!;
    const firstRow = page.locator(`[data-testid="queue-row"][data-employee-id="${first.employeeId}"]`);
    await expect(firstRow.getByTestId('queue-hardware').textContent()).resolves.toBe(String(first.open.hardware));
    await expect(firstRow.getByTestId('queue-seats').textContent()).resolves.toBe(String(first.open.seats));
    await screenshotWhole(page, artifactPath('queue-30-days.png'));

    // The look-ahead: a week, remembered across a reload.
    await page.getByTestId('queue-window').selectOption('7');
    const api7: QueueResult = await api('/queue?days=7');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="queue-row"]').length === n, api7.people.length);
    expect(api7.people.every((p) => p.safetyNet || (p.daysToLeave ?? 0) <= 7)).toBe(true);
    await page.reload();
    await rows.first().waitFor();
    await expect(page.getByTestId('queue-window').inputValue()).resolves.toBe('7');
    await page.getByTestId('queue-window').selectOption('30');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="queue-row"]').length === n, api30.people.length);

    // ---------------------------------------------------------------------------------------
    // One person, from Review to offboarded.
    const who = api30.people.find((p) => !p.safetyNet && p.open.hardware > 0 && p.open.seats > 0)!;
    await page.locator(`[data-testid="queue-row"][data-employee-id="${who.employeeId}"] [data-testid="queue-action"]`).click();
    await page.waitForURL(`**/tabs/people/${who.employeeId}`);
    await page.getByTestId('complete-card').waitFor();
    const checklist = async (): Promise<Checklist> => api(`/people/${who.employeeId}/checklist`);
    let c = await checklist();
    await expect(page.getByTestId('page-title').textContent()).resolves.toBe(who.displayName);
    await expect(page.getByTestId('complete-button').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('complete-blocked').textContent()).resolves.toContain(c.blockedBy!);
    await expect(page.getByTestId('hardware-row').count()).resolves.toBe(c.hardware.length);
    await screenshotWhole(page, artifactPath('checklist-open.png'));

    // Hardware: each returned through the dialog; the first one damaged, to repair.
    for (const [i, h] of c.hardware.entries()) {
      await page.locator(`[data-testid="hardware-row"][data-hardware-id="${h.id}"] [data-testid="hardware-recover"]`).click();
      await page.getByTestId('recover-dialog').waitFor();
      if (i === 0) {
        await page.getByTestId('recover-condition').selectOption('damaged');
        await page.getByTestId('recover-note').fill('Cracked hinge');
      }
      await page.getByTestId('recover-confirm').click();
      await page.locator(`[data-testid="hardware-row"][data-hardware-id="${h.id}"]`).waitFor({ state: 'detached' });
    }
    await page.getByTestId('checklist-hardware-empty').waitFor();
    const firstReturn = (await app.store.pool.query('SELECT status, assigned_to FROM hardware WHERE id = $1', [c.hardware[0]!.id])).rows[0];
    expect(firstReturn).toEqual({ status: 'in_repair', assigned_to: null });
    await expect(page.getByTestId('return-row').first().textContent()).resolves.toMatch(/damaged, to in repair \(Cracked hinge\)|good, to in stock/);

    // Seats: hand-entered ones freed at once; the Microsoft 365 licences through a Remove licences run.
    for (const s of c.seats.filter((x) => x.source === 'manual')) {
      await page.locator(`[data-testid="seat-row"][data-seat-id="${s.id}"] [data-testid="seat-revoke"]`).click();
      await page.getByTestId('revoke-seat-confirm').click();
      await page.locator(`[data-testid="seat-row"][data-seat-id="${s.id}"]`).waitFor({ state: 'detached' });
    }
    const licensed = c.seats.find((x) => x.source === 'm365');
    if (licensed) {
      await page.locator(`[data-testid="seat-row"][data-seat-id="${licensed.id}"] [data-testid="seat-revoke"]`).click();
      await expect(page.getByTestId('revoke-seat-dialog').textContent()).resolves.toContain('Remove licences');
      await page.getByTestId('revoke-seat-confirm').click();
      await page.getByTestId('checklist-notice').waitFor();
      // The run removes them in the tenant; the page shows the seats gone once it has.
      const objectId = (await app.store.pool.query('SELECT object_id FROM employees WHERE id = $1', [who.employeeId])).rows[0].object_id;
      for (let i = 0; i < 200 && (await checklist()).open.seats > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(sim.state.licenceStates(sim.findUser(objectId)!).filter((l) => !l.assignedByGroup)).toHaveLength(0);
      await page.reload();
    }
    c = await checklist();
    expect(c.open.seats).toBe(0);
    await page.getByTestId('checklist-seats-empty').waitFor();

    // Requests: a new one, approved, then closed with a resolution.
    await page.getByTestId('checklist-new-request').click();
    await page.getByTestId('new-request-what').fill('Courier box for the dock');
    await page.getByTestId('new-request-confirm').click();
    await page.locator('[data-testid="request-row"]', { hasText: 'Courier box for the dock' }).waitFor();
    while ((await page.getByTestId('request-row').count()) > 0) {
      // One row by its id: the list may be drawn again between steps.
      const id = await page.getByTestId('request-row').first().getAttribute('data-request-id');
      const row = page.locator(`[data-testid="request-row"][data-request-id="${id}"]`);
      if (await row.getByTestId('request-approve').count()) {
        await row.getByTestId('request-approve').click();
        await page.locator(`[data-testid="request-row"][data-request-id="${id}"] [data-testid="request-approve"]`).waitFor({ state: 'detached' });
      }
      await page.locator(`[data-testid="request-row"][data-request-id="${id}"] [data-testid="request-close"]`).click();
      await expect(page.getByTestId('close-request-confirm').isDisabled()).resolves.toBe(true); // a resolution is needed
      await page.getByTestId('close-request-resolution').fill('Done by the service desk');
      await page.getByTestId('close-request-confirm').click();
      await page.locator(`[data-testid="request-row"][data-request-id="${id}"]`).waitFor({ state: 'detached' });
    }
    await page.getByTestId('checklist-requests-empty').waitFor();

    // The gate holds on the server: the page says Complete, but someone assigned a phone meanwhile.
    await page.locator('[data-testid="complete-button"]:not([disabled])').waitFor();
    await api('/hardware', { method: 'POST', json: { model: 'iPhone 15', assetTag: 'PHN-BROWSER-1', assignedTo: who.employeeId } });
    await page.getByTestId('complete-button').click();
    await page.getByTestId('complete-confirm').click();
    await expect(page.getByTestId('complete-dialog').getByTestId('error-message').textContent()).resolves.toBe('Cannot complete offboarding: 1 hardware, 0 software, 0 request(s) still open.');
    await page.getByRole('button', { name: 'Keep it' }).click();
    await page.getByTestId('hardware-row').waitFor(); // the page shows the phone now
    expect((await app.store.pool.query('SELECT status FROM employees WHERE id = $1', [who.employeeId])).rows[0].status).toBe('active');
    await page.getByTestId('hardware-recover').click();
    await page.getByTestId('recover-confirm').click();
    await page.getByTestId('checklist-hardware-empty').waitFor();

    // Completing.
    await page.locator('[data-testid="complete-button"]:not([disabled])').click();
    await page.getByTestId('complete-confirm').click();
    await page.getByTestId('complete-done').waitFor();
    await expect(page.getByTestId('checklist-status').getAttribute('data-status')).resolves.toBe('offboarded');
    const done = (await app.store.pool.query('SELECT status, leave_date FROM employees WHERE id = $1', [who.employeeId])).rows[0];
    expect(done.status).toBe('offboarded');
    expect((await app.store.pool.query("SELECT count(*)::int AS n FROM org_events WHERE org_id = $1 AND type = 'user.offboarded'", [org.id])).rows[0].n).toBe(1);
    await screenshotWhole(page, artifactPath('checklist-complete.png'));

    // Back in the queue, they are gone.
    await page.goto(`${app.url}/tabs/queue`);
    await rows.first().waitFor();
    await expect(page.locator(`[data-testid="queue-row"][data-employee-id="${who.employeeId}"]`).count()).resolves.toBe(0);

    // ---------------------------------------------------------------------------------------
    // Finalize from the queue: someone whose items were all dealt with elsewhere.
    const next = (await api('/queue?days=30') as QueueResult).people.find((p) => !p.safetyNet && p.employeeId !== who.employeeId)!;
    await clearChecklist(app, org, tenantRef, next.employeeId);
    await page.reload();
    const nextRow = page.locator(`[data-testid="queue-row"][data-employee-id="${next.employeeId}"]`);
    await expect(nextRow.getByTestId('queue-action').getAttribute('data-action')).resolves.toBe('finalize');
    await nextRow.getByTestId('queue-action').click();
    await page.getByTestId('finalize-confirm').click();
    await page.getByTestId('queue-notice').waitFor();
    await nextRow.waitFor({ state: 'detached' });
    expect((await app.store.pool.query('SELECT status FROM employees WHERE id = $1', [next.employeeId])).rows[0].status).toBe('offboarded');
    await screenshotWhole(page, artifactPath('queue-after.png'));
    expect(problems).toEqual([]);
  }
});
