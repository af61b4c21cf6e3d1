import type { Simulator } from '../../server/simulator/simulator.js';
import { expectGraphError, graphClient, startTestSimulator, type GraphClient } from './helpers.js';

/** Microsoft Graph /users: reads, paging, $select/$filter/$count, writes, errors, permissions. */
describe('simulated Graph: users', () => {
  let sim: Simulator;
  let graph: GraphClient;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'users' });
    graph = await graphClient(sim);
  });
  afterAll(() => sim?.close());

  const person = (i: number) => sim.users()[i]!;

  it('lists users with @odata.context, default properties and 100 a page', async () => {
    const r = await graph.get('/users');
    expect(r.status).toBe(200);
    expect(r.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(r.body['@odata.context']).toBe(`${sim.url}/v1.0/$metadata#users`);
    expect(r.body.value).toHaveLength(100);
    expect(Object.keys(r.body.value[0]).sort()).toEqual(
      ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'].sort(),
    );
    expect(r.body['@odata.nextLink']).toMatch(/\$skiptoken=/);
  });

  it('pages through every user with $top and nextLink, each once', async () => {
    const { items, last } = await graph.all('/users?$top=37&$select=id,displayName');
    expect(items.map((u) => u.id)).toEqual(sim.users().map((u) => u.id));
    expect(new Set(items.map((u) => u.id)).size).toBe(items.length);
    expect(last.body['@odata.nextLink']).toBeUndefined();
    expect(Object.keys(items[0])).toEqual(['id', 'displayName']);
  });

  it('refuses a page size over 999 and an unknown $select property as Graph does', async () => {
    expectGraphError(await graph.get('/users?$top=1000'), 400, 'Request_UnsupportedQuery', "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
    expectGraphError(await graph.get('/users?$select=displayName,notAProperty'), 400, 'Request_BadRequest', /Could not find a property named 'notAProperty'/);
  });

  it('filters by id, userPrincipalName, startswith(displayName) and accountEnabled', async () => {
    const u = person(12);
    expect((await graph.get(`/users?$filter=id eq '${u.id}'`)).body.value.map((x: any) => x.id)).toEqual([u.id]);
    expect((await graph.get(`/users?$filter=userPrincipalName eq '${u.userPrincipalName.toUpperCase()}'`)).body.value.map((x: any) => x.id)).toEqual([u.id]);
    const prefix = u.displayName.slice(0, 3);
    const starts = await graph.all(`/users?$filter=startswith(displayName,'${prefix}')&$select=displayName`);
    expect(starts.items.length).toBe(sim.users().filter((x) => x.displayName.toLowerCase().startsWith(prefix.toLowerCase())).length);
    const disabled = await graph.all('/users?$filter=accountEnabled eq false&$select=id,accountEnabled');
    expect(disabled.items.length).toBeGreaterThan(0);
    expect(disabled.items.every((x) => x.accountEnabled === false)).toBe(true);
  });

  it('needs ConsistencyLevel: eventual for $count and for advanced operators', async () => {
    expectGraphError(await graph.get('/users?$count=true'), 400, 'Request_BadRequest', '$count is not currently supported.');
    expectGraphError(await graph.get('/users/$count'), 400, 'Request_BadRequest', '$count is not currently supported.');
    const count = await graph.get('/users/$count', { ConsistencyLevel: 'eventual' });
    expect(count.body).toBe(sim.users().length);
    const listed = await graph.get('/users?$count=true&$top=5', { ConsistencyLevel: 'eventual' });
    expect(listed.body['@odata.count']).toBe(sim.users().length);
    expectGraphError(await graph.get("/users?$filter=endswith(mail,'@contoso.com')"), 400, 'Request_UnsupportedQuery');
    const adv = await graph.get("/users?$filter=endswith(mail,'@contoso.com')&$count=true", { ConsistencyLevel: 'eventual' });
    expect(adv.status).toBe(200);
  });

  it('reads a user by id and by UPN; unknown ids are 404 Request_ResourceNotFound', async () => {
    const u = person(3);
    const byId = await graph.get(`/users/${u.id}?$select=id,accountEnabled,department,employeeLeaveDateTime,assignedLicenses,licenseAssignmentStates`);
    expect(byId.body['@odata.context']).toBe(`${sim.url}/v1.0/$metadata#users(id,accountEnabled,department,employeeLeaveDateTime,assignedLicenses,licenseAssignmentStates)/$entity`);
    expect(byId.body).toMatchObject({ id: u.id, accountEnabled: true, department: u.department });
    expect((await graph.get(`/users/${encodeURIComponent(u.userPrincipalName)}`)).body.id).toBe(u.id);
    expectGraphError(await graph.get('/users/00000000-0000-4000-8000-000000000000'), 404, 'Request_ResourceNotFound', "Resource '00000000-0000-4000-8000-000000000000' does not exist or one of its queried reference-property objects are not present.");
    expectGraphError(await graph.get('/nonsense'), 400, 'BadRequest', "Resource not found for the segment 'nonsense'.");
  });

  it('expands the manager', async () => {
    const u = sim.users().find((x) => x.managerId)!;
    const r = await graph.get(`/users/${u.id}?$select=id&$expand=manager($select=id,displayName)`);
    expect(r.body.manager).toEqual({ '@odata.type': '#microsoft.graph.user', id: u.managerId, displayName: sim.findUser(u.managerId!)!.displayName });
  });

  it('disables sign-in, resets the password and forces a change (PATCH, 204)', async () => {
    const u = person(20);
    const r = await graph.patch(`/users/${u.id}`, { accountEnabled: false, passwordProfile: { password: 'Tr0ub4dor&3-long', forceChangePasswordNextSignIn: true } });
    expect(r.status).toBe(204);
    const state = sim.userState(u.id)!;
    expect(state.user).toMatchObject({ accountEnabled: false, forceChangePasswordNextSignIn: true, passwordSet: true });
    const read = await graph.get(`/users/${u.id}?$select=accountEnabled,passwordProfile`);
    expect(read.body).toMatchObject({ accountEnabled: false, passwordProfile: { password: null, forceChangePasswordNextSignIn: true } });
    expect(sim.mutations().at(-1)).toMatchObject({ method: 'PATCH', path: `/users/${u.id}`, status: 204, parameters: { accountEnabled: false, passwordProfile: { password: '***' } } });
  });

  it('refuses bad PATCH bodies: unknown, read-only and mistyped properties, weak passwords', async () => {
    const u = person(21);
    expectGraphError(await graph.patch(`/users/${u.id}`, { colour: 'blue' }), 400, 'Request_BadRequest', "Property 'colour' does not exist as a declared property or extension property.");
    expectGraphError(await graph.patch(`/users/${u.id}`, { createdDateTime: '2020-01-01T00:00:00Z' }), 400, 'Request_BadRequest', /read-only/);
    expectGraphError(await graph.patch(`/users/${u.id}`, { showInAddressList: false }), 400, 'Request_BadRequest', /read-only/);
    expectGraphError(await graph.patch(`/users/${u.id}`, { accountEnabled: 'no' }), 400, 'Request_BadRequest', "Invalid value specified for property 'accountEnabled' of resource 'User'.");
    expectGraphError(await graph.patch(`/users/${u.id}`, { passwordProfile: { password: 'short' } }), 400, 'Request_BadRequest', /password complexity/);
    const bad = await fetch(`${sim.url}/v1.0/users/${u.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${graph.token}`, 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(sim.findUser(u.id)!.accountEnabled).toBe(true);
  });

  it('refuses to change a user synchronised from on-premises', async () => {
    const synced = sim.users().find((x) => x.onPremisesSyncEnabled)!;
    expect(synced).toBeDefined();
    expectGraphError(await graph.patch(`/users/${synced.id}`, { accountEnabled: false }), 400, 'Request_BadRequest', /on-premises mastered Directory Sync objects/);
    expect((await graph.patch(`/users/${synced.id}`, { usageLocation: 'GB' })).status).toBe(204);
  });

  it('revokes sign-in sessions: always 200 {value: true}, and moves signInSessionsValidFromDateTime', async () => {
    const u = person(22);
    const before = sim.findUser(u.id)!.signInSessionsValidFromDateTime;
    for (let i = 0; i < 2; i++) {
      const r = await graph.post(`/users/${u.id}/revokeSignInSessions`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ '@odata.context': `${sim.url}/v1.0/$metadata#Edm.Boolean`, value: true });
    }
    expect(sim.findUser(u.id)!.signInSessionsValidFromDateTime > before).toBe(true);
  });

  it('reads, replaces and removes the manager; lists direct reports', async () => {
    const u = sim.users().find((x) => x.managerId && !x.onPremisesSyncEnabled)!;
    const boss = sim.findUser(u.managerId!)!;
    const m = await graph.get(`/users/${u.id}/manager?$select=id,displayName`);
    expect(m.body).toMatchObject({ '@odata.type': '#microsoft.graph.user', id: boss.id });
    const reports = await graph.all(`/users/${boss.id}/directReports?$select=id`);
    expect(reports.items.map((x) => x.id)).toContain(u.id);
    const other = person(0);
    expect((await graph.put(`/users/${u.id}/manager/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/users/${other.id}` })).status).toBe(204);
    expect(sim.findUser(u.id)!.managerId).toBe(other.id);
    expectGraphError(await graph.put(`/users/${u.id}/manager/$ref`, { '@odata.id': 'https://graph.microsoft.com/v1.0/users/00000000-0000-4000-8000-000000000001' }), 404, 'Request_ResourceNotFound');
    expect((await graph.del(`/users/${u.id}/manager/$ref`)).status).toBe(204);
    expectGraphError(await graph.get(`/users/${u.id}/manager`), 404, 'Request_ResourceNotFound', /Resource 'manager' does not exist/);
    expectGraphError(await graph.del(`/users/${u.id}/manager/$ref`), 404, 'Request_ResourceNotFound');
  });

  it('lists memberOf (direct) and transitiveMemberOf (through nesting) as typed groups', async () => {
    const head = person(1);
    const direct = await graph.all(`/users/${head.id}/memberOf?$select=id,displayName`);
    expect(direct.items.every((g) => g['@odata.type'] === '#microsoft.graph.group')).toBe(true);
    const names = direct.items.map((g) => g.displayName);
    expect(names).toContain('Managers');
    expect(names).not.toContain('Leadership');
    const transitive = await graph.all(`/users/${head.id}/transitiveMemberOf?$select=displayName`);
    expect(transitive.items.map((g) => g.displayName)).toEqual(expect.arrayContaining(['Managers', 'Leadership']));
    const unified = await graph.all(`/users/${head.id}/memberOf/microsoft.graph.group?$filter=groupTypes/any(c:c eq 'Unified')&$select=groupTypes`);
    expect(unified.items.length).toBeGreaterThan(0);
    expect(unified.items.every((g) => g.groupTypes.includes('Unified'))).toBe(true);
  });

  it('deletes a user to deleted items, lists them with the mangled UPN, restores them with memberships and licences', async () => {
    const u = sim.users().find((x) => !x.onPremisesSyncEnabled && sim.state.memberOf(x.id).length > 2 && x.kind === 'person' && sim.state.assignedLicences(x).length)!;
    const groups = sim.state.memberOf(u.id).sort();
    const skus = sim.state.assignedLicences(u).map((l) => l.skuId);
    const consumed = skus.map((s) => sim.state.consumedUnits(s));
    expect((await graph.del(`/users/${u.id}`)).status).toBe(204);
    expectGraphError(await graph.get(`/users/${u.id}`), 404, 'Request_ResourceNotFound');
    expect(skus.map((s) => sim.state.consumedUnits(s))).toEqual(consumed.map((c) => c - 1));
    const deleted = await graph.all('/directory/deletedItems/microsoft.graph.user?$select=id,userPrincipalName,deletedDateTime');
    expect(deleted.items).toContainEqual({ id: u.id, userPrincipalName: `${u.id.replace(/-/g, '')}${u.userPrincipalName}`, deletedDateTime: expect.any(String) });
    const restored = await graph.post(`/directory/deletedItems/${u.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ '@odata.type': '#microsoft.graph.user', id: u.id, userPrincipalName: u.userPrincipalName });
    expect(sim.state.memberOf(u.id).sort()).toEqual(groups);
    expect(skus.map((s) => sim.state.consumedUnits(s))).toEqual(consumed);
    expectGraphError(await graph.post(`/directory/deletedItems/${u.id}/restore`), 404, 'Request_ResourceNotFound');
  });

  it('purges deleted users after 30 days', async () => {
    const u = sim.admin.addUser({ displayName: 'Temp Person' });
    expect((await graph.del(`/users/${u.id}`)).status).toBe(204);
    expect((await graph.get(`/directory/deletedItems/${u.id}`)).status).toBe(200);
    sim.admin.advanceClock(31 * 24 * 3600_000);
    try {
      expectGraphError(await graph.get(`/directory/deletedItems/${u.id}`), 404, 'Request_ResourceNotFound');
    } finally {
      sim.admin.advanceClock(-31 * 24 * 3600_000);
    }
  });

  it('answers 401 InvalidAuthenticationToken without a valid token, for the wrong audience, or expired', async () => {
    const bare = await fetch(`${sim.url}/v1.0/users`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await bare.json()).error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
    const exchangeToken = await sim.appToken('exchange');
    const wrongAud = await fetch(`${sim.url}/v1.0/users`, { headers: { authorization: `Bearer ${exchangeToken}` } });
    expect((await wrongAud.json()).error).toMatchObject({ code: 'InvalidAuthenticationToken', message: expect.stringMatching(/audience/) });
    const expired = await sim.identity.sign({ aud: 'https://graph.microsoft.com', tid: sim.tenant.id, roles: ['User.Read.All'], azp: sim.demoApp.clientId }, { expiresInSeconds: -60 });
    const old = await fetch(`${sim.url}/v1.0/users`, { headers: { authorization: `Bearer ${expired}` } });
    expect((await old.json()).error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' });
  });

  it('answers 403 Authorization_RequestDenied when the app lacks the permission', async () => {
    const reader = sim.registerApp({ displayName: 'Reader', roles: ['User.Read.All'] });
    const g = await graphClient(sim, reader);
    expect((await g.get('/users?$top=1')).status).toBe(200);
    const u = person(30);
    expectGraphError(await g.patch(`/users/${u.id}`, { accountEnabled: false }), 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    expectGraphError(await g.get('/users?$select=employeeLeaveDateTime'), 403, 'Authorization_RequestDenied');
    expect(sim.findUser(u.id)!.accountEnabled).toBe(true);
    // Password reset needs User-PasswordProfile.ReadWrite.All even with User.ReadWrite.All.
    sim.setAppRoles(reader.clientId, ['User.ReadWrite.All']);
    const writer = await graphClient(sim, reader);
    expect((await writer.patch(`/users/${u.id}`, { accountEnabled: false })).status).toBe(204);
    expectGraphError(await writer.patch(`/users/${u.id}`, { passwordProfile: { password: 'An0ther-Secret!' } }), 403, 'Authorization_RequestDenied');
    expect(sim.mutations().at(-1)).toMatchObject({ status: 403, appId: reader.clientId });
  });
});
