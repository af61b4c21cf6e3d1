import type { Offramp } from '../../server/main.js';
import type { Checklist, HardwareItem, QueueResult, SeatItem } from '../../server/assets/contract.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { startTestApp } from '../support/app.js';
import { clearChecklist, syncNow } from '../support/assets.js';
import { json } from '../support/json.js';
import { connectDemoTenant, employeeId, waitForRun } from '../support/offboarding.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

const DAY = 86_400_000;

/**
 * The leaver queue, the checklist and the completion gate through the real API, with the
 * simulated tenant's people, devices and licences brought in by sync.
 */
describe('leaver queue and checklist', () => {
  let app: Offramp;
  let sim: Simulator;
  let org: TestOrg;
  let tenantRef: string;
  const used = new Set<string>();
  /** Kept for the completion test: a manager with direct reports. */
  let boss: DirUser;
  const base = () => `/api/v1/orgs/${org.id}`;

  beforeAll(async () => {
    app = await startTestApp({ SIMULATOR_USERS: '80', OFFBOARDING_STEP_RETRY_MS: '50' });
    sim = app.simulator!;
    sim.configure({ latency: 0 });
    org = await makeOrg(app, 'Queue Co', 0);
    // Offboardings here need no approval: the seat revocation's run goes straight ahead.
    await org.as.admin.fetch(`${base()}/offboarding/settings`, { method: 'PUT', json: { requireApproval: false, allowApproveOwn: false, proposeFromLeaveDate: false } });
    tenantRef = await connectDemoTenant(org);
    boss = person((x) => sim.state.directReports(x.id).length >= 2);
  });
  afterAll(() => app?.close());

  const sync = () => syncNow(org, tenantRef);

  /** A person no other test has used. */
  function person(extra: (u: DirUser) => boolean = () => true): DirUser {
    const u = sim.users().find((x) => x.kind === 'person' && x.accountEnabled && !x.onPremisesSyncEnabled && !used.has(x.id) && extra(x));
    if (!u) throw new Error('no such person left in the seeded tenant');
    used.add(u.id);
    return u;
  }
  const idOf = (u: DirUser) => employeeId(app, org.id, u.id);
  const queue = async (as: keyof TestOrg['as'] = 'admin', days?: number): Promise<QueueResult> => {
    const res = await org.as[as].fetch(`${base()}/queue${days ? `?days=${days}` : ''}`);
    expect(res.status).toBe(200);
    return json(res);
  };
  const checklist = async (id: string): Promise<Checklist> => json(await org.as.manager.fetch(`${base()}/people/${id}/checklist`));
  const complete = (id: string, as: keyof TestOrg['as'] = 'manager') => org.as[as].fetch(`${base()}/people/${id}/complete`, { method: 'POST', json: {} });
  const addHardware = async (body: Record<string, unknown>): Promise<HardwareItem> => {
    const res = await org.as.manager.fetch(`${base()}/hardware`, { method: 'POST', json: body });
    if (res.status !== 201) throw new Error(`hardware: ${res.status} ${await res.text()}`);
    return json(res);
  };
  const auditOf = async (action: string) => (await app.store.pool.query('SELECT * FROM audit_events WHERE org_id = $1 AND action = $2 ORDER BY seq', [org.id, action])).rows;
  const clearAll = (id: string) => clearChecklist(app, org, tenantRef, id);

  it('brings each Intune device in as hardware held by its user, and each licence as a Microsoft 365 seat', async () => {
    const u = person((x) => sim.state.managedDevicesOf(x.id).length > 0 && sim.state.licenceStates(x).length > 0);
    const c = await checklist(await idOf(u));
    const devices = sim.state.managedDevicesOf(u.id);
    expect(c.hardware.map((h) => h.serial).sort()).toEqual(devices.map((d) => d.serialNumber).sort());
    expect(c.hardware.every((h) => h.source === 'intune' && h.status === 'assigned')).toBe(true);
    expect(c.hardware.map((h) => h.model).sort()).toEqual(devices.map((d) => d.model).sort());
    const skus = new Set(sim.state.licenceStates(u).map((l) => l.skuId));
    expect(c.seats.filter((s) => s.source === 'm365')).toHaveLength(skus.size);
    expect(c.seats.every((s) => s.vendor === 'Microsoft' && s.status === 'assigned')).toBe(true);
    expect(c.open).toEqual({ hardware: devices.length, seats: skus.size, requests: 0 });
    expect(c.blockedBy).toBe(`Cannot complete offboarding: ${devices.length} hardware, ${skus.size} software, 0 request(s) still open.`);
  });

  it('lists people leaving inside the chosen look-ahead (and any past date), soonest first, with counts and the latest run', async () => {
    const now = Date.now();
    const at = (days: number) => new Date(now + days * DAY).toISOString();
    const soon = person();
    const later = person();
    const past = person();
    const far = person();
    sim.admin.updateUser(soon.id, { employeeLeaveDateTime: at(3) });
    sim.admin.updateUser(later.id, { employeeLeaveDateTime: at(20) });
    sim.admin.updateUser(past.id, { employeeLeaveDateTime: at(-40) });
    sim.admin.updateUser(far.id, { employeeLeaveDateTime: at(150) });
    await sync();

    const rows = async (days: number) => (await queue('viewer', days)).people.map((p) => p.userPrincipalName);
    const week = await rows(7);
    expect(week).toContain(soon.userPrincipalName);
    expect(week).toContain(past.userPrincipalName);
    expect(week).not.toContain(later.userPrincipalName);
    expect(await rows(30)).toContain(later.userPrincipalName);
    expect(await rows(30)).not.toContain(far.userPrincipalName);
    expect(await rows(180)).toContain(far.userPrincipalName);

    const q = await queue('viewer', 30);
    const leaves = q.people.map((p) => p.leaveDate!);
    expect(leaves).toEqual([...leaves].sort());
    const soonRow = q.people.find((p) => p.userPrincipalName === soon.userPrincipalName)!;
    expect(soonRow.daysToLeave).toBe(Math.floor(Date.parse(at(3)) / DAY) - Math.floor(now / DAY));
    expect(q.people.find((p) => p.userPrincipalName === past.userPrincipalName)!.daysToLeave).toBeLessThan(-39);
    const mgr = soon.managerId ? sim.findUser(soon.managerId) : null;
    expect(soonRow.manager?.displayName ?? null).toBe(mgr?.displayName ?? null);
    expect(soonRow.open.hardware).toBe(sim.state.managedDevicesOf(soon.id).length);
    expect(soonRow.latestRun).toBeNull();
    expect(soonRow.jobTitle).toBe(soon.jobTitle ?? null);

    // The latest run appears with its state.
    const run = await json(await org.as.admin.fetch(`${base()}/offboarding/runs`, { method: 'POST', json: { employeeId: soonRow.employeeId, steps: [{ task: 'revoke_sessions', options: {} }] } }));
    await waitForRun(org.as.admin, org.id, run.id, ['succeeded']);
    expect((await queue('viewer', 30)).people.find((p) => p.employeeId === soonRow.employeeId)!.latestRun).toMatchObject({ id: run.id, state: 'succeeded' });

    // Bad windows are named.
    const bad = await org.as.viewer.fetch(`${base()}/queue?days=45`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/7, 14, 30, 60, 90, 180/);
  });

  it('remembers each member\'s look-ahead without changing any data', async () => {
    const count = async () => (await app.store.pool.query('SELECT (SELECT count(*) FROM employees) + (SELECT count(*) FROM hardware) + (SELECT count(*) FROM audit_events) AS n')).rows[0].n;
    const before = await count();
    expect((await queue('viewer')).windowDays).toBe(30);
    const res = await org.as.viewer.fetch(`${base()}/queue/preferences`, { method: 'PUT', json: { windowDays: 90 } });
    expect(res.status).toBe(200);
    expect((await queue('viewer')).windowDays).toBe(90);
    expect((await queue('manager')).windowDays).toBe(30); // another member keeps their own
    expect((await queue('viewer', 7)).windowDays).toBe(7); // asking for a window is not choosing it
    expect((await queue('viewer')).windowDays).toBe(90);
    expect(await count()).toBe(before);
    expect((await org.as.viewer.fetch(`${base()}/queue/preferences`, { method: 'PUT', json: { windowDays: 31 } })).status).toBe(400);
  });

  it('records hardware by hand, assigns it, and recovers it with condition, next status and note (audited)', async () => {
    const u = person();
    const id = await idOf(u);
    const hw = await addHardware({ model: 'Dell P2723QE monitor', assetTag: 'MON-9001', serial: 'SN-MON-1', location: 'London', assignedTo: id });
    expect(hw).toMatchObject({ status: 'assigned', source: 'manual', assignedTo: { employeeId: id } });
    expect((await addHardware({ model: 'Spare dock', assetTag: 'DCK-1' })).status).toBe('in_stock');
    const dup = await org.as.manager.fetch(`${base()}/hardware`, { method: 'POST', json: { model: 'Other', assetTag: 'mon-9001' } });
    expect(dup.status).toBe(409);
    expect(await dup.text()).toMatch(/MON-9001|mon-9001/);
    expect((await org.as.viewer.fetch(`${base()}/hardware`, { method: 'POST', json: { model: 'x' } })).status).toBe(403);
    const missing = await org.as.manager.fetch(`${base()}/hardware`, { method: 'POST', json: { assetTag: 'X' } });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/model/);

    expect((await checklist(id)).hardware.map((h) => h.id)).toContain(hw.id);
    const taken = await org.as.manager.fetch(`${base()}/hardware/${hw.id}`, { method: 'PATCH', json: { assignedTo: await idOf(person()) } });
    expect(taken.status).toBe(409);
    const badReturn = await org.as.manager.fetch(`${base()}/hardware/${hw.id}/recover`, { method: 'POST', json: { condition: 'shiny', nextStatus: 'in_stock' } });
    expect(badReturn.status).toBe(400);
    expect(await badReturn.text()).toMatch(/condition/);

    const ret = await json(await org.as.manager.fetch(`${base()}/hardware/${hw.id}/recover`, { method: 'POST', json: { condition: 'damaged', nextStatus: 'in_repair', note: 'Cracked bezel' } }));
    expect(ret).toMatchObject({ condition: 'damaged', nextStatus: 'in_repair', note: 'Cracked bezel' });
    const c = await checklist(id);
    expect(c.hardware.map((h) => h.id)).not.toContain(hw.id);
    expect(c.returns[0]).toMatchObject({ hardwareId: hw.id, condition: 'damaged', recordedByName: expect.any(String) });
    const { rows } = await app.store.pool.query('SELECT status, assigned_to FROM hardware WHERE id = $1', [hw.id]);
    expect(rows[0]).toEqual({ status: 'in_repair', assigned_to: null });
    const audit = (await auditOf('hardware.recovered')).find((a) => a.target_id === hw.id);
    expect(audit.details).toMatchObject({ condition: 'damaged', nextStatus: 'in_repair', note: 'Cracked bezel', from: { id } });
    expect((await org.as.manager.fetch(`${base()}/hardware/${hw.id}/recover`, { method: 'POST', json: { condition: 'good', nextStatus: 'in_stock' } })).status).toBe(409);
  });

  it('keeps a recovered Intune device recovered at the next sync', async () => {
    const u = person((x) => sim.state.managedDevicesOf(x.id).length > 0);
    const id = await idOf(u);
    const device = (await checklist(id)).hardware.find((h) => h.source === 'intune')!;
    await org.as.manager.fetch(`${base()}/hardware/${device.id}/recover`, { method: 'POST', json: { condition: 'good', nextStatus: 'in_stock' } });
    await sync();
    expect((await checklist(id)).hardware.map((h) => h.id)).not.toContain(device.id);
  });

  it('revokes seats: a hand-entered one at once, a Microsoft 365 licence through an offboarding run', async () => {
    const u = person((x) => sim.state.licenceStates(x).some((l) => !l.assignedByGroup) && sim.state.licenceStates(x).every((l) => !l.assignedByGroup));
    const id = await idOf(u);
    const seat: SeatItem = await json(await org.as.manager.fetch(`${base()}/seats`, { method: 'POST', json: { product: 'Slack Business+', vendor: 'Slack', holderId: id, costCents: 1250 } }));
    expect(seat).toMatchObject({ status: 'assigned', holder: { employeeId: id }, costCents: 1250 });
    const revoked = await json(await org.as.manager.fetch(`${base()}/seats/${seat.id}/revoke`, { method: 'POST', json: {} }));
    expect(revoked).toMatchObject({ seat: { status: 'free', holder: null }, run: null });
    expect((await auditOf('seat.revoked')).some((a) => a.target_id === seat.id)).toBe(true);

    const m365 = (await checklist(id)).seats.find((s) => s.source === 'm365')!;
    const res = await json(await org.as.manager.fetch(`${base()}/seats/${m365.id}/revoke`, { method: 'POST', json: {} }));
    expect(res.seat.status).toBe('revoking');
    expect(res.run).toBeTruthy();
    const again = await org.as.manager.fetch(`${base()}/seats/${m365.id}/revoke`, { method: 'POST', json: {} });
    expect(again.status).toBe(409);
    const run = await waitForRun(org.as.admin, org.id, res.run.id, ['succeeded']);
    expect(run.steps.map((s) => s.task)).toEqual(['remove_licences']);
    expect(sim.state.licenceStates(sim.findUser(u.id)!)).toHaveLength(0);
    for (let i = 0; i < 100 && (await checklist(id)).open.seats > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await checklist(id)).open.seats).toBe(0);
    // And a sync agrees: the licence is gone, the seat stays free.
    await sync();
    expect((await checklist(id)).open.seats).toBe(0);
  });

  it('approves and closes requests with a resolution', async () => {
    const id = await idOf(person());
    const made = await org.as.manager.fetch(`${base()}/requests`, { method: 'POST', json: { employeeId: id, what: 'Courier box for the laptop' } });
    expect(made.status).toBe(201);
    const r = await json(made);
    expect((await checklist(id)).open.requests).toBe(1);
    expect((await json(await org.as.manager.fetch(`${base()}/requests/${r.id}`, { method: 'PATCH', json: { status: 'approved' } }))).status).toBe('approved');
    const noReason = await org.as.manager.fetch(`${base()}/requests/${r.id}`, { method: 'PATCH', json: { status: 'fulfilled' } });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toMatch(/resolution/);
    const closed = await json(await org.as.manager.fetch(`${base()}/requests/${r.id}`, { method: 'PATCH', json: { status: 'fulfilled', resolution: 'Box sent by DHL' } }));
    expect(closed).toMatchObject({ status: 'fulfilled', resolution: 'Box sent by DHL', resolvedByName: expect.any(String) });
    expect((await checklist(id)).open.requests).toBe(0);
    expect((await org.as.manager.fetch(`${base()}/requests/${r.id}`, { method: 'PATCH', json: { status: 'cancelled', resolution: 'x' } })).status).toBe(409);
    expect((await auditOf('request.closed')).some((a) => a.target_id === r.id)).toBe(true);
  });

  it('refuses to complete while anything is open, naming the counts', async () => {
    const u = person((x) => sim.state.managedDevicesOf(x.id).length > 0);
    const id = await idOf(u);
    await org.as.manager.fetch(`${base()}/requests`, { method: 'POST', json: { employeeId: id, what: 'Return the badge' } });
    const c = await checklist(id);
    const res = await complete(id);
    expect(res.status).toBe(409);
    const body = await json(res);
    expect(body.error.message).toBe(`Cannot complete offboarding: ${c.open.hardware} hardware, ${c.open.seats} software, 1 request(s) still open.`);
    expect((await app.store.pool.query('SELECT status FROM employees WHERE id = $1', [id])).rows[0].status).toBe('active');
    expect((await complete(id, 'viewer')).status).toBe(403);
  });

  it('holds the gate on the server when a device is assigned after the page was loaded', async () => {
    const u = person((x) => sim.state.managedDevicesOf(x.id).length === 0);
    const id = await idOf(u);
    await clearAll(id);
    const loaded = await checklist(id);
    expect(loaded.blockedBy).toBeNull();
    // Someone else assigns a laptop meanwhile; the page still says "Complete".
    await addHardware({ model: 'ThinkPad X1 Carbon', assetTag: 'LAP-RACE-1', assignedTo: id });
    const res = await complete(id);
    expect(res.status).toBe(409);
    expect((await json(res)).error.message).toBe('Cannot complete offboarding: 1 hardware, 0 software, 0 request(s) still open.');

    // And when both happen at once, either the assignment came first and the completion is refused,
    // or the completion came first and the laptop was assigned after it (the queue's safety net shows it).
    const v = person((x) => sim.state.managedDevicesOf(x.id).length === 0);
    const vid = await idOf(v);
    await clearAll(vid);
    const [assigned, completed] = await Promise.all([addHardware({ model: 'ThinkPad T14', assetTag: 'LAP-RACE-2', assignedTo: vid }), complete(vid)]);
    const { rows } = await app.store.pool.query('SELECT e.status, e.offboarded_at, h.assigned_since FROM employees e JOIN hardware h ON h.assigned_to = e.id WHERE e.id = $1', [vid]);
    expect(rows).toHaveLength(1);
    if (completed.status === 200) {
      expect(rows[0].status).toBe('offboarded');
      expect(rows[0].assigned_since.getTime()).toBeGreaterThanOrEqual(rows[0].offboarded_at.getTime());
      const net = (await queue('viewer', 7)).people.find((p) => p.employeeId === vid)!;
      expect(net).toMatchObject({ safetyNet: true, status: 'offboarded', open: { hardware: 1 } });
    } else {
      expect(completed.status).toBe(409);
      expect(rows[0].status).toBe('active');
    }
    expect(assigned.assignedTo?.employeeId).toBe(vid);
  });

  it('completes: offboarded, leave date filled, reports\' manager cleared one audit entry each, manager notified, user.offboarded recorded', async () => {
    const id = await idOf(boss);
    const reports = sim.state.directReports(boss.id);
    // Their manager is a member of the organisation (the Viewer): they see the notice in the app.
    sim.admin.setManager(boss.id, org.as.viewer.user.id);
    sim.admin.updateUser(boss.id, { employeeLeaveDateTime: null });
    await clearAll(id);
    expect((await checklist(id)).blockedBy).toBeNull();
    expect((await app.store.pool.query('SELECT leave_date FROM employees WHERE id = $1', [id])).rows[0].leave_date).toBeNull();

    const res = await complete(id);
    expect(res.status).toBe(200);
    const after: Checklist = await json(res);
    expect(after.person.status).toBe('offboarded');
    expect(after.person.leaveDate!.slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
    expect(after.blockedBy).toMatch(/already offboarded/);

    const { rows: reps } = await app.store.pool.query('SELECT id, manager_object_id FROM employees WHERE tenant_ref = $1 AND object_id = ANY($2::uuid[])', [tenantRef, reports.map((r) => r.id)]);
    expect(reps).toHaveLength(reports.length);
    expect(reps.every((r) => r.manager_object_id === null)).toBe(true);
    const cleared = (await auditOf('employee.manager_cleared')).filter((a) => a.details.formerManager.id === id);
    expect(cleared.map((a) => a.target_id).sort()).toEqual(reps.map((r) => r.id).sort());

    const manager = sim.findUser(sim.findUser(boss.id)!.managerId!)!;
    const { rows: notes } = await app.store.pool.query('SELECT * FROM notifications WHERE org_id = $1 AND key = $2', [org.id, `employee:${id}:offboarded`]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ recipient_object_id: manager.id, recipient_name: manager.displayName, title: `${boss.displayName} is offboarded` });
    const inApp = await json(await org.as.viewer.fetch(`${base()}/notifications`));
    expect(inApp[0]).toMatchObject({ title: `${boss.displayName} is offboarded`, link: `/tabs/people/${id}` });
    expect(await json(await org.as.manager.fetch(`${base()}/notifications`))).toEqual([]); // not addressed to them

    const { rows: events } = await app.store.pool.query("SELECT data FROM org_events WHERE org_id = $1 AND type = 'user.offboarded'", [org.id]);
    const ev = events.map((e) => e.data).find((d) => d.employee.id === id);
    expect(ev).toMatchObject({ employee: { objectId: boss.id, userPrincipalName: boss.userPrincipalName, displayName: boss.displayName }, tenant: { id: tenantRef }, directReportsCleared: reports.length });
    expect(ev.completedBy.name).toBeTruthy();
    expect((await auditOf('employee.offboarded')).some((a) => a.target_id === id)).toBe(true);

    // Not twice, and a sync neither brings the reports' manager back nor empties the leave date.
    expect((await complete(id)).status).toBe(409);
    await sync();
    const { rows: again } = await app.store.pool.query('SELECT count(*)::int AS n FROM employees WHERE tenant_ref = $1 AND manager_object_id = $2', [tenantRef, boss.id]);
    expect(again[0].n).toBe(0);
    expect((await checklist(id)).person.leaveDate).toBe(after.person.leaveDate);

    // The safety net: hardware found on them afterwards puts them back in the queue until it is recovered.
    expect((await queue('viewer', 7)).people.map((p) => p.employeeId)).not.toContain(id);
    const found = await addHardware({ model: 'iPhone 15', assetTag: 'PHN-LATE-1', assignedTo: id });
    expect((await queue('viewer', 7)).people.find((p) => p.employeeId === id)).toMatchObject({ safetyNet: true, status: 'offboarded', open: { hardware: 1, seats: 0, requests: 0 } });
    await org.as.manager.fetch(`${base()}/hardware/${found.id}/recover`, { method: 'POST', json: { condition: 'good', nextStatus: 'in_stock' } });
    expect((await queue('viewer', 7)).people.map((p) => p.employeeId)).not.toContain(id);
  });

  it('imports hardware and seats from CSV, refusing a file with a bad line whole', async () => {
    const a = person();
    const b = person();
    const good = `Asset Tag,Serial Number,Model,Manufacturer,Location,Assigned To\nCSV-1,S1,Surface Laptop 5,Microsoft,Leeds,${a.userPrincipalName}\nCSV-2,S2,iPad Air,Apple,Leeds,\n`;
    const res = await org.as.manager.fetch(`${base()}/hardware/import`, { method: 'POST', body: good, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual({ created: 2, updated: 0, errors: [] });
    const ida = await idOf(a);
    expect((await checklist(ida)).hardware.map((h) => h.assetTag)).toContain('CSV-1');
    // The same file again updates rather than duplicates.
    expect(await json(await org.as.manager.fetch(`${base()}/hardware/import`, { method: 'POST', body: good, headers: { 'content-type': 'text/csv' } }))).toEqual({ created: 0, updated: 2, errors: [] });

    const bad = `model,asset_tag,assigned_to,status\nMonitor,CSV-3,,in_stock\n,CSV-4,,\nDock,CSV-5,nobody@nowhere.example,\nDock,CSV-6,,broken\n`;
    const refused = await org.as.manager.fetch(`${base()}/hardware/import`, { method: 'POST', body: bad, headers: { 'content-type': 'text/csv' } });
    expect(refused.status).toBe(400);
    const body = await json(refused);
    expect(body.error.details.errors.map((e: { line: number }) => e.line)).toEqual([3, 4, 5]);
    expect(body.error.details.errors[1].message).toMatch(/nobody@nowhere.example/);
    expect((await app.store.pool.query("SELECT count(*)::int AS n FROM hardware WHERE asset_tag = 'CSV-3'")).rows[0].n).toBe(0);

    const seatsCsv = `product,vendor,holder,cost,currency\nFigma Professional,Figma,${b.mail ?? b.userPrincipalName},15.00,usd\nZoom Pro,Zoom,,13.33,\n`;
    const s = await org.as.manager.fetch(`${base()}/seats/import`, { method: 'POST', body: seatsCsv, headers: { 'content-type': 'text/csv' } });
    expect(s.status).toBe(201);
    expect(await json(s)).toEqual({ created: 2, updated: 0, errors: [] });
    const held = (await checklist(await idOf(b))).seats.find((x) => x.product === 'Figma Professional');
    expect(held).toMatchObject({ costCents: 1500, currency: 'USD', status: 'assigned' });
    const badSeat = await org.as.manager.fetch(`${base()}/seats/import`, { method: 'POST', body: 'product,vendor,cost\nX,Y,lots\n', headers: { 'content-type': 'text/csv' } });
    expect(badSeat.status).toBe(400);
    expect(await badSeat.text()).toMatch(/Line 2: cost must be an amount/);
  });

  it('keeps organisations apart', async () => {
    const other = await makeOrg(app, 'Other Co', 20);
    const id = await idOf(person());
    expect((await other.as.owner.fetch(`/api/v1/orgs/${other.id}/people/${id}/checklist`)).status).toBe(404);
    expect((await other.as.owner.fetch(`/api/v1/orgs/${org.id}/queue`)).status).toBe(404); // not a member: not told it exists
    const hw = await addHardware({ model: 'Private laptop', assetTag: 'PRIV-1' });
    expect((await other.as.owner.fetch(`/api/v1/orgs/${other.id}/hardware/${hw.id}`, { method: 'PATCH', json: { location: 'x' } })).status).toBe(404);
    expect((await other.as.owner.fetch(`/api/v1/orgs/${other.id}/people/${id}/complete`, { method: 'POST', json: {} })).status).toBe(404);
  });
});
