import type { SimGroup } from '../../server/simulator/tenant/model.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import { expectGraphError, graphClient, startTestSimulator, type GraphClient } from './helpers.js';

/** Groups of every kind, membership by reference and Microsoft's refusals; Teams; licences. */
describe('simulated Graph: groups, Teams and licences', () => {
  let sim: Simulator;
  let graph: GraphClient;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'groups' });
    graph = await graphClient(sim);
  });
  afterAll(() => sim?.close());

  const groups = () => sim.state.groupOrder;
  const find = (test: (g: SimGroup) => boolean) => groups().find(test)!;
  const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
  const person = (test: (u: ReturnType<Simulator['users']>[number]) => boolean = () => true) => sim.users().find((u) => u.kind === 'person' && test(u))!;

  it('seeds every kind of group', () => {
    const kinds = new Set(groups().map((g) => sim.groupState(g.id)!.kind));
    expect([...kinds].sort()).toEqual(['distribution', 'dynamic', 'mailEnabledSecurity', 'microsoft365', 'security', 'team'].sort());
    expect(groups().some((g) => g.onPremisesSyncEnabled)).toBe(true);
    expect(groups().some((g) => g.assignedLicenses.length > 0)).toBe(true);
  });

  it('lists groups and filters Microsoft 365 groups with groupTypes/any', async () => {
    const all = await graph.all('/groups?$select=id,displayName,groupTypes,mailEnabled,securityEnabled,resourceProvisioningOptions');
    expect(all.items).toHaveLength(groups().length);
    const unified = await graph.all("/groups?$filter=groupTypes/any(c:c eq 'Unified')&$select=id,groupTypes");
    expect(unified.items.length).toBe(groups().filter((g) => g.groupTypes.includes('Unified')).length);
    const one = find((g) => g.groupTypes.includes('DynamicMembership'));
    const r = await graph.get(`/groups/${one.id}`);
    expect(r.body).toMatchObject({ id: one.id, groupTypes: ['DynamicMembership'], membershipRule: one.membershipRule, membershipRuleProcessingState: 'On' });
  });

  it('pages members of a large group, counts them, and lists transitive members of a nested group', async () => {
    const everyone = find((g) => g.displayName === 'All Company');
    const { items } = await graph.all(`/groups/${everyone.id}/members?$top=50&$select=id`);
    expect(items.map((m) => m.id).sort()).toEqual([...everyone.members].sort());
    expect(items[0]['@odata.type']).toBe('#microsoft.graph.user');
    const count = await graph.get(`/groups/${everyone.id}/members/$count`, { ConsistencyLevel: 'eventual' });
    expect(count.body).toBe(everyone.members.size);
    const leadership = find((g) => g.displayName === 'Leadership');
    const managers = find((g) => g.displayName === 'Managers');
    const direct = await graph.all(`/groups/${leadership.id}/members?$select=id,displayName`);
    expect(direct.items.find((m) => m.id === managers.id)['@odata.type']).toBe('#microsoft.graph.group');
    const transitive = await graph.all(`/groups/${leadership.id}/transitiveMembers?$select=id`);
    expect(transitive.items.map((m) => m.id)).toEqual(expect.arrayContaining([...managers.members]));
    const users = await graph.all(`/groups/${leadership.id}/transitiveMembers/microsoft.graph.user?$select=id`);
    expect(users.items.map((m) => m.id).sort()).toEqual([...new Set([...managers.members, ...[...leadership.members].filter((id) => !sim.state.groups.has(id))])].sort());
  });

  it('adds and removes a member by reference (204), with Microsoft\'s errors for duplicates and non-members', async () => {
    const g = find((x) => x.displayName.startsWith('SG-') && !x.onPremisesSyncEnabled);
    const u = person((x) => !g.members.has(x.id));
    expect((await graph.post(`/groups/${g.id}/members/$ref`, ref(u.id))).status).toBe(204);
    expect(sim.state.memberOf(u.id)).toContain(g.id);
    expectGraphError(await graph.post(`/groups/${g.id}/members/$ref`, ref(u.id)), 400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");
    expect((await graph.del(`/groups/${g.id}/members/${u.id}/$ref`)).status).toBe(204);
    expectGraphError(await graph.del(`/groups/${g.id}/members/${u.id}/$ref`), 404, 'Request_ResourceNotFound');
    expectGraphError(await graph.post(`/groups/${g.id}/members/$ref`, { '@odata.id': 'nonsense' }), 400, 'Request_BadRequest', /Invalid object identifier/);
    expectGraphError(await graph.post(`/groups/${g.id}/members/$ref`, ref('00000000-0000-4000-8000-000000000009')), 404, 'Request_ResourceNotFound');
  });

  it.each([
    ['a dynamic group', (g: SimGroup) => g.groupTypes.includes('DynamicMembership'), 403, 'Authorization_RequestDenied', /Insufficient privileges/],
    ['a distribution list', (g: SimGroup) => g.mailEnabled && !g.securityEnabled && !g.groupTypes.length && !g.onPremisesSyncEnabled, 400, 'Request_BadRequest', /mail-enabled security groups and or distribution list/],
    ['a mail-enabled security group', (g: SimGroup) => g.mailEnabled && g.securityEnabled && !g.groupTypes.length, 400, 'Request_BadRequest', /mail-enabled security groups and or distribution list/],
    ['an on-premises group', (g: SimGroup) => !!g.onPremisesSyncEnabled, 400, 'Request_BadRequest', /on-premises mastered/],
  ] as const)('refuses to change the members of %s', async (_kind, test, status, code, message) => {
    const g = find(test);
    const member = [...g.members][0]!;
    const outsider = person((u) => !g.members.has(u.id));
    expectGraphError(await graph.del(`/groups/${g.id}/members/${member}/$ref`), status, code, message);
    expectGraphError(await graph.post(`/groups/${g.id}/members/$ref`, ref(outsider.id)), status, code, message);
    expect(g.members.has(member)).toBe(true);
  });

  it('keeps dynamic membership by rule when a user changes department', async () => {
    const u = person((x) => x.department === 'Sales' && !x.onPremisesSyncEnabled);
    const sales = find((g) => g.displayName === 'Sales (dynamic)');
    const legal = find((g) => g.displayName === 'Legal (dynamic)');
    expect(sales.members.has(u.id)).toBe(true);
    expect((await graph.patch(`/users/${u.id}`, { department: 'Legal' })).status).toBe(204);
    expect(sales.members.has(u.id)).toBe(false);
    expect(legal.members.has(u.id)).toBe(true);
  });

  it('lists joined teams and team members, and removes a member from a team (and its group)', async () => {
    const team = find((g) => g.resourceProvisioningOptions.includes('Team') && g.displayName.startsWith('Project') && g.members.size > 1);
    const userId = [...team.members][0]!;
    const joined = await graph.all(`/users/${userId}/joinedTeams`);
    expect(joined.items.map((t) => t.id)).toContain(team.id);
    expect(joined.items[0]).toMatchObject({ displayName: expect.any(String), isArchived: false, tenantId: sim.tenant.id });
    const members = await graph.get(`/teams/${team.id}/members`);
    expect(members.status).toBe(200);
    const mine = members.body.value.find((m: any) => m.userId === userId);
    expect(mine).toMatchObject({ '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: team.owners.has(userId) ? ['owner'] : [], email: expect.any(String) });
    expect((await graph.del(`/teams/${team.id}/members/${encodeURIComponent(mine.id)}`)).status).toBe(204);
    expect(team.members.has(userId)).toBe(false);
    expect((await graph.del(`/teams/${team.id}/members/${encodeURIComponent(mine.id)}`)).status).toBe(404);
    const notTeam = find((g) => !g.resourceProvisioningOptions.includes('Team'));
    expect((await graph.get(`/teams/${notTeam.id}/members`)).status).toBe(404);
  });

  it('lists subscribed SKUs with consumed units that match a recount', async () => {
    const r = await graph.get('/subscribedSkus');
    const parts = r.body.value.map((s: any) => s.skuPartNumber);
    expect(parts).toEqual(['SPE_E3', 'SPE_E5', 'EXCHANGESTANDARD', 'POWER_BI_PRO', 'TEAMS_EXPLORATORY']);
    const recount = sim.state.recountLicences();
    for (const s of r.body.value) {
      expect(s.consumedUnits).toBe(recount.get(s.skuId) ?? 0);
      expect(s.prepaidUnits.enabled).toBeGreaterThanOrEqual(s.consumedUnits);
      expect(s.id).toBe(`${sim.tenant.id}_${s.skuId}`);
    }
  });

  it('shows direct and group-inherited licences in licenseAssignmentStates and licenseDetails', async () => {
    const lic = find((g) => g.assignedLicenses.length > 0);
    const u = sim.users().find((x) => lic.members.has(x.id))!;
    const r = await graph.get(`/users/${u.id}?$select=assignedLicenses,licenseAssignmentStates`);
    expect(r.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: lic.assignedLicenses[0]!.skuId, assignedByGroup: lic.id, state: 'Active' }));
    const details = await graph.get(`/users/${u.id}/licenseDetails`);
    expect(details.body.value.map((d: any) => d.skuPartNumber)).toContain('SPE_E3');
    expect(details.body.value[0].servicePlans[0]).toMatchObject({ servicePlanId: expect.any(String), provisioningStatus: 'Success', appliesTo: 'User' });
  });

  it('assigns and removes direct licences with assignLicense; refuses inherited, unknown and unassigned ones', async () => {
    const lic = find((g) => g.assignedLicenses.length > 0);
    const inherited = lic.assignedLicenses[0]!.skuId;
    const u = sim.users().find((x) => lic.members.has(x.id) && !x.licences.some((l) => l.skuId === inherited))!;
    const powerBi = sim.state.skus.find((s) => s.skuPartNumber === 'POWER_BI_PRO')!.skuId;
    const hasBi = u.licences.some((l) => l.skuId === powerBi);
    const before = sim.state.consumedUnits(powerBi);
    const add = await graph.post(`/users/${u.id}/assignLicense`, { addLicenses: hasBi ? [] : [{ skuId: powerBi, disabledPlans: [] }], removeLicenses: [] });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ '@odata.context': `${sim.url}/v1.0/$metadata#users/$entity`, id: u.id });
    expect(sim.state.consumedUnits(powerBi)).toBe(hasBi ? before : before + 1);
    expect((await graph.post(`/users/${u.id}/assignLicense`, { addLicenses: [], removeLicenses: [powerBi] })).status).toBe(200);
    expect(sim.state.consumedUnits(powerBi)).toBe(hasBi ? before - 1 : before);
    expectGraphError(await graph.post(`/users/${u.id}/assignLicense`, { addLicenses: [], removeLicenses: [inherited] }), 400, 'Request_BadRequest', 'User license is inherited from a group membership and it cannot be removed directly from the user.');
    expectGraphError(await graph.post(`/users/${u.id}/assignLicense`, { addLicenses: [], removeLicenses: [powerBi] }), 400, 'Request_BadRequest', 'User does not have a corresponding license.');
    expectGraphError(await graph.post(`/users/${u.id}/assignLicense`, { addLicenses: [{ skuId: '11111111-1111-4111-8111-111111111111' }], removeLicenses: [] }), 400, 'Request_BadRequest', /does not correspond to a valid company License/);
    expectGraphError(await graph.post(`/users/${u.id}/assignLicense`, { addLicenses: [] }), 400, 'Request_BadRequest', /removeLicenses/);
    expect(sim.state.recountLicences().get(powerBi)).toBe(sim.state.consumedUnits(powerBi));
  });

  it('drops a group-inherited licence when the user leaves the licensing group', async () => {
    const lic = find((g) => g.assignedLicenses.length > 0);
    const sku = lic.assignedLicenses[0]!.skuId;
    const u = sim.users().find((x) => lic.members.has(x.id) && !x.licences.some((l) => l.skuId === sku))!;
    const before = sim.state.consumedUnits(sku);
    expect((await graph.del(`/groups/${lic.id}/members/${u.id}/$ref`)).status).toBe(204);
    const r = await graph.get(`/users/${u.id}?$select=assignedLicenses`);
    expect(r.body.assignedLicenses.map((l: any) => l.skuId)).not.toContain(sku);
    expect(sim.state.consumedUnits(sku)).toBe(before - 1);
  });
});
