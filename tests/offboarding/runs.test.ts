import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Offramp } from '../../server/main.js';
import type { PlanStep, Run, TaskInfo } from '../../server/offboarding/contract.js';
import { TASK_IDS } from '../../server/offboarding/contract.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { startTestApp } from '../support/app.js';
import { json } from '../support/json.js';
import { connectDemoTenant, employeeId, runsUrl, waitForRun } from '../support/offboarding.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

const run = promisify(execFile);

/**
 * Offboarding runs end to end through the real API, the job queue and the engine, against the
 * simulated tenant: each test asserts what the tenant looks like afterwards.
 */
describe('offboarding runs', () => {
  let app: Offramp;
  let sim: Simulator;
  let org: TestOrg;
  let tenantRef: string;
  const used = new Set<string>();

  beforeAll(async () => {
    app = await startTestApp({ SIMULATOR_USERS: '60', OFFBOARDING_STEP_RETRY_MS: '50', OFFBOARDING_LEASE_MS: '2000' });
    sim = app.simulator!;
    sim.configure({ latency: 0 });
    org = await makeOrg(app, 'Runs Co', 0);
    tenantRef = await connectDemoTenant(org);
  });
  afterAll(() => app?.close());

  /** A person no other test has used: cloud-only, enabled, with a mailbox and a manager. */
  function person(extra: (u: DirUser) => boolean = () => true): DirUser {
    const u = sim
      .users()
      .find((x) => x.kind === 'person' && !x.onPremisesSyncEnabled && x.accountEnabled && x.managerId && sim.state.mailbox(x.id) && !used.has(x.id) && extra(x));
    if (!u) throw new Error('no such person left in the seeded tenant');
    used.add(u.id);
    return u;
  }
  const state = (u: DirUser) => sim.userState(u.id)!;
  const url = (rest = '') => runsUrl(org.id, rest);
  const allTasks = async (): Promise<TaskInfo[]> => json(await org.as.admin.fetch(`/api/v1/orgs/${org.id}/offboarding/tasks`));
  const fullPlan = async (): Promise<PlanStep[]> =>
    (await allTasks()).map((t) => ({ task: t.id, options: t.id === 'retire_devices' ? { action: 'wipe', confirmWipe: true } : {} }));

  async function create(as: keyof TestOrg['as'], body: Record<string, unknown>): Promise<Run> {
    const res = await org.as[as].fetch(url(), { method: 'POST', json: body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    return json(res);
  }
  const post = (as: keyof TestOrg['as'], runId: string, action: string, body: unknown = {}) => org.as[as].fetch(url(`/${runId}/${action}`), { method: 'POST', json: body });

  it('describes every task of the catalogue: reads, changes, idempotency, undo, order and permission', async () => {
    const tasks = await allTasks();
    expect(tasks.map((t) => t.id).sort()).toEqual([...TASK_IDS].sort());
    for (const t of tasks) {
      expect(t.title).toBeTruthy();
      expect(t.reads).toBeTruthy();
      expect(t.changes).toBeTruthy();
      expect(t.idempotent).toBeTruthy();
      expect(['full', 'partial', 'none']).toContain(t.undo.kind);
      expect(t.permissions.length).toBeGreaterThan(0);
    }
    const byId = new Map(tasks.map((t) => [t.id, t]));
    expect(byId.get('remove_licences')!.after).toContain('convert_to_shared');
    expect(byId.get('delete_user')!.after).toHaveLength(TASK_IDS.length - 1);
    expect(byId.get('retire_devices')!.confirmation).toMatch(/confirm/i);
    expect(byId.get('retire_devices')!.undo.kind).toBe('none');
  });

  it('starts from a default nine-step plan per tenant, which an Admin can change and a Manager cannot', async () => {
    const tplUrl = `/api/v1/orgs/${org.id}/tenants/${tenantRef}/template`;
    const t = await json(await org.as.manager.fetch(tplUrl));
    expect(t.customised).toBe(false);
    expect(t.steps.map((s: PlanStep) => s.task)).toEqual([
      'disable_sign_in', 'revoke_sessions', 'reset_password', 'remove_groups', 'remove_licences', 'convert_to_shared', 'forward_mail', 'retire_devices', 'remove_teams', 'notify_manager',
    ]);
    expect(t.steps.find((s: PlanStep) => s.task === 'forward_mail').options).toEqual({ to: 'manager', keepCopy: true });
    expect((await org.as.manager.fetch(tplUrl, { method: 'PUT', json: { steps: t.steps } })).status).toBe(403);
    const bad = await org.as.admin.fetch(tplUrl, { method: 'PUT', json: { steps: [{ task: 'retire_devices', options: { action: 'wipe' } }] } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/confirmWipe/);
    const saved = await json(await org.as.admin.fetch(tplUrl, { method: 'PUT', json: { steps: [...t.steps, { task: 'set_auto_reply', options: { internalMessage: 'Gone: ask {manager}.' } }] } }));
    expect(saved.customised).toBe(true);
    expect(saved.steps.at(-1)).toMatchObject({ task: 'set_auto_reply', options: { internalMessage: 'Gone: ask {manager}.' } });
    // Back to the built-in default.
    expect((await org.as.manager.fetch(tplUrl, { method: 'DELETE' })).status).toBe(403);
    const reset = await json(await org.as.admin.fetch(tplUrl, { method: 'DELETE' }));
    expect(reset).toMatchObject({ customised: false, steps: t.steps });
  });

  it('previews exactly what would change, without changing anything', async () => {
    const u = person((x) => sim.state.memberOf(x.id).length > 0);
    const before = sim.mutations().length;
    const res = await org.as.manager.fetch(`/api/v1/orgs/${org.id}/offboarding/preview`, { method: 'POST', json: { employeeId: await employeeId(app, org.id, u.id), steps: await fullPlan() } });
    expect(res.status).toBe(200);
    const preview = await json(res);
    expect(sim.mutations().length).toBe(before);
    const st = state(u);
    const step = (id: string) => preview.steps.find((s: { task: string }) => s.task === id);
    const removable = st.memberOf.filter((g) => g.kind !== 'dynamic');
    expect(step('remove_groups').items.map((i: { id: string }) => i.id).sort()).toEqual(expect.arrayContaining(removable.filter((g) => !sim.state.groups.get(g.id)!.onPremisesSyncEnabled).map((g) => g.id).sort()));
    expect(step('remove_licences').items).toHaveLength(st.licences.length);
    expect(step('retire_devices').items.map((i: { id: string }) => i.id).sort()).toEqual(st.managedDevices.map((d) => d.id).sort());
    expect(step('forward_mail').summary).toContain(sim.findUser(u.managerId!)!.displayName);
    expect(preview.person.userPrincipalName).toBe(u.userPrincipalName);
  });

  it('runs the whole catalogue after approval, and the tenant shows every change', async () => {
    const u = person((x) => sim.state.memberOf(x.id).length > 0 && sim.state.managedDevicesOf(x.id).length > 0);
    const manager = sim.findUser(u.managerId!)!;
    const before = state(u);
    const created = await create('manager', { employeeId: await employeeId(app, org.id, u.id), steps: await fullPlan(), when: { kind: 'now' } });
    expect(created.state).toBe('awaiting_approval');
    expect(created.preview?.steps).toHaveLength(TASK_IDS.length);
    // Nothing happens before approval; a Manager cannot approve.
    expect((await post('manager', created.id, 'approve')).status).toBe(403);
    expect(state(u).user.accountEnabled).toBe(true);

    expect((await post('admin', created.id, 'approve')).status).toBe(200);
    const done = await waitForRun(org.as.admin, org.id, created.id, ['succeeded', 'failed', 'partially_failed']);
    expect(done.steps.filter((s) => s.state !== 'succeeded').map((s) => [s.task, s.state, s.error])).toEqual([]);
    expect(done.state).toBe('succeeded');
    expect(done.approvedBy?.name).toBeTruthy();
    for (const s of done.steps) {
      expect(s.attempts).toBeGreaterThanOrEqual(1);
      expect(s.startedAt && s.finishedAt).toBeTruthy();
    }
    expect(done.steps.find((s) => s.task === 'remove_groups')!.requestIds.length).toBeGreaterThan(0);

    const after = state(u);
    expect(after.deleted).toBe(true);
    expect(after.user.accountEnabled).toBe(false);
    expect(after.user.passwordSet).toBe(true);
    expect(after.memberOf.filter((g) => g.kind !== 'dynamic' && !sim.state.groups.get(g.id)!.onPremisesSyncEnabled)).toEqual([]);
    expect(after.licences).toEqual([]);
    expect(after.mailbox).toMatchObject({ type: 'SharedMailbox', hidden: true, deliverToMailboxAndForward: true });
    expect(after.mailbox!.forwardingSmtpAddress?.replace(/^smtp:/i, '').toLowerCase()).toBe(manager.mail!.toLowerCase());
    expect(after.managedDevices.every((d) => d.managementState === 'wipePending')).toBe(true);
    expect(after.authenticationMethods.filter((m) => m.kind !== 'password')).toEqual([]);
    expect(after.inboxRules).toEqual([]);
    expect(after.mobileDevices).toEqual([]);
    expect(after.fullAccessHeld).toEqual([]);
    expect(after.sendAsHeld).toEqual([]);
    expect(after.folderPermissionsHeld).toEqual([]);
    expect(after.drive?.permissions.some((p) => JSON.stringify(p).includes(manager.mail!))).toBe(true);
    const futureOrganised = (before.events as { id: string; isOrganizer: boolean; isCancelled?: boolean; start: { dateTime: string } }[]).filter((e) => e.isOrganizer && !e.isCancelled && Date.parse(`${e.start.dateTime.slice(0, 19)}Z`) > Date.now());
    expect(after.cancelledEvents.map((e) => e.eventId).sort()).toEqual(expect.arrayContaining(futureOrganised.map((e) => e.id).sort()));
    // The manager's notice waits for the bot, once.
    const { rows } = await app.store.pool.query('SELECT recipient_object_id, title FROM notifications WHERE org_id = $1 AND key = $2', [org.id, `run:${done.id}:manager`]);
    expect(rows).toEqual([{ recipient_object_id: manager.id, title: `${u.displayName} has been offboarded` }]);

    // The password is shown once, to the approver only.
    expect(done.passwordWaiting).toBe(true);
    expect((await post('manager', done.id, 'password')).status).toBe(403);
    const shown = await post('admin', done.id, 'password');
    expect(shown.status).toBe(200);
    expect((await json(shown)).password).toMatch(/^.{20}$/);
    expect((await post('admin', done.id, 'password')).status).toBe(410);

    // The compliance report names every step and its evidence.
    const pdf = await org.as.viewer.fetch(url(`/${done.id}/report.pdf`));
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'offramp-pdf-'));
    const file = path.join(dir, 'report.pdf');
    await writeFile(file, Buffer.from(await pdf.arrayBuffer()));
    const { stdout } = await run('pdftotext', [file, '-']);
    const text = stdout.replace(/\s+/g, ' ');
    // Long labels (a OneDrive URL) wrap across lines: compare evidence without whitespace.
    const bare = stdout.replace(/\s+/g, '');
    for (const s of done.steps) {
      expect(text).toContain(s.title);
      for (const i of s.result!.items) expect(bare).toContain(i.label.replace(/\s+/g, '').slice(0, 40));
    }
    expect(text).toContain(u.userPrincipalName);
    const [last] = (await app.store.pool.query("SELECT hash FROM audit_events WHERE org_id = $1 AND target_id = $2 ORDER BY seq DESC LIMIT 1", [org.id, done.id])).rows;
    expect(text.replace(/ /g, '')).toContain(last.hash);
  });

  it('refuses what is wrong, naming it, and writes nothing', async () => {
    const u = person();
    const eid = await employeeId(app, org.id, u.id);
    const count = async () => Number((await app.store.pool.query('SELECT count(*) FROM offboarding_runs WHERE org_id = $1', [org.id])).rows[0].count);
    const n = await count();
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ employeeId: eid, steps: [{ task: 'retire_devices', options: { action: 'wipe' } }] }, 400, /confirmWipe/],
      [{ employeeId: eid, when: { kind: 'at', at: '2020-01-01T09:00', timeZone: 'Europe/London' } }, 400, /in the past/],
      [{ employeeId: eid, when: { kind: 'at', at: '2030-01-01T09:00', timeZone: 'Mars/Olympus' } }, 400, /time zone/],
      [{ employeeId: eid, when: { kind: 'at', at: 'friday', timeZone: 'UTC' } }, 400, /not a date/],
      [{ employeeId: eid, steps: [{ task: 'forward_mail', options: { to: 'not an address' } }] }, 400, /e-mail/],
      [{ employeeId: eid, steps: [{ task: 'make_coffee', options: {} }] }, 400, /task/],
      [{ employeeId: '00000000-0000-4000-8000-000000000000' }, 404, /not found/],
    ];
    for (const [body, status, message] of cases) {
      const res = await org.as.manager.fetch(url(), { method: 'POST', json: body });
      expect(res.status).toBe(status);
      expect((await json(res)).error.message).toMatch(message);
    }
    expect((await org.as.viewer.fetch(url(), { method: 'POST', json: { employeeId: eid } })).status).toBe(403);
    expect(await count()).toBe(n);
  });

  it('a rejected run changes nothing and tells why', async () => {
    const u = person();
    const seq = sim.mutations().length;
    const r = await create('manager', { employeeId: await employeeId(app, org.id, u.id) });
    expect((await post('admin', r.id, 'reject', {})).status).toBe(400);
    const rejected = await json(await post('admin', r.id, 'reject', { reason: 'Contract extended' }));
    expect(rejected).toMatchObject({ state: 'rejected', rejectionReason: 'Contract extended' });
    expect(rejected.steps.every((s: { state: string }) => s.state === 'cancelled')).toBe(true);
    expect((await post('admin', r.id, 'approve')).status).toBe(409);
    expect(sim.mutations(seq)).toEqual([]);
  });

  it('an Admin approves their own request only when the organisation allows it', async () => {
    const u = person();
    const r = await create('admin', { employeeId: await employeeId(app, org.id, u.id) });
    expect(r.state).toBe('awaiting_approval');
    const own = await post('admin', r.id, 'approve');
    expect(own.status).toBe(403);
    expect((await json(own)).error.message).toMatch(/another Admin or Owner/);
    expect((await post('owner', r.id, 'cancel')).status).toBe(200);
  });

  it('runs at the time given in the requester’s time zone; it can be rescheduled and cancelled until it starts', async () => {
    const settingsUrl = `/api/v1/orgs/${org.id}/offboarding/settings`;
    await org.as.owner.fetch(settingsUrl, { method: 'PUT', json: { requireApproval: true, allowApproveOwn: true, proposeFromLeaveDate: false } });
    try {
      const u = person();
      const zone = 'America/New_York';
      const wall = (ms: number) => {
        const p = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
        const v = (t: string) => p.find((x) => x.type === t)!.value;
        return `${v('year')}-${v('month')}-${v('day')}T${v('hour')}:${v('minute')}:${v('second')}`;
      };
      const target = Math.ceil((Date.now() + 3_000) / 1000) * 1000;
      const r = await create('admin', { employeeId: await employeeId(app, org.id, u.id), steps: [{ task: 'disable_sign_in', options: {} }], when: { kind: 'at', at: wall(target + 600_000), timeZone: zone } });
      expect(r.state).toBe('scheduled'); // the Admin's own request, allowed by the settings
      expect(Date.parse(r.scheduledAt!)).toBe(target + 600_000);
      const moved = await json(await post('admin', r.id, 'reschedule', { when: { kind: 'at', at: wall(target), timeZone: zone } }));
      expect(Date.parse(moved.scheduledAt)).toBe(target);
      expect(state(u).user.accountEnabled).toBe(true);
      const done = await waitForRun(org.as.admin, org.id, r.id, ['succeeded', 'failed']);
      expect(done.state).toBe('succeeded');
      expect(Date.parse(done.startedAt!)).toBeGreaterThanOrEqual(target - 5);
      expect(state(u).user.accountEnabled).toBe(false);

      const v = person();
      const seq = sim.mutations().length;
      const later = await create('admin', { employeeId: await employeeId(app, org.id, v.id), when: { kind: 'at', at: wall(Date.now() + 3_000), timeZone: zone } });
      const cancelled = await json(await post('manager', later.id, 'cancel'));
      expect(cancelled.state).toBe('cancelled');
      await new Promise((r) => setTimeout(r, 4_000));
      expect((await json(await org.as.admin.fetch(url(`/${later.id}`)))).state).toBe('cancelled');
      expect(sim.mutations(seq)).toEqual([]);
    } finally {
      await org.as.owner.fetch(settingsUrl, { method: 'PUT', json: { requireApproval: true, allowApproveOwn: false, proposeFromLeaveDate: false } });
    }
  });

  it('a step that keeps failing fails alone: the steps that follow it are skipped with the reason, the others finish; retrying it finishes the run', async () => {
    const u = person((x) => sim.state.licenceStates(x).some((l) => !l.assignedByGroup));
    const r = await create('manager', { employeeId: await employeeId(app, org.id, u.id), steps: [{ task: 'disable_sign_in', options: {} }, { task: 'convert_to_shared', options: {} }, { task: 'remove_licences', options: {} }, { task: 'notify_manager', options: {} }, { task: 'hide_from_address_list', options: {} }] });
    sim.configure({ faults: { rate: 1, kinds: ['503'], match: 'Set-Mailbox', services: ['exchange'], retryAfterSeconds: 0 } });
    try {
      await post('admin', r.id, 'approve');
      const failed = await waitForRun(org.as.admin, org.id, r.id, ['partially_failed', 'failed', 'succeeded']);
      const by = new Map(failed.steps.map((s) => [s.task, s]));
      expect(failed.state).toBe('partially_failed');
      expect(by.get('disable_sign_in')!.state).toBe('succeeded');
      expect(by.get('convert_to_shared')).toMatchObject({ state: 'failed', attempts: 3 });
      expect(by.get('convert_to_shared')!.error).toMatch(/Microsoft 365/);
      expect(by.get('hide_from_address_list')!.state).toBe('failed');
      expect(by.get('remove_licences')).toMatchObject({ state: 'skipped' });
      expect(by.get('remove_licences')!.skippedReason).toMatch(/Convert mailbox to shared/);
      expect(by.get('notify_manager')!.state).toBe('skipped');
      expect(state(u).licences.length).toBeGreaterThan(0);
      expect(failed.allowed.retry).toBe(true);
    } finally {
      sim.configure({ faults: null });
    }
    const convert = (await json(await org.as.admin.fetch(url(`/${r.id}`)))).steps.find((s: { task: string }) => s.task === 'convert_to_shared');
    expect((await post('manager', r.id, 'retry', { stepId: convert.id })).status).toBe(200);
    const after = await waitForRun(org.as.admin, org.id, r.id, ['partially_failed', 'failed', 'succeeded']);
    const by = new Map(after.steps.map((s) => [s.task, s]));
    expect(by.get('convert_to_shared')).toMatchObject({ state: 'succeeded', attempts: 4 });
    expect(by.get('hide_from_address_list')!.state).toBe('failed'); // not retried: only the chosen step
    // Licences must also wait for the address-list step, which is still failed.
    expect(by.get('remove_licences')!.skippedReason).toMatch(/“Hide from the address list” did not succeed/);
    expect(by.get('remove_licences')!.skippedReason).not.toMatch(/Convert/);
    expect(after.state).toBe('partially_failed');
    expect((await json(await post('manager', r.id, 'retry', {}))).state).toBe('running');
    expect((await waitForRun(org.as.admin, org.id, r.id, ['succeeded', 'failed', 'partially_failed'])).state).toBe('succeeded');
    expect(state(u).licences).toEqual([]);
    expect(state(u).mailbox).toMatchObject({ type: 'SharedMailbox', hidden: true });
  });

  it('cancelling a running run lets the step in flight finish and starts nothing more', async () => {
    const u = person();
    const r = await create('manager', { employeeId: await employeeId(app, org.id, u.id), steps: [{ task: 'disable_sign_in', options: {} }, { task: 'revoke_sessions', options: {} }, { task: 'reset_password', options: {} }, { task: 'delete_user', options: {} }] });
    sim.configure({ latency: 400 });
    try {
      await post('admin', r.id, 'approve');
      await waitForRun(org.as.admin, org.id, r.id, ['running']);
      for (let i = 0; i < 100; i++) {
        const cur: Run = await json(await org.as.admin.fetch(url(`/${r.id}`)));
        if (cur.steps.some((s) => s.state === 'running')) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      expect((await json(await post('manager', r.id, 'cancel'))).cancelRequestedAt).toBeTruthy();
      const done = await waitForRun(org.as.admin, org.id, r.id, ['cancelled', 'succeeded', 'failed', 'partially_failed']);
      expect(done.state).toBe('cancelled');
      const by = new Map(done.steps.map((s) => [s.task, s.state]));
      expect(by.get('disable_sign_in')).toBe('succeeded');
      expect(by.get('delete_user')).toBe('cancelled');
      expect(state(u).deleted).toBe(false);
    } finally {
      sim.configure({ latency: 0 });
    }
  });

  it('undo puts back what the snapshot allows, journals each undo step, and reports a wipe as not undoable', async () => {
    const u = person((x) => sim.state.memberOf(x.id).length > 1 && sim.state.managedDevicesOf(x.id).length > 0 && sim.state.licenceStates(x).length > 0);
    const before = state(u);
    const steps: PlanStep[] = [
      { task: 'disable_sign_in', options: {} },
      { task: 'remove_groups', options: {} },
      { task: 'remove_licences', options: {} },
      { task: 'convert_to_shared', options: {} },
      { task: 'forward_mail', options: { to: 'manager', keepCopy: false } },
      { task: 'hide_from_address_list', options: {} },
      { task: 'retire_devices', options: { action: 'wipe', confirmWipe: true } },
      { task: 'delete_user', options: {} },
    ];
    const r = await create('manager', { employeeId: await employeeId(app, org.id, u.id), steps });
    await post('admin', r.id, 'approve');
    expect((await waitForRun(org.as.admin, org.id, r.id, ['succeeded', 'failed', 'partially_failed'])).state).toBe('succeeded');
    expect(state(u).deleted).toBe(true);
    expect((await post('manager', r.id, 'undo')).status).toBe(403);
    expect((await json(await post('admin', r.id, 'undo'))).state).toBe('undoing');
    const undone = await waitForRun(org.as.admin, org.id, r.id, ['undone', 'partially_undone']);
    expect(undone.state).toBe('partially_undone'); // the wipe cannot be undone
    const undo = undone.steps.filter((s) => s.phase === 'undo');
    expect(undo).toHaveLength(steps.length);
    expect(undo.find((s) => s.task === 'retire_devices')).toMatchObject({ state: 'skipped' });
    expect(undo.find((s) => s.task === 'retire_devices')!.skippedReason).toMatch(/Not undoable/);
    expect(undo.filter((s) => s.task !== 'retire_devices').every((s) => s.state === 'succeeded')).toBe(true);
    // The restore came first, then licences before the mailbox turned back into a user mailbox.
    const order = [...undo].filter((s) => s.state === 'succeeded').sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!)).map((s) => s.task);
    expect(order[0]).toBe('delete_user');
    expect(order.indexOf('remove_licences')).toBeLessThan(order.indexOf('convert_to_shared'));

    const after = state(u);
    expect(after.deleted).toBe(false);
    expect(after.user.accountEnabled).toBe(true);
    expect(after.memberOf.map((g) => g.id).sort()).toEqual(before.memberOf.map((g) => g.id).sort());
    expect(after.licences.map((l) => l.skuId).sort()).toEqual(before.licences.map((l) => l.skuId).sort());
    expect(after.mailbox).toMatchObject({ type: 'UserMailbox', hidden: before.mailbox!.hidden, forwardingSmtpAddress: before.mailbox!.forwardingSmtpAddress });
    expect((await post('admin', r.id, 'undo')).status).toBe(409);
  });

  it('starts runs for many people at once, from a list or a CSV, each a run of its own', async () => {
    const people = [person(), person(), person()];
    const csv = `userPrincipalName\n${people.map((p) => p.userPrincipalName).join('\n')}\nnobody@nowhere.example\n${people[0]!.userPrincipalName}\n`;
    const res = await org.as.manager.fetch(url('/bulk.csv'), { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(201);
    const bulk = await json(res);
    expect(bulk.runs).toHaveLength(3);
    expect(bulk.errors).toEqual([
      { line: 5, value: 'nobody@nowhere.example', message: expect.stringMatching(/No synced employee/) },
      { line: 6, value: people[0]!.userPrincipalName, message: 'Listed twice.' },
    ]);
    const listed = await json(await org.as.viewer.fetch(url(`?bulkId=${bulk.bulkId}`)));
    expect(listed.total).toBe(3);
    expect(new Set(listed.runs.map((r: Run) => r.person.userPrincipalName))).toEqual(new Set(people.map((p) => p.userPrincipalName)));
    expect(listed.runs.every((r: Run) => r.state === 'awaiting_approval')).toBe(true);
    for (const r of listed.runs) await post('admin', r.id, 'cancel');
    const empty = await org.as.manager.fetch(url('/bulk.csv'), { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '' });
    expect(empty.status).toBe(400);
  });

  it('streams every change of a run to the Run page as server-sent events', async () => {
    const u = person();
    const r = await create('manager', { employeeId: await employeeId(app, org.id, u.id), steps: [{ task: 'disable_sign_in', options: {} }, { task: 'revoke_sessions', options: {} }] });
    const res = await org.as.viewer.fetch(url(`/${r.id}/events`));
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const seen: Run[] = [];
    let buffer = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const chunk = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = chunk.split('\n').find((l) => l.startsWith('data: '));
          if (data) seen.push(JSON.parse(data.slice(6)));
          if (seen.at(-1)?.state === 'succeeded') return;
        }
      }
    })();
    await post('admin', r.id, 'approve');
    await Promise.race([reading, new Promise((_, rej) => setTimeout(() => rej(new Error(`stream ended with ${JSON.stringify(seen.map((s) => s.state))}`)), 20_000))]);
    await reader.cancel();
    const states = seen.map((s) => s.state);
    expect(states[0]).toBe('awaiting_approval');
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('succeeded');
    expect(seen.some((s) => s.steps.some((x) => x.state === 'running'))).toBe(true);
  });

  it('proposes a run for the leave date of a synced person when the organisation opts in, awaiting approval', async () => {
    const u = person();
    const leave = new Date(Math.ceil((Date.now() + 9 * 86_400_000) / 3600_000) * 3600_000);
    sim.admin.updateUser(u.id, { employeeLeaveDateTime: leave.toISOString().replace('.000Z', 'Z') });
    expect((await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/${tenantRef}/sync`, { method: 'POST', json: {} })).status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const t = await json(await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/${tenantRef}`));
      if (t.sync.state === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const eid = await employeeId(app, org.id, u.id);
    const settingsUrl = `/api/v1/orgs/${org.id}/offboarding/settings`;
    expect((await json(await org.as.viewer.fetch(url(`?employeeId=${eid}`)))).total).toBe(0);
    expect((await org.as.owner.fetch(settingsUrl, { method: 'PUT', json: { requireApproval: false, allowApproveOwn: false, proposeFromLeaveDate: true } })).status).toBe(200);
    try {
      let proposed: Run[] = [];
      for (let i = 0; i < 200 && proposed.length === 0; i++) {
        proposed = (await json(await org.as.viewer.fetch(url(`?employeeId=${eid}`)))).runs;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(proposed).toHaveLength(1);
      // Proposed, even with approval turned off: nobody asked for it yet.
      expect(proposed[0]).toMatchObject({ state: 'awaiting_approval', requestedBy: { memberId: null, name: 'Offramp (leave date)' } });
      expect(Date.parse(proposed[0]!.scheduledAt!)).toBe(leave.getTime());
      // Once is enough: another check, even at the same moment as the job's, proposes nobody twice.
      await Promise.all([app.runs.proposeFromLeaveDates(), app.runs.proposeFromLeaveDates()]);
      const { rows } = await app.store.pool.query(
        "SELECT employee_id, count(*)::int AS n FROM offboarding_runs WHERE org_id = $1 AND state IN ('awaiting_approval', 'scheduled', 'running') GROUP BY employee_id HAVING count(*) > 1",
        [org.id],
      );
      expect(rows).toEqual([]);
      expect((await json(await org.as.viewer.fetch(url(`?employeeId=${eid}`)))).total).toBe(1);
      await post('admin', proposed[0]!.id, 'cancel');
    } finally {
      await org.as.owner.fetch(settingsUrl, { method: 'PUT', json: { requireApproval: true, allowApproveOwn: false, proposeFromLeaveDate: false } });
    }
  });

  it('a run whose tenant was disconnected before it started fails every step with the reason and changes nothing', async () => {
    const u = person();
    const seq = sim.mutations().length;
    const r = await create('manager', { employeeId: await employeeId(app, org.id, u.id), steps: [{ task: 'disable_sign_in', options: {} }, { task: 'revoke_sessions', options: {} }] });
    expect((await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/${tenantRef}`, { method: 'DELETE' })).status).toBe(204);
    try {
      await post('admin', r.id, 'approve');
      const failed = await waitForRun(org.as.admin, org.id, r.id, ['failed', 'succeeded', 'partially_failed']);
      expect(failed.state).toBe('failed');
      for (const s of failed.steps) expect(s.error).toMatch(/could not read the tenant before changing anything: .*disconnected/);
      expect(sim.mutations(seq)).toEqual([]);
    } finally {
      expect((await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/demo`, { method: 'POST', json: {} })).status).toBe(201);
    }
  });

  it('keeps organisations apart: another organisation sees none of these runs', async () => {
    const other = await makeOrg(app, 'Other Co', 20);
    const [any] = (await json(await org.as.admin.fetch(url('?limit=1')))).runs;
    expect((await other.as.owner.fetch(runsUrl(other.id, `/${any.id}`))).status).toBe(404);
    expect((await other.as.owner.fetch(runsUrl(other.id, `/${any.id}/report.pdf`))).status).toBe(404);
    expect((await other.as.owner.fetch(runsUrl(org.id))).status).toBe(404);
    expect((await json(await other.as.owner.fetch(runsUrl(other.id)))).total).toBe(0);
  });
});
