import type { Simulator } from '../../server/simulator/simulator.js';
import { seedTenant } from '../../server/simulator/tenant/seed-tenant.js';
import { exchangeClient, graphClient, startTestSimulator } from './helpers.js';

/** The seeded tenant, and the state inspection API tests and the demo use. */
describe('simulated tenant: seed and state inspection', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'inspect', users: 120 });
  });
  afterAll(() => sim?.close());

  const json = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${sim.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('seeds the same tenant for the same seed, and another for another seed', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const a = seedTenant({ seed: 's1', users: 60, now });
    const b = seedTenant({ seed: 's1', users: 60, now });
    const c = seedTenant({ seed: 's2', users: 60, now });
    const ids = (s: typeof a) => s.userOrder.map((u) => `${u.id}:${u.userPrincipalName}:${u.licences.map((l) => l.skuId)}`).join();
    expect(ids(a)).toBe(ids(b));
    expect(ids(a)).not.toBe(ids(c));
    expect(a.groupOrder.map((g) => [...g.members].join()).join('|')).toBe(b.groupOrder.map((g) => [...g.members].join()).join('|'));
    expect(JSON.stringify(a.personal(a.userOrder[10]!.id))).toBe(JSON.stringify(b.personal(b.userOrder[10]!.id)));
  });

  it('seeds what offboarding meets: leavers, shared mailboxes, synced users, forwarding, permissions, devices, methods', () => {
    const s = sim.state;
    const people = sim.users().filter((u) => u.kind === 'person');
    expect(people).toHaveLength(120);
    expect(people.some((u) => u.employeeLeaveDateTime)).toBe(true);
    expect(people.every((u) => u.id === people[0]!.id || u.managerId)).toBe(true);
    expect(sim.users().filter((u) => u.kind === 'shared').every((u) => s.mailboxes.get(u.id)?.type === 'SharedMailbox' && !u.accountEnabled)).toBe(true);
    expect(s.fullAccess.all().length).toBeGreaterThan(3);
    expect(s.sendAs.all().length).toBeGreaterThan(0);
    expect(s.folderGrants.all().length).toBeGreaterThan(0);
    expect(s.managedDevices.size).toBeGreaterThan(people.length);
    expect(s.mobileDevices.size).toBeGreaterThan(10);
    expect(people.some((u) => s.licenceStates(u).some((l) => l.assignedByGroup) && u.licences.length)).toBe(true);
    expect(s.recountLicences()).toEqual(new Map(s.skus.filter((k) => s.consumedUnits(k.skuId)).map((k) => [k.skuId, s.consumedUnits(k.skuId)])));
  });

  it('returns the whole state, or a summary, at GET /_sim/state', async () => {
    const summary = await json('/_sim/state?summary=true');
    expect(summary.body).toMatchObject({ tenant: { id: sim.tenant.id }, counts: { users: sim.users().length, mailboxes: expect.any(Number) }, skus: expect.any(Array), apps: [expect.objectContaining({ clientId: sim.demoApp.clientId })] });
    expect(summary.body.users).toBeUndefined();
    const full = await json('/_sim/state');
    expect(full.body.users).toHaveLength(sim.users().length);
    expect(full.body.users[0].passwordHash).toBeUndefined();
    expect(full.body.groups[0]).toMatchObject({ members: expect.any(Array), kind: expect.any(String) });
  });

  it('returns one person with everything offboarding touches at /_sim/state/users/{id}', async () => {
    const u = sim.users().find((x) => sim.state.mailboxes.has(x.id) && sim.state.managedDevicesOf(x.id).length)!;
    const r = await json(`/_sim/state/users/${u.userPrincipalName}`);
    expect(r.body).toMatchObject({
      user: { id: u.id, accountEnabled: true },
      deleted: false,
      memberOf: expect.arrayContaining([expect.objectContaining({ kind: expect.any(String) })]),
      licences: expect.any(Array),
      mailbox: { type: 'UserMailbox', exchangeGuid: expect.any(String) },
      managedDevices: expect.any(Array),
      registeredDevices: expect.any(Array),
      authenticationMethods: expect.arrayContaining([expect.objectContaining({ kind: 'password' })]),
    });
    expect(sim.userState(u.id)).toEqual(r.body);
    expect((await json('/_sim/state/users/nobody')).status).toBe(404);
  });

  it('logs every mutating call in order, with method, path or cmdlet, parameters, status and request-id', async () => {
    const since = sim.mutations().length;
    const graph = await graphClient(sim);
    const exo = await exchangeClient(sim);
    const u = sim.users().find((x) => sim.state.mailboxes.has(x.id) && !x.onPremisesSyncEnabled)!;
    await graph.get(`/users/${u.id}`);
    const patch = await graph.patch(`/users/${u.id}`, { accountEnabled: false });
    await exo.invoke('Get-Mailbox', { Identity: u.id });
    await exo.invoke('Set-Mailbox', { Identity: u.id, Type: 'Shared' });
    const log = (await json(`/_sim/log?since=${since}`)).body;
    expect(log).toEqual([
      expect.objectContaining({ seq: since + 1, service: 'graph', method: 'PATCH', path: `/users/${u.id}`, parameters: { accountEnabled: false }, status: 204, requestId: patch.headers.get('request-id'), appId: sim.demoApp.clientId, time: expect.any(String) }),
      expect.objectContaining({ seq: since + 2, service: 'exchange', cmdlet: 'Set-Mailbox', parameters: { Identity: u.id, Type: 'Shared' }, status: 200 }),
    ]);
    expect(sim.mutations(since)).toEqual(log);
  });

  it('changes the tenant as an admin would, over HTTP too, and registers apps with their consented roles', async () => {
    const added = await json('/_sim/admin/addUser', { method: 'POST', body: JSON.stringify({ args: [{ displayName: 'Via Http', department: 'Sales' }] }) });
    expect(added.body.result).toMatchObject({ displayName: 'Via Http', userPrincipalName: 'via.http@contoso.com' });
    expect(sim.findUser('via.http@contoso.com')).toBeDefined();
    expect((await json('/_sim/admin/nope', { method: 'POST', body: '{}' })).status).toBe(404);
    const app = await json('/_sim/apps', { method: 'POST', body: JSON.stringify({ displayName: 'Driver test', roles: ['User.Read.All'] }) });
    expect(app.body).toMatchObject({ clientId: expect.any(String), clientSecret: expect.any(String), appRoles: ['User.Read.All'] });
    const roles = await json(`/_sim/apps/${app.body.clientId}/roles`, { method: 'POST', body: JSON.stringify({ roles: ['Group.Read.All'] }) });
    expect(roles.body.appRoles).toEqual(['Group.Read.All']);
  });

  it('resets to the seeded tenant (POST /_sim/reset), keeping apps', async () => {
    const u = sim.users()[3]!;
    sim.admin.updateUser(u.id, { jobTitle: 'Changed before reset' });
    expect((await json('/_sim/reset', { method: 'POST' })).body).toEqual({ ok: true });
    expect(sim.findUser(u.id)!.jobTitle).not.toBe('Changed before reset');
    expect(sim.findUser('via.http@contoso.com')).toBeUndefined();
    expect(sim.mutations()).toEqual([]);
    const graph = await graphClient(sim);
    expect((await graph.get(`/users/${u.id}`)).status).toBe(200);
  });
});
