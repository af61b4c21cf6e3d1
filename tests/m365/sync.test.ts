import type { Offramp } from '../../server/main.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import { startTestApp } from '../support/app.js';
import { json } from '../support/json.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

/**
 * Connecting the demo tenant and syncing its people, through the API and the job queue, on the
 * real store: a full first sync, delta syncs that bring exactly what changed, a sync scoped to
 * one security group (and its membership changes), scheduled syncs, and the refusals.
 */
describe('connecting a tenant and syncing people', () => {
  let app: Offramp;
  let sim: Simulator;
  let org: TestOrg;
  let tenantId: string;
  beforeAll(async () => {
    app = await startTestApp({ SIMULATOR_USERS: '60' });
    sim = app.simulator!;
    sim.configure({ latency: 0 });
    org = await makeOrg(app, 'Sync Co', 0);
  });
  afterAll(() => app?.close());

  const base = () => `/api/v1/orgs/${org.id}/tenants`;
  async function tenant() {
    return json(await org.as.admin.fetch(`${base()}/${tenantId}`));
  }
  /** Waits for the tenant's sync to end (the job runs in the app's own worker). */
  async function synced(): Promise<any> {
    for (let i = 0; i < 300; i++) {
      const t = await tenant();
      if (t.sync.state === 'succeeded' || t.sync.state === 'failed') return t;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the sync did not finish');
  }
  async function syncNow(): Promise<any> {
    const res = await org.as.admin.fetch(`${base()}/${tenantId}/sync`, { method: 'POST', json: {} });
    expect(res.status).toBe(202);
    return synced();
  }
  async function rows(where = '') {
    const { rows } = await app.store.pool.query(
      `SELECT object_id, user_principal_name, display_name, department, job_title, manager_object_id, leave_date, account_enabled, licences, devices_count, removed_at
       FROM employees WHERE org_id = $1 ${where} ORDER BY user_principal_name`,
      [org.id],
    );
    return rows;
  }
  const live = () => rows('AND removed_at IS NULL');

  it('refuses Managers and Viewers: connecting is an Admin\'s or Owner\'s', async () => {
    for (const role of ['manager', 'viewer'] as const) {
      const res = await org.as[role].fetch(`${base()}/demo`, { method: 'POST', json: {} });
      expect(res.status).toBe(403);
    }
    expect(await rows()).toEqual([]);
  });

  it('connects the demo tenant, shows what was granted, and syncs everyone in full', async () => {
    const res = await org.as.admin.fetch(`${base()}/demo`, { method: 'POST', json: {} });
    expect(res.status).toBe(201);
    const connected = await json(res);
    tenantId = connected.id;
    expect(connected).toMatchObject({ tenantId: sim.tenant.id, displayName: sim.tenant.displayName, demo: true, status: 'connected' });
    expect(connected.permissions.missing).toEqual([]);
    expect(connected.permissions.granted).toEqual(expect.arrayContaining(['User.ReadWrite.All', 'Exchange.ManageAsApp']));

    const t = await synced();
    expect(t.sync).toMatchObject({ state: 'succeeded', full: true, error: null });
    const people = sim.users();
    expect(t.sync.result).toEqual({ added: people.length, updated: 0, removed: 0, total: people.length });
    expect(t.employeeCount).toBe(people.length);

    const got = await live();
    expect(got.map((r) => r.object_id).sort()).toEqual(people.map((u) => u.id).sort());
    // Each row carries what the tenant says of the person.
    for (const u of people) {
      const r = got.find((x) => x.object_id === u.id)!;
      const s = sim.userState(u.id)!;
      expect({
        upn: r.user_principal_name,
        name: r.display_name,
        manager: r.manager_object_id,
        enabled: r.account_enabled,
        devices: r.devices_count,
        leave: r.leave_date ? new Date(r.leave_date).toISOString().slice(0, 10) : null,
        licences: [...r.licences].sort(),
      }).toEqual({
        upn: u.userPrincipalName,
        name: u.displayName,
        manager: u.managerId ?? null,
        enabled: u.accountEnabled,
        devices: s.managedDevices.length,
        leave: u.employeeLeaveDateTime ? u.employeeLeaveDateTime.slice(0, 10) : null,
        licences: [...new Set(s.licences.map((l) => l.skuPartNumber))].sort(),
      });
    }
  });

  it('lists synced people through the API with search and their manager\'s name', async () => {
    const u = sim.users().find((x) => x.managerId && x.kind === 'person')!;
    const res = await org.as.viewer.fetch(`/api/v1/orgs/${org.id}/employees?search=${encodeURIComponent(u.displayName)}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.employees).toContainEqual(expect.objectContaining({ objectId: u.id, managerName: sim.findUser(u.managerId!)!.displayName }));
  });

  it('brings exactly what changed on the next sync, through the delta link', async () => {
    const [a, b, c] = sim.users().filter((x) => x.kind === 'person').slice(5, 8) as [ReturnType<Simulator['users']>[0], ReturnType<Simulator['users']>[0], ReturnType<Simulator['users']>[0]];
    sim.admin.updateUser(a.id, { jobTitle: 'Delta Title', department: 'Delta Dept' });
    sim.admin.updateUser(b.id, { employeeLeaveDateTime: '2027-01-15T17:00:00Z' });
    sim.admin.setManager(c.id, a.id);
    const leaver = sim.users().filter((x) => x.kind === 'person').at(-1)!;
    sim.admin.deleteUser(leaver.id);
    const joiner = sim.admin.addUser({ displayName: 'Nadia Newcomer', department: 'Sales', managerId: a.id });

    const t = await syncNow();
    expect(t.sync).toMatchObject({ state: 'succeeded', full: false });
    expect(t.sync.result).toEqual({ added: 1, updated: 3, removed: 1, total: sim.users().length });

    const got = await rows();
    const row = (id: string) => got.find((r) => r.object_id === id)!;
    expect(row(a.id)).toMatchObject({ job_title: 'Delta Title', department: 'Delta Dept' });
    expect(new Date(row(b.id).leave_date).toISOString()).toBe('2027-01-15T17:00:00.000Z');
    expect(row(c.id).manager_object_id).toBe(a.id);
    expect(row(joiner.id)).toMatchObject({ display_name: 'Nadia Newcomer', manager_object_id: a.id, removed_at: null });
    expect(row(leaver.id).removed_at).not.toBeNull();

    // Nothing changed: nothing to do.
    const again = await syncNow();
    expect(again.sync.result).toEqual({ added: 0, updated: 0, removed: 0, total: sim.users().length });
  });

  it('refuses a sync scope that is not an existing security group, and changes nothing', async () => {
    const before = await tenant();
    const missing = await org.as.admin.fetch(`${base()}/${tenantId}/scope`, { method: 'PUT', json: { kind: 'group', groupId: '6d0f3a52-0000-4000-8000-000000000001' } });
    expect(missing.status).toBe(400);
    expect(await json(missing)).toMatchObject({ error: { code: 'group_not_found', message: expect.stringContaining('No group with id 6d0f3a52-0000-4000-8000-000000000001') } });
    const m365 = sim.state.groupOrder.find((g) => g.groupTypes.includes('Unified') && !g.securityEnabled)!;
    const notSecurity = await org.as.admin.fetch(`${base()}/${tenantId}/scope`, { method: 'PUT', json: { kind: 'group', groupId: m365.id } });
    expect(notSecurity.status).toBe(400);
    expect(await json(notSecurity)).toMatchObject({ error: { code: 'not_a_security_group' } });
    const bad = await org.as.admin.fetch(`${base()}/${tenantId}/scope`, { method: 'PUT', json: { kind: 'group', groupId: 'sales' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await json(bad))).toContain('groupId');
    const asManager = await org.as.manager.fetch(`${base()}/${tenantId}/scope`, { method: 'PUT', json: { kind: 'all' } });
    expect(asManager.status).toBe(403);
    expect((await tenant()).scope).toEqual(before.scope);
  });

  it('syncs only the members of one security group (nested ones included), then follows its membership', async () => {
    const people = sim.users().filter((x) => x.kind === 'person');
    const inner = sim.admin.addGroup({ displayName: 'Scope inner', kind: 'security', members: [people[20]!.id, people[21]!.id] });
    const scope = sim.admin.addGroup({ displayName: 'Offramp scope', kind: 'security', members: [people[10]!.id, people[11]!.id, people[12]!.id, inner.id] });
    const res = await org.as.admin.fetch(`${base()}/${tenantId}/scope`, { method: 'PUT', json: { kind: 'group', groupId: scope.id } });
    expect(res.status).toBe(200);
    expect((await json(res)).scope).toEqual({ kind: 'group', groupId: scope.id, groupName: 'Offramp scope' });

    const t = await syncNow();
    expect(t.sync).toMatchObject({ state: 'succeeded', full: true });
    const expected = [10, 11, 12, 20, 21].map((i) => people[i]!.id).sort();
    expect((await live()).map((r) => r.object_id).sort()).toEqual(expected);
    expect(t.employeeCount).toBe(5);

    // Membership changes in the tenant, and a change to a member, arrive by delta.
    sim.admin.removeGroupMember(scope.id, people[11]!.id);
    sim.admin.addGroupMember(scope.id, people[30]!.id);
    sim.admin.updateUser(people[10]!.id, { jobTitle: 'Scoped change' });
    sim.admin.updateUser(people[40]!.id, { jobTitle: 'Outside the scope' });
    const next = await syncNow();
    expect(next.sync).toMatchObject({ state: 'succeeded', full: false });
    const now = await live();
    expect(now.map((r) => r.object_id).sort()).toEqual([10, 12, 20, 21, 30].map((i) => people[i]!.id).sort());
    expect(now.find((r) => r.object_id === people[10]!.id)!.job_title).toBe('Scoped change');
    expect(now.find((r) => r.object_id === people[40]!.id)).toBeUndefined();

    // Back to the whole tenant: everyone again.
    await org.as.admin.fetch(`${base()}/${tenantId}/scope`, { method: 'PUT', json: { kind: 'all' } });
    const all = await syncNow();
    expect(all.sync.full).toBe(true);
    expect(all.employeeCount).toBe(sim.users().length);
  });

  it('queues scheduled syncs for tenants whose last sync is older than the interval', async () => {
    expect(await app.tenants.queueDueSyncs()).toBe(0); // just synced
    await app.store.pool.query(`UPDATE tenants SET sync_finished_at = now() - interval '1 hour' WHERE id = $1`, [tenantId]);
    sim.admin.updateUser(sim.users()[3]!.id, { jobTitle: 'Picked up on schedule' });
    expect(await app.tenants.queueDueSyncs()).toBe(1);
    const t = await synced();
    expect(t.sync.result.updated).toBe(1);
    expect((await rows()).find((r) => r.object_id === sim.users()[3]!.id)!.job_title).toBe('Picked up on schedule');
  });

  it('records a failed sync with Microsoft\'s reason, and the next one recovers', async () => {
    sim.configure({ faults: { rate: 1, kinds: ['503'], retryAfterSeconds: 0, match: '/subscribedSkus' } });
    try {
      const res = await org.as.admin.fetch(`${base()}/${tenantId}/sync`, { method: 'POST', json: {} });
      expect(res.status).toBe(202);
      const t = await synced();
      expect(t.sync).toMatchObject({ state: 'failed', error: expect.stringMatching(/503/) });
    } finally {
      sim.configure({ faults: null });
    }
    const ok = await syncNow();
    expect(ok.sync.state).toBe('succeeded');
  }, 90_000);

  it('finishes an admin consent as Microsoft sends the admin back, and refuses a replayed or forged one', async () => {
    const other = await makeOrg(app, 'Consent Co', 10);
    const start = await other.as.admin.fetch(`/api/v1/orgs/${other.id}/tenants/consent`, { method: 'POST', json: {} });
    expect(start.status).toBe(200);
    const { url } = await json(start);
    const consent = new URL(url);
    expect(consent.pathname).toBe('/organizations/v2.0/adminconsent');
    expect(consent.searchParams.get('redirect_uri')).toBe(`${app.publicUrl}/auth/consent/callback`);
    const state = consent.searchParams.get('state')!;

    const back = await fetch(`${app.url}/auth/consent/callback?admin_consent=True&tenant=${sim.tenant.id}&state=${state}`, { redirect: 'manual' });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toMatch(/^\/tabs\/tenants\?connected=[0-9a-f-]{36}$/);
    const list = await json(await other.as.viewer.fetch(`/api/v1/orgs/${other.id}/tenants`));
    expect(list).toEqual([expect.objectContaining({ tenantId: sim.tenant.id, demo: false, status: 'connected' })]);

    const replay = await fetch(`${app.url}/auth/consent/callback?admin_consent=True&tenant=${sim.tenant.id}&state=${state}`, { redirect: 'manual' });
    expect(decodeURIComponent(replay.headers.get('location')!)).toMatch(/consentError=.*took too long or was already used/);
    const refused = await fetch(`${app.url}/auth/consent/callback?error=access_denied&error_description=${encodeURIComponent('The admin declined.')}&state=nope`, { redirect: 'manual' });
    expect(refused.headers.get('location')).toMatch(/consentError=/);
  });

  it('disconnects: no more syncs, the people stay listed as they were', async () => {
    const before = (await live()).length;
    const res = await org.as.admin.fetch(`${base()}/${tenantId}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    const t = await tenant();
    expect(t.status).toBe('disconnected');
    const again = await org.as.admin.fetch(`${base()}/${tenantId}/sync`, { method: 'POST', json: {} });
    expect(again.status).toBe(409);
    expect((await live()).length).toBe(before);
    const audit = await app.store.pool.query(`SELECT action FROM audit_events WHERE org_id = $1 AND action LIKE 'tenant.%' ORDER BY seq`, [org.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['tenant.connected', 'tenant.scope_changed', 'tenant.sync_requested', 'tenant.disconnected']));
  });
});
