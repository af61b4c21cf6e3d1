/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Offramp } from '../../server/main.js';
import type { PlanStep, Run } from '../../server/offboarding/contract.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { artifactPath, screenshotWhole, signInInBrowser, withAppAndBrowser } from '../support/browser.js';
import { json } from '../support/json.js';
import { connectDemoTenant, employeeId, runsUrl } from '../support/offboarding.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

/**
 * The offboarding pages, used as people would: a Manager asks for an offboarding through the
 * wizard, the owner approves it and watches it run live, a run that fails is retried and undone,
 * the list is filtered, and the approval rules are changed. Each step is checked on the page,
 * in the simulated tenant, and in the API and database.
 */
describe('the offboarding pages in Chromium: the wizard, a live run, a failure retried and undone, the list and the settings', () => {
  let app: Offramp;
  let browser: Browser;
  // A failing step is tried three times: quickly, here.
  withAppAndBrowser((a, b) => ([app, browser] = [a, b]), { OFFBOARDING_STEP_RETRY_MS: '50' });

  /** Page errors (a failure) and console errors (reported). */
  const problems: string[] = [];
  const consoleErrors: string[] = [];
  const contexts: { name: string; page: Page; context: BrowserContext }[] = [];

  /** A browser of this person's own, signed in through the sign-in page; page errors are collected. */
  async function personInBrowser(name: string, upn: string, startPath: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`${name}: page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`${name}: ${msg.text()} (${msg.location().url})`);
    });
    page.on('requestfailed', (req) => consoleErrors.push(`${name}: request failed: ${req.url()} ${req.failure()?.errorText}`));
    contexts.push({ name, page, context });
    await signInInBrowser(page, app.url, upn, startPath);
    return page;
  }

  it('a Manager asks through the wizard, the owner approves and it runs live; a failing step is retried, the run undone; the list filters; the settings save', async () => {
    try {
      await story();
    } catch (err) {
      // What each page showed when it went wrong, for whoever reads the failure.
      for (const c of contexts) await screenshotWhole(c.page, artifactPath(`offboarding-failure-${c.name}.png`)).catch(() => undefined);
      if (problems.length + consoleErrors.length > 0) console.error('The pages reported:', [...problems, ...consoleErrors].join('\n'));
      throw err;
    } finally {
      for (const c of contexts) await c.context.close();
    }
  }, 120_000);

  async function story() {
    const sim: Simulator = app.simulator!;
    const org: TestOrg = await makeOrg(app, 'Contoso Offboarding', 0);
    const tenantRef = await connectDemoTenant(org);
    const members = new Set([0, 1, 2, 3].map((i) => sim.users()[i]!.id));
    const used = new Set<string>();

    /** Someone to offboard: cloud-only, enabled, with a mailbox and a manager, not a member of the organisation. */
    const person = (extra: (u: DirUser) => boolean): DirUser => {
      const u = sim
        .users()
        .find(
          (x) =>
            x.kind === 'person' &&
            !x.onPremisesSyncEnabled &&
            x.accountEnabled &&
            x.managerId &&
            sim.findUser(x.managerId)?.mail &&
            sim.state.mailbox(x.id) &&
            !members.has(x.id) &&
            !used.has(x.id) &&
            extra(x),
        );
      if (!u) throw new Error('no such person in the seeded tenant');
      used.add(u.id);
      return u;
    };
    const leaver = person((x) => sim.state.managedDevicesOf(x.id).length > 0 && sim.state.memberOf(x.id).length > 0 && sim.state.licenceStates(x).length > 0);
    const leaverManager = sim.findUser(leaver.managerId!)!;
    const before = sim.userState(leaver.id)!;
    expect(before.user.accountEnabled).toBe(true);
    expect(before.mailbox!.type).toBe('UserMailbox');

    const runRow = async (runId: string) =>
      (await app.store.pool.query('SELECT state, plan, requested_by, approved_by, password IS NOT NULL AS has_password FROM offboarding_runs WHERE id = $1', [runId])).rows[0];
    const stepRows = async (runId: string, phase: 'do' | 'undo') =>
      (await app.store.pool.query('SELECT task, state, attempts FROM offboarding_steps WHERE run_id = $1 AND phase = $2 ORDER BY seq', [runId, phase])).rows as { task: string; state: string; attempts: number }[];
    const apiRun = async (runId: string): Promise<Run> => json(await org.as.admin.fetch(runsUrl(org.id, `/${runId}`)));

    // ------------------------------------------------------------------------------------------
    // 1. The Manager, in a browser of their own, asks for the offboarding through the wizard.
    // Each person signs in in a browser of their own (all at once: it is the slow part).
    const [manager, owner, viewer] = await Promise.all([
      personInBrowser('manager', org.as.manager.user.userPrincipalName, '/tabs/new'),
      personInBrowser('owner', org.owner.user.userPrincipalName, '/tabs/queue'),
      personInBrowser('viewer', org.as.viewer.user.userPrincipalName, '/tabs/queue'),
    ]);
    const wizardAt = async (id: string) => {
      await manager.locator(`[data-testid="wizard-panel"][data-step="${id}"]`).waitFor();
      await expect(manager.getByTestId(`wizard-step-${id}`).getAttribute('data-state')).resolves.toBe('current');
    };

    // Tenant: the demo tenant, the only one connected.
    await wizardAt('tenant');
    const tenantOption = manager.locator(`[data-testid="tenant-option"][data-tenant-id="${tenantRef}"]`);
    await tenantOption.click();
    await expect(tenantOption.isChecked()).resolves.toBe(true);
    await expect(manager.getByTestId('tenant-option').count()).resolves.toBe(1);
    await screenshotWhole(manager, artifactPath('offboarding-wizard-tenant.png'));
    await manager.getByTestId('wizard-next').click();

    // People: one person, found by name.
    await wizardAt('people');
    await expect(manager.getByTestId('wizard-step-tenant').getAttribute('data-state')).resolves.toBe('done');
    await expect(manager.getByTestId('wizard-next').isDisabled()).resolves.toBe(true);
    await manager.getByTestId('person-search').fill(leaver.displayName);
    // The search has answered: only people of that name are listed.
    await manager.waitForFunction((name) => {
      const rows = [...document.querySelectorAll('[data-testid="person-row"]')];
      return rows.length > 0 && rows.every((r) => r.textContent!.includes(name));
    }, leaver.displayName);
    const leaverRow = manager.locator(`[data-testid="person-row"][data-upn="${leaver.userPrincipalName}"]`);
    await leaverRow.click();
    await manager.locator(`[data-testid="person-row"][data-upn="${leaver.userPrincipalName}"][data-selected="true"]`).waitFor();
    await expect(manager.getByTestId('people-selected').getAttribute('data-count')).resolves.toBe('1');
    await expect(leaverRow.textContent()).resolves.toContain(leaverManager.displayName);
    await expect(leaverRow.textContent()).resolves.toContain(`${before.managedDevices.length} device`);
    await screenshotWhole(manager, artifactPath('offboarding-wizard-people.png'));
    await manager.getByTestId('wizard-next').click();

    // Tasks: the tenant's default plan preselected (nobody changed it: the built-in one).
    await wizardAt('tasks');
    const template = await json(await org.as.manager.fetch(`/api/v1/orgs/${org.id}/tenants/${tenantRef}/template`));
    expect(template.customised).toBe(false);
    const defaultTasks = (template.steps as PlanStep[]).map((s) => s.task);
    expect(defaultTasks).toEqual([
      'disable_sign_in', 'revoke_sessions', 'reset_password', 'remove_groups', 'remove_licences', 'convert_to_shared', 'forward_mail', 'retire_devices', 'remove_teams', 'notify_manager',
    ]);
    await expect(manager.getByTestId('template-source').textContent()).resolves.toContain('built-in default plan');
    const enabledTasks = () =>
      manager.locator('[data-testid^="task-"][data-enabled="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace(/^task-/, '')));
    expect((await enabledTasks()).sort()).toEqual([...defaultTasks].sort());
    const catalogueSize = (await json(await org.as.manager.fetch(`/api/v1/orgs/${org.id}/offboarding/tasks`))).length;
    await expect(manager.getByTestId('plan-count').textContent()).resolves.toBe(`${defaultTasks.length} of ${catalogueSize} tasks chosen`);

    // Wipe instead of retire: the second confirmation asks first, and only "yes" changes it.
    const action = manager.getByTestId('option-retire_devices-action');
    await expect(action.inputValue()).resolves.toBe('retire');
    await action.selectOption('wipe');
    await manager.getByTestId('wipe-confirm-dialog').waitFor();
    await expect(manager.getByTestId('wipe-confirm-dialog').textContent()).resolves.toContain(`Wipe erases every device of ${leaver.displayName}`);
    await manager.screenshot({ path: artifactPath('offboarding-wizard-wipe-confirm.png'), animations: 'disabled' });
    await manager.getByTestId('wipe-confirm').click();
    await manager.getByTestId('wipe-confirm-dialog').waitFor({ state: 'detached' });
    await expect(action.inputValue()).resolves.toBe('wipe');

    // And the out-of-office replies.
    await manager.getByTestId('task-toggle-set_auto_reply').click();
    await manager.locator('[data-testid="task-set_auto_reply"][data-enabled="true"]').waitFor();
    await expect(manager.getByTestId('option-set_auto_reply-internalMessage').inputValue()).resolves.toContain('{name} has left {organisation}');
    await expect(manager.getByTestId('plan-count').textContent()).resolves.toBe(`${defaultTasks.length + 1} of ${catalogueSize} tasks chosen`);
    await expect(manager.getByTestId('template-source').textContent()).resolves.toContain('You changed it for this offboarding.');
    await expect(manager.getByTestId('wizard-problems').count()).resolves.toBe(0);
    await screenshotWhole(manager, artifactPath('offboarding-wizard-tasks.png'));
    await manager.getByTestId('wizard-next').click();

    // Preview: what would change, read from the tenant; nothing changes yet.
    await wizardAt('preview');
    const mutationsBefore = sim.mutations().length;
    await manager.getByTestId('preview').waitFor();
    const previewItems = (task: string) =>
      manager.locator(`[data-testid="preview-step"][data-task="${task}"] li`).evaluateAll((els) => els.map((e) => e.querySelector('span')?.textContent ?? ''));
    const previewTasks = await manager.locator('[data-testid="preview-step"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-task')));
    expect([...previewTasks].sort()).toEqual([...defaultTasks, 'set_auto_reply'].sort());
    await expect(manager.locator('[data-testid="preview-step"][data-blocked="true"]').count()).resolves.toBe(0);
    const removableGroups = before.memberOf.filter((g) => g.kind !== 'dynamic' && !sim.state.groups.get(g.id)!.onPremisesSyncEnabled);
    expect((await previewItems('remove_groups')).sort()).toEqual(removableGroups.map((g) => g.displayName).sort());
    expect((await previewItems('remove_licences')).sort()).toEqual(before.licences.map((l) => l.skuPartNumber).sort());
    expect((await previewItems('retire_devices')).sort()).toEqual(before.managedDevices.map((d) => d.deviceName).sort());
    await expect(manager.locator('[data-testid="preview-step"][data-task="retire_devices"]').textContent()).resolves.toContain(`Wipe ${before.managedDevices.length} device(s).`);
    await expect(manager.locator('[data-testid="preview-step"][data-task="forward_mail"]').textContent()).resolves.toContain(`Forward new mail to ${leaverManager.displayName}`);
    expect(sim.mutations().length).toBe(mutationsBefore);
    await screenshotWhole(manager, artifactPath('offboarding-wizard-preview.png'));
    await manager.getByTestId('wizard-next').click();

    // When: now (as soon as it is approved); send it for approval.
    await wizardAt('when');
    await manager.getByTestId('when-now').click();
    await expect(manager.getByTestId('when-now').isChecked()).resolves.toBe(true);
    const summary = await manager.getByTestId('wizard-summary').textContent();
    expect(summary).toContain(`${leaver.displayName} (${leaver.userPrincipalName})`);
    expect(summary).toContain(`${defaultTasks.length + 1} tasks (changed from the default plan)`);
    expect(summary).toContain('As soon as it is approved');
    await expect(manager.getByTestId('wizard-submit').textContent()).resolves.toBe('Send for approval');
    await screenshotWhole(manager, artifactPath('offboarding-wizard-when.png'));
    await manager.getByTestId('wizard-submit').click();

    // The Run page: awaiting approval, which a Manager cannot give.
    await manager.waitForURL((url) => /^\/tabs\/offboardings\/[0-9a-f-]{36}$/.test(url.pathname));
    const runId = new URL(manager.url()).pathname.split('/').pop()!;
    await manager.locator('[data-testid="run-header"][data-state="awaiting_approval"]').waitFor();
    await expect(manager.getByTestId('run-state').textContent()).resolves.toBe('Awaiting approval');
    await expect(manager.getByTestId('run-person').textContent()).resolves.toBe(leaver.displayName);
    await expect(manager.getByTestId('run-approve').count()).resolves.toBe(0);
    await expect(manager.locator('[data-testid="run-step"][data-state="pending"]').count()).resolves.toBe(defaultTasks.length + 1);
    await screenshotWhole(manager, artifactPath('offboarding-run-awaiting.png'));
    const asked = await runRow(runId);
    expect(asked).toMatchObject({ state: 'awaiting_approval', requested_by: org.memberIds.manager, approved_by: null });
    const plan = asked.plan as PlanStep[];
    expect(plan.map((s) => s.task).sort()).toEqual([...defaultTasks, 'set_auto_reply'].sort());
    expect(plan.find((s) => s.task === 'retire_devices')!.options).toEqual({ action: 'wipe', confirmWipe: true });
    expect(sim.userState(leaver.id)!.user.accountEnabled).toBe(true); // nothing happens before approval

    // ------------------------------------------------------------------------------------------
    // 2. The owner finds it in the list, approves it and watches it run, without reloading.
    await owner.getByTestId('nav-offboardings').click();
    const listRow = owner.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await expect(listRow.getAttribute('data-state')).resolves.toBe('awaiting_approval');
    await listRow.click();
    await owner.waitForURL((url) => url.pathname === `/tabs/offboardings/${runId}`);
    await owner.getByTestId('run-approve').waitFor();
    await owner.locator('[data-testid="run-live"][data-live="stream"]').waitFor();
    // Every step state the rows show from now on, and a mark that a reload would wipe.
    await owner.evaluate(() => {
      const w = window as unknown as { __steps: Record<string, string[]>; __sameDocument: boolean };
      w.__sameDocument = true;
      w.__steps = {};
      const record = () => {
        for (const row of document.querySelectorAll('[data-testid="run-step"][data-phase="do"]')) {
          const seen = (w.__steps[row.getAttribute('data-task')!] ??= []);
          const state = row.getAttribute('data-state')!;
          if (seen[seen.length - 1] !== state) seen.push(state);
        }
      };
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    });
    await owner.getByTestId('run-approve').click();
    await owner.locator('[data-testid="run-header"][data-state="succeeded"]').waitFor({ timeout: 45_000 });
    await expect(owner.getByTestId('run-state').textContent()).resolves.toBe('Succeeded');
    const seen = await owner.evaluate(() => {
      const w = window as unknown as { __steps: Record<string, string[]>; __sameDocument?: boolean };
      return { steps: w.__steps, same: w.__sameDocument === true };
    });
    expect(seen.same).toBe(true);
    expect(Object.keys(seen.steps).sort()).toEqual([...defaultTasks, 'set_auto_reply'].sort());
    for (const states of Object.values(seen.steps)) {
      expect(states[0]).toBe('pending');
      expect(states.at(-1)).toBe('succeeded');
    }
    await expect(owner.locator('[data-testid="run-step"]:not([data-state="succeeded"])').count()).resolves.toBe(0);

    // The tenant shows the changes.
    const after = sim.userState(leaver.id)!;
    expect(after.user.accountEnabled).toBe(false);
    expect(after.mailbox).toMatchObject({ type: 'SharedMailbox', deliverToMailboxAndForward: true });
    expect(after.mailbox!.forwardingSmtpAddress?.replace(/^smtp:/i, '').toLowerCase()).toBe(leaverManager.mail!.toLowerCase());
    expect(after.mailbox!.autoReply).toMatchObject({ state: 'Enabled', internalMessage: expect.stringContaining(`${leaver.displayName} has left Contoso Offboarding`) });
    expect(after.mailbox!.autoReply.internalMessage).toContain(leaverManager.displayName);
    expect(after.managedDevices.length).toBe(before.managedDevices.length);
    expect(after.managedDevices.every((d) => d.managementState === 'wipePending')).toBe(true);
    expect(after.licences).toEqual([]);
    expect(await stepRows(runId, 'do')).toEqual(expect.arrayContaining(plan.map((s) => expect.objectContaining({ task: s.task, state: 'succeeded' }))));
    expect(await runRow(runId)).toMatchObject({ state: 'succeeded', approved_by: org.memberIds.owner, has_password: true });

    // The new password, once: shown in the dialog, then neither offered nor kept.
    await owner.getByTestId('run-reveal-password').click();
    await owner.getByTestId('password-dialog').waitFor();
    const password = await owner.getByTestId('password-value').inputValue();
    expect(password).toMatch(/^.{20}$/);
    await owner.screenshot({ path: artifactPath('offboarding-password.png'), animations: 'disabled' });
    await owner.getByTestId('password-close').click();
    await owner.getByTestId('password-dialog').waitFor({ state: 'detached' });
    await owner.locator('[data-testid="run-actions"]').waitFor();
    await owner.waitForFunction(() => !document.querySelector('[data-testid="run-reveal-password"]'));
    expect(await runRow(runId)).toMatchObject({ has_password: false });
    expect((await org.owner.fetch(runsUrl(org.id, `/${runId}/password`), { method: 'POST', json: {} })).status).toBe(410);

    // The compliance report: the link answers a PDF, and clicking it downloads one.
    const href = await owner.getByTestId('run-report').getAttribute('href');
    expect(href).toBe(`/api/v1/orgs/${org.id}/offboarding/runs/${runId}/report.pdf`);
    const pdf = await owner.request.get(new URL(href!, app.url).toString());
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const [download] = await Promise.all([owner.waitForEvent('download'), owner.getByTestId('run-report').click()]);
    expect(download.suggestedFilename()).toMatch(/^offboarding-.*\.pdf$/);
    await screenshotWhole(owner, artifactPath('offboarding-run-succeeded.png'));

    // ------------------------------------------------------------------------------------------
    // 3. A run whose mailbox conversion keeps failing: the error in red, its dependents skipped with the reason.
    const second = person((x) => sim.state.licenceStates(x).some((l) => !l.assignedByGroup));
    const secondBefore = sim.userState(second.id)!;
    const failingPlan: PlanStep[] = [
      { task: 'disable_sign_in', options: {} },
      { task: 'convert_to_shared', options: {} },
      { task: 'remove_licences', options: {} },
      { task: 'notify_manager', options: {} },
    ];
    const createdRes = await org.as.manager.fetch(runsUrl(org.id), { method: 'POST', json: { employeeId: await employeeId(app, org.id, second.id), steps: failingPlan, when: { kind: 'now' } } });
    expect(createdRes.status).toBe(201);
    const failing = (await json(createdRes)) as Run;
    expect(failing.state).toBe('awaiting_approval');
    await owner.getByRole('link', { name: 'All offboardings' }).first().click();
    await owner.locator(`[data-testid="run-row"][data-run-id="${failing.id}"][data-state="awaiting_approval"]`).click();
    await owner.waitForURL((url) => url.pathname === `/tabs/offboardings/${failing.id}`);
    await owner.getByTestId('run-approve').waitFor();
    sim.configure({ faults: { rate: 1, kinds: ['503'], match: 'Set-Mailbox', services: ['exchange'], retryAfterSeconds: 0 } });
    try {
      await owner.getByTestId('run-approve').click();
      await owner.locator('[data-testid="run-header"][data-state="partially_failed"]').waitFor({ timeout: 45_000 });
    } finally {
      sim.configure({ faults: null });
    }
    const stepOf = (task: string, phase = 'do') => owner.locator(`[data-testid="run-step"][data-phase="${phase}"][data-task="${task}"]`);
    await expect(stepOf('disable_sign_in').getAttribute('data-state')).resolves.toBe('succeeded');
    await expect(stepOf('convert_to_shared').getAttribute('data-state')).resolves.toBe('failed');
    const error = stepOf('convert_to_shared').getByTestId('run-step-error');
    await expect(error.textContent()).resolves.toMatch(/Microsoft 365/);
    const errorColour = await error.evaluate((e) => getComputedStyle(e).color);
    const [r, g, b] = errorColour.match(/\d+/g)!.map(Number);
    expect(r! > 150 && g! < 100 && b! < 100).toBe(true); // red
    const failedApi = await apiRun(failing.id);
    expect(failedApi.steps.find((s) => s.task === 'convert_to_shared')).toMatchObject({ state: 'failed', attempts: 3 });
    await expect(error.textContent()).resolves.toBe(failedApi.steps.find((s) => s.task === 'convert_to_shared')!.error);
    for (const task of ['remove_licences', 'notify_manager']) {
      await expect(stepOf(task).getAttribute('data-state')).resolves.toBe('skipped');
      const reason = failedApi.steps.find((s) => s.task === task)!.skippedReason!;
      // Named among every step it follows that did not succeed (notify_manager follows both).
      expect(reason).toMatch(/^“Convert mailbox to shared”( and “[^”]+”)* did not succeed, and this step must follow (it|them)\.$/);
      await expect(stepOf(task).textContent()).resolves.toContain(reason);
    }
    await expect(owner.getByTestId('run-state').textContent()).resolves.toBe('Partly failed');
    expect(sim.userState(second.id)!.mailbox!.type).toBe('UserMailbox');
    expect(sim.userState(second.id)!.licences.length).toBe(secondBefore.licences.length);
    await screenshotWhole(owner, artifactPath('offboarding-run-failed.png'));

    // The faults are gone: retry the failed step; it and the skipped steps run and the page shows it.
    await stepOf('convert_to_shared').getByTestId('run-step-retry').click();
    await owner.locator('[data-testid="run-header"][data-state="succeeded"]').waitFor({ timeout: 30_000 });
    for (const s of failingPlan) await expect(stepOf(s.task).getAttribute('data-state')).resolves.toBe('succeeded');
    await expect(stepOf('convert_to_shared').getByTestId('run-step-error').count()).resolves.toBe(0);
    await expect(stepOf('convert_to_shared').textContent()).resolves.toContain('4 attempts');
    expect(sim.userState(second.id)!.mailbox!.type).toBe('SharedMailbox');
    expect(sim.userState(second.id)!.licences).toEqual([]);
    expect(sim.userState(second.id)!.user.accountEnabled).toBe(false);

    // Undo, after the confirmation: the undo history lists each undo step; the tenant is put back.
    await owner.getByTestId('run-undo').click();
    await owner.getByTestId('undo-dialog').waitFor();
    await expect(owner.getByTestId('undo-dialog').textContent()).resolves.toContain('These cannot be put back');
    await owner.getByTestId('undo-confirm').click();
    await owner.getByTestId('undo-history').waitFor();
    await owner.locator('[data-testid="run-header"][data-state="partially_undone"]').waitFor({ timeout: 30_000 });
    const undoRows = await owner
      .getByTestId('undo-history')
      .locator('[data-testid="run-step"][data-phase="undo"]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-task'), e.getAttribute('data-state')]));
    expect(Object.fromEntries(undoRows)).toEqual({ disable_sign_in: 'succeeded', convert_to_shared: 'succeeded', remove_licences: 'succeeded', notify_manager: 'skipped' });
    await expect(stepOf('notify_manager', 'undo').textContent()).resolves.toContain('Skipped: Not undoable');
    await expect(owner.getByTestId('run-state').textContent()).resolves.toBe('Partly undone');
    expect((await stepRows(failing.id, 'undo')).map((s) => [s.task, s.state]).sort()).toEqual(undoRows.sort());
    const secondAfter = sim.userState(second.id)!;
    expect(secondAfter.user.accountEnabled).toBe(true);
    expect(secondAfter.mailbox!.type).toBe('UserMailbox');
    expect(secondAfter.licences.map((l) => l.skuId).sort()).toEqual(secondBefore.licences.map((l) => l.skuId).sort());
    await screenshotWhole(owner, artifactPath('offboarding-run-undone.png'));

    // ------------------------------------------------------------------------------------------
    // 4. The Offboardings list: both runs with their states; the state filter narrows it.
    await owner.getByRole('link', { name: 'All offboardings' }).first().click();
    await owner.waitForURL((url) => url.pathname === '/tabs/offboardings');
    await owner.getByTestId('runs-table').waitFor();
    const listed = () => owner.locator('[data-testid="run-row"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-run-id'), e.getAttribute('data-state')]));
    expect(await listed()).toEqual([
      [failing.id, 'partially_undone'],
      [runId, 'succeeded'],
    ]);
    await expect(owner.getByTestId('runs-count').textContent()).resolves.toBe('1–2 of 2');
    await expect(owner.locator(`[data-testid="run-row"][data-run-id="${runId}"] [data-testid="run-progress"]`).getAttribute('data-done')).resolves.toBe(String(plan.length));
    await screenshotWhole(owner, artifactPath('offboarding-list.png'));
    await owner.getByTestId('runs-filter-state').selectOption('succeeded');
    await owner.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 1);
    expect(await listed()).toEqual([[runId, 'succeeded']]);
    await expect(owner.getByTestId('runs-count').textContent()).resolves.toBe('1–1 of 1');
    expect(new URL(owner.url()).searchParams.get('state')).toBe('succeeded');
    await screenshotWhole(owner, artifactPath('offboarding-list-filtered.png'));
    await owner.getByTestId('runs-filter-state').selectOption('undoing');
    await owner.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 0);
    await owner.getByTestId('runs-filter-clear').click();
    await owner.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 2);

    // ------------------------------------------------------------------------------------------
    // 5. The settings: the owner lets approvers approve their own requests; a Viewer only reads them.
    await owner.getByTestId('nav-settings').click();
    const own = owner.getByTestId('settings-allowApproveOwn');
    await own.waitFor();
    await expect(own.isChecked()).resolves.toBe(false);
    await expect(owner.getByTestId('settings-save').isDisabled()).resolves.toBe(true);
    await own.click();
    await expect(own.isChecked()).resolves.toBe(true);
    await owner.getByTestId('settings-save').click();
    await owner.getByTestId('settings-saved').waitFor();
    const settingsRow = async () =>
      (await app.store.pool.query('SELECT require_approval, allow_approve_own, propose_from_leave_date FROM offboarding_settings WHERE org_id = $1', [org.id])).rows[0];
    expect(await settingsRow()).toEqual({ require_approval: true, allow_approve_own: true, propose_from_leave_date: false });
    await owner.reload();
    await owner.getByTestId('settings-allowApproveOwn').waitFor();
    await expect(owner.getByTestId('settings-allowApproveOwn').isChecked()).resolves.toBe(true);
    await expect(owner.getByTestId('settings-requireApproval').isChecked()).resolves.toBe(true);
    await owner.getByTestId('template-status').waitFor();
    await screenshotWhole(owner, artifactPath('offboarding-settings.png'));

    await viewer.getByTestId('nav-settings').click();
    await viewer.getByTestId('settings-allowApproveOwn').waitFor();
    await expect(viewer.getByTestId('settings-allowApproveOwn').isChecked()).resolves.toBe(true);
    for (const key of ['requireApproval', 'allowApproveOwn', 'proposeFromLeaveDate']) await expect(viewer.getByTestId(`settings-${key}`).isDisabled()).resolves.toBe(true);
    await expect(viewer.getByTestId('settings-approval').textContent()).resolves.toContain('Only owners and admins can change these.');
    await expect(viewer.getByTestId('settings-save').count()).resolves.toBe(0);
    await viewer.getByTestId('template-status').waitFor();
    await expect(viewer.getByTestId('template-save').count()).resolves.toBe(0);
    await expect(viewer.getByTestId('task-toggle-disable_sign_in').isDisabled()).resolves.toBe(true);
    await screenshotWhole(viewer, artifactPath('offboarding-settings-viewer.png'));
    // And the API agrees: a Viewer's save is refused, the row unchanged.
    expect(
      (await org.as.viewer.fetch(`/api/v1/orgs/${org.id}/offboarding/settings`, { method: 'PUT', json: { requireApproval: false, allowApproveOwn: false, proposeFromLeaveDate: false } })).status,
    ).toBe(403);
    expect(await settingsRow()).toEqual({ require_approval: true, allow_approve_own: true, propose_from_leave_date: false });

    expect(problems).toEqual([]);
  }
});
