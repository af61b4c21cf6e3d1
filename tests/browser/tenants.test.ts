/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { Offramp } from '../../server/main.js';
import { REQUIRED_PERMISSIONS } from '../../server/m365/permissions.js';
import type { SimGroup } from '../../server/simulator/tenant/model.js';
import { demoUser } from '../support/auth.js';
import { artifactPath, signInInBrowser, withAppAndBrowser } from '../support/browser.js';

/**
 * The Tenants page, used as an owner would: connect the demo tenant, watch the first sync
 * bring everyone in, narrow the sync to one security group and sync again, and try a group
 * id that does not exist. Each step is checked against the employees table and against the
 * simulated tenant itself.
 */
describe('the Tenants page in Chromium: connecting the demo tenant and syncing it', () => {
  let app: Offramp;
  let browser: Browser;
  withAppAndBrowser((a, b) => ([app, browser] = [a, b]));

  /** Object ids of the tenant's employees who are not removed, sorted. */
  const currentEmployees = async (tenantRef: string): Promise<string[]> => {
    const { rows } = await app.store.pool.query<{ object_id: string }>(
      'SELECT object_id FROM employees WHERE tenant_ref = $1 AND removed_at IS NULL ORDER BY object_id',
      [tenantRef],
    );
    return rows.map((r) => r.object_id);
  };
  const allEmployeeRows = async (tenantRef: string) =>
    (await app.store.pool.query('SELECT object_id, removed_at FROM employees WHERE tenant_ref = $1 ORDER BY object_id', [tenantRef])).rows;
  const tenantRow = async (tenantRef: string) =>
    (
      await app.store.pool.query(
        `SELECT scope_kind, scope_group_id, scope_group_name, users_delta_link, group_delta_link, sync_state, sync_finished_at
           FROM tenants WHERE id = $1`,
        [tenantRef],
      )
    ).rows[0];

  /** Records every sync state the tenant card shows, from now on (a MutationObserver: nothing is missed between polls). */
  const watchSyncStates = (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as { __syncStates: string[] };
      w.__syncStates = [];
      const record = () => {
        for (const card of document.querySelectorAll('[data-testid="tenant-card"]')) {
          const state = card.getAttribute('data-sync-state') ?? '';
          if (w.__syncStates[w.__syncStates.length - 1] !== state) w.__syncStates.push(state);
        }
      };
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-sync-state'] });
    });
  const seenSyncStates = (page: Page) => page.evaluate(() => (window as unknown as { __syncStates: string[] }).__syncStates);

  /** Waits until the card shows a finished, successful sync with `count` people. */
  const waitForSyncedCount = (page: Page, count: number) =>
    page.waitForFunction(
      (n) => {
        const card = document.querySelector('[data-testid="tenant-card"]');
        const result = card?.querySelector('[data-testid="sync-result"]');
        const people = card?.querySelector('[data-testid="tenant-people"]');
        return card?.getAttribute('data-sync-state') === 'succeeded' && result?.getAttribute('data-state') === 'succeeded' && people?.getAttribute('data-count') === String(n);
      },
      count,
      { timeout: 30_000 },
    );

  it('connects the demo tenant, syncs everyone, then syncs only one security group’s members; a group that does not exist is refused', async () => {
    const problems: string[] = [];
    const consoleErrors: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    try {
      await run(page, problems);
    } catch (err) {
      // What the page showed when it went wrong, for whoever reads the failure.
      await page.screenshot({ path: artifactPath('tenants-failure.png'), fullPage: true }).catch(() => undefined);
      if (problems.length + consoleErrors.length > 0) console.error('The page reported:', [...problems, ...consoleErrors].join('\n'));
      throw err;
    } finally {
      await context.close();
    }
  });

  async function run(page: Page, problems: string[]) {
    const sim = app.simulator!;
    const owner = demoUser(app, 5);

    // A new owner: sign in, name the organisation, skip the invitations, go to Tenants.
    await signInInBrowser(page, app.url, owner.userPrincipalName);
    await page.getByTestId('org-name-input').fill('Fabrikam Offboarding');
    await page.getByTestId('org-create').click();
    await page.getByTestId('onboarding-skip').click();
    await page.getByTestId('onboarding-tenants').click();
    await page.getByTestId('page-title').filter({ hasText: 'Tenants' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tabs/tenants');
    await page.getByTestId('empty-state').waitFor();

    // --- 1. Connect the demo tenant: the first (full) sync brings in everyone Graph's /users/delta returns.
    // That is every live user: the 40 people and the shared mailboxes' accounts (Graph lists both as users).
    const everyone = sim.users().map((u) => u.id).sort();
    expect(sim.users().filter((u) => u.kind === 'person')).toHaveLength(40);
    expect(sim.users().filter((u) => u.kind === 'shared').length).toBeGreaterThan(0);
    await watchSyncStates(page);
    await page.getByTestId('tenant-connect-demo').click();
    await page.getByTestId('tenant-connected').waitFor();
    const card = page.getByTestId('tenant-card');
    await card.waitFor();
    const tenantRef = (await card.getAttribute('data-tenant-id'))!;
    expect(await card.getAttribute('data-entra-tenant-id')).toBe(sim.tenant.id);
    expect(await card.getAttribute('data-demo')).toBe('true');
    await waitForSyncedCount(page, everyone.length);

    expect(await seenSyncStates(page)).toEqual(expect.arrayContaining(['queued', 'succeeded']));
    expect((await seenSyncStates(page)).at(-1)).toBe('succeeded');
    expect(await currentEmployees(tenantRef)).toEqual(everyone);
    // Each person's Intune devices are counted as the simulated tenant has them.
    const devices = await app.store.pool.query<{ object_id: string; devices_count: number }>(
      'SELECT object_id, devices_count FROM employees WHERE tenant_ref = $1 ORDER BY object_id',
      [tenantRef],
    );
    expect(devices.rows.map((r) => [r.object_id, r.devices_count])).toEqual(everyone.map((id) => [id, sim.state.managedDevicesOf(id).length]));
    expect(devices.rows.some((r) => r.devices_count > 0)).toBe(true);
    await expect(page.getByTestId('tenant-name').textContent()).resolves.toBe(sim.tenant.displayName);
    await expect(page.getByTestId('tenant-domain').textContent()).resolves.toBe(sim.tenant.defaultDomain);
    await expect(page.getByTestId('tenant-people').textContent()).resolves.toBe(`${everyone.length} people synced`);
    await expect(page.getByTestId('sync-result').getAttribute('data-full')).resolves.toBe('true');
    await expect(page.getByTestId('sync-result').textContent()).resolves.toContain(
      `Added ${everyone.length} · Updated 0 · Removed 0 · ${everyone.length} people`,
    );
    await expect(page.getByTestId('tenant-scope').getAttribute('data-kind')).resolves.toBe('all');
    await expect(page.getByTestId('tenant-scope').textContent()).resolves.toBe('Whole tenant');
    await page.getByTestId('permissions-ok').waitFor(); // the demo app is consented to everything
    await expect(page.getByTestId('permissions-granted').textContent()).resolves.toBe(
      `${REQUIRED_PERMISSIONS.length} of ${REQUIRED_PERMISSIONS.length} granted`,
    );
    await expect(page.getByTestId('permissions-missing').count()).resolves.toBe(0);
    // The demo tenant is connected once: the button to connect it is gone.
    await expect(page.getByTestId('tenant-connect-demo').count()).resolves.toBe(0);
    await page.screenshot({ path: artifactPath('tenants-connected.png'), fullPage: true });

    // --- 2. Only one security group: a plain security group (not dynamic, not mail-enabled) that nests another group,
    // so that its users are its transitive members rather than only its direct ones.
    const transitiveUsers = (g: SimGroup) => sim.state.transitiveMembers(g.id).filter((id) => sim.state.user(id)).sort();
    const candidates = sim.state.groupOrder.filter(
      (g) =>
        !g.deletedDateTime &&
        g.securityEnabled &&
        !g.mailEnabled &&
        g.groupTypes.length === 0 &&
        !g.membershipRule &&
        transitiveUsers(g).length >= 3 &&
        transitiveUsers(g).length <= 15,
    );
    const group = candidates.find((g) => sim.state.memberIds(g.id).some((m) => sim.state.groups.has(m)));
    expect(group).toBeDefined();
    const members = transitiveUsers(group!);
    expect(sim.groupState(group!.id)!.kind).toBe('security');
    expect(members.length).toBeLessThan(everyone.length);
    const directUsers = sim.state.memberIds(group!.id).filter((id) => sim.state.user(id));
    expect(directUsers.length).toBeLessThan(members.length); // some come only through the nested group

    await page.getByTestId('scope-group').click();
    await page.getByTestId('scope-group-id').fill(group!.id);
    await page.getByTestId('scope-save').click();
    await page.getByTestId('scope-saved').waitFor();
    await expect(page.getByTestId('tenant-scope').getAttribute('data-kind')).resolves.toBe('group');
    await expect(page.getByTestId('tenant-scope').textContent()).resolves.toBe(`Members of ${group!.displayName}`);
    expect(await tenantRow(tenantRef)).toMatchObject({ scope_kind: 'group', scope_group_id: group!.id, scope_group_name: group!.displayName });
    // Saving the scope alone syncs nobody: the employees stay until the next sync.
    expect(await currentEmployees(tenantRef)).toEqual(everyone);

    const before = (await tenantRow(tenantRef)).sync_finished_at as Date;
    await watchSyncStates(page);
    await page.getByTestId('tenant-sync-now').click();
    await waitForSyncedCount(page, members.length);
    const states = await seenSyncStates(page);
    expect(states.some((s) => s === 'queued' || s === 'running')).toBe(true);
    expect(states.at(-1)).toBe('succeeded');
    const afterGroupSync = await tenantRow(tenantRef);
    expect(new Date(afterGroupSync.sync_finished_at).getTime()).toBeGreaterThan(new Date(before).getTime());
    expect(afterGroupSync.sync_state).toBe('succeeded');

    // Exactly the group's transitive user members remain; everyone else is marked removed, not deleted.
    expect(await currentEmployees(tenantRef)).toEqual(members);
    const rows = await allEmployeeRows(tenantRef);
    expect(rows.map((r) => r.object_id).sort()).toEqual(everyone);
    expect(rows.filter((r) => r.removed_at !== null).map((r) => r.object_id).sort()).toEqual(everyone.filter((id) => !members.includes(id)));
    await expect(page.getByTestId('tenant-people').textContent()).resolves.toBe(`${members.length} people synced`);
    await expect(page.getByTestId('sync-result').getAttribute('data-full')).resolves.toBe('true'); // a new scope is read in full
    await expect(page.getByTestId('sync-result').textContent()).resolves.toContain(
      `Added 0 · Updated ${members.length} · Removed ${everyone.length - members.length} · ${members.length} people`,
    );
    await page.screenshot({ path: artifactPath('tenants-group-scope.png'), fullPage: true });

    // --- 3. A group id that does not exist in the tenant: a clear error, and nothing changes.
    const unknownGroup = randomUUID();
    expect(sim.state.group(unknownGroup)).toBeUndefined();
    const auditCount = async () =>
      Number((await app.store.pool.query(`SELECT count(*) AS n FROM audit_events WHERE action = 'tenant.scope_changed'`)).rows[0].n);
    const auditBefore = await auditCount();
    const rowBefore = await tenantRow(tenantRef);
    await page.getByTestId('scope-group-id').fill(unknownGroup);
    await page.getByTestId('scope-save').click();
    const editor = page.getByTestId('tenant-scope-editor');
    await editor.getByTestId('error-bar').waitFor();
    await expect(editor.getByTestId('error-bar').textContent()).resolves.toContain('Couldn\'t change who syncs');
    await expect(editor.getByTestId('error-message').textContent()).resolves.toBe(
      `No group with id ${unknownGroup} exists in ${sim.tenant.displayName}.`,
    );
    await expect(page.getByTestId('scope-saved').count()).resolves.toBe(0);
    await expect(page.getByTestId('tenant-scope').getAttribute('data-kind')).resolves.toBe('group');
    await expect(page.getByTestId('tenant-scope').textContent()).resolves.toBe(`Members of ${group!.displayName}`);
    await expect(page.getByTestId('tenant-people').getAttribute('data-count')).resolves.toBe(String(members.length));
    expect(await tenantRow(tenantRef)).toEqual(rowBefore);
    expect(await currentEmployees(tenantRef)).toEqual(members);
    expect(await auditCount()).toBe(auditBefore);
    await page.screenshot({ path: artifactPath('tenants-unknown-group.png'), fullPage: true });

    expect(problems).toEqual([]);
  }
});
