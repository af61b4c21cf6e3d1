import type { Simulator } from '../../server/simulator/simulator.js';
import { expectGraphError, graphClient, startTestSimulator, type GraphClient } from './helpers.js';

/** Delta queries on users and groups, and JSON batching. */
describe('simulated Graph: delta and $batch', () => {
  let sim: Simulator;
  let graph: GraphClient;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'delta' });
    graph = await graphClient(sim);
  });
  afterAll(() => sim?.close());

  /** Runs a delta round to its deltaLink. */
  async function round(start: string) {
    const items: any[] = [];
    let next: string | undefined = start;
    let deltaLink: string | undefined;
    let pages = 0;
    while (next) {
      const r = await graph.get(next);
      expect(r.status).toBe(200);
      items.push(...r.body.value);
      pages++;
      next = r.body['@odata.nextLink'];
      deltaLink = r.body['@odata.deltaLink'];
      if (next) expect(deltaLink).toBeUndefined();
    }
    return { items, deltaLink: deltaLink!, pages };
  }

  it('tracks users: a full first round, then only what changed (updates, new, deleted, purged, manager)', async () => {
    const first = await round('/users/delta?$select=displayName,jobTitle,accountEnabled,manager&$top=50');
    expect(first.items.map((u) => u.id).sort()).toEqual(sim.users().map((u) => u.id).sort());
    expect(first.pages).toBe(Math.ceil(sim.users().length / 50));
    expect(first.deltaLink).toMatch(/\$deltatoken=/);
    const withManager = first.items.find((u) => u['manager@delta']?.length);
    expect(withManager['manager@delta'][0]).toEqual({ '@odata.type': '#microsoft.graph.user', id: expect.any(String) });

    const [a, b, c, d] = sim.users().filter((u) => u.kind === 'person' && u.managerId && !u.onPremisesSyncEnabled).slice(0, 4);
    await graph.patch(`/users/${a!.id}`, { jobTitle: 'Leaving soon' });
    sim.admin.updateUser(b!.id, { accountEnabled: false });
    const added = sim.admin.addUser({ displayName: 'New Starter', department: 'Sales' });
    await graph.del(`/users/${c!.id}`);
    const oldManager = d!.managerId!;
    await graph.del(`/users/${d!.id}/manager/$ref`);
    const gone = sim.admin.addUser({ displayName: 'Short Stay' });
    sim.admin.deleteUser(gone.id);
    sim.admin.purgeUser(gone.id);

    const second = await round(first.deltaLink);
    const byId = new Map(second.items.map((u) => [u.id, u]));
    expect(byId.get(a!.id)).toMatchObject({ jobTitle: 'Leaving soon' });
    expect(byId.get(b!.id)).toMatchObject({ accountEnabled: false });
    expect(byId.get(added.id)).toMatchObject({ displayName: 'New Starter' });
    expect(byId.get(c!.id)).toEqual({ id: c!.id, '@removed': { reason: 'changed' } });
    expect(byId.get(gone.id)).toEqual({ id: gone.id, '@removed': { reason: 'deleted' } });
    expect(byId.get(d!.id)['manager@delta']).toEqual([{ '@odata.type': '#microsoft.graph.user', id: oldManager, '@removed': { reason: 'deleted' } }]);
    expect(second.items).toHaveLength(6);

    const third = await round(second.deltaLink);
    expect(third.items).toEqual([]);
  });

  it('starts from now with $deltatoken=latest, and filters by id', async () => {
    const latest = await graph.get('/users/delta?$deltatoken=latest&$select=displayName');
    expect(latest.body.value).toEqual([]);
    const u = sim.users()[40]!;
    sim.admin.updateUser(u.id, { displayName: 'Renamed Person' });
    const changes = await round(latest.body['@odata.deltaLink']);
    expect(changes.items).toEqual([{ id: u.id, displayName: 'Renamed Person' }]);
    const only = await round(`/users/delta?$filter=id eq '${u.id}'&$select=displayName`);
    expect(only.items.map((x) => x.id)).toEqual([u.id]);
    expectGraphError(await graph.get("/users/delta?$filter=displayName eq 'x'"), 400, 'Request_UnsupportedQuery');
    expectGraphError(await graph.get('/users/delta?$deltatoken=garbage'), 400, 'Request_BadRequest');
  });

  it('tracks a group\'s members with members@delta (group-scoped sync)', async () => {
    const g = sim.state.groupOrder.find((x) => x.displayName.startsWith('SG-'))!;
    const first = await round(`/groups/delta?$filter=id eq '${g.id}'&$select=displayName,members`);
    expect(first.items).toHaveLength(1);
    expect(first.items[0]['members@delta'].map((m: any) => m.id).sort()).toEqual([...g.members].sort());
    const leaver = [...g.members][0]!;
    const joiner = sim.users().find((u) => u.kind === 'person' && !g.members.has(u.id))!;
    await graph.del(`/groups/${g.id}/members/${leaver}/$ref`);
    await graph.post(`/groups/${g.id}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${joiner.id}` });
    const second = await round(first.deltaLink);
    expect(second.items).toHaveLength(1);
    expect(second.items[0]['members@delta']).toEqual(
      expect.arrayContaining([
        { '@odata.type': '#microsoft.graph.user', id: leaver, '@removed': { reason: 'deleted' } },
        { '@odata.type': '#microsoft.graph.user', id: joiner.id },
      ]),
    );
  });

  it('spreads a large group\'s members over several entries in the first round', async () => {
    const everyone = sim.state.groupOrder.find((x) => x.displayName === 'All Company')!;
    const r = await round('/groups/delta?$select=displayName,members&$top=5');
    const entries = r.items.filter((x) => x.id === everyone.id);
    expect(entries.length).toBe(Math.ceil(everyone.members.size / 100));
    expect(entries[0].displayName).toBe('All Company');
    const members = entries.flatMap((x) => x['members@delta'].map((m: any) => m.id));
    expect(new Set(members)).toEqual(new Set(everyone.members));
    expect(new Set(r.items.map((x) => x.id)).size).toBe(sim.state.groupOrder.length);
  });

  describe('$batch', () => {
    const post = (requests: unknown[]) => graph.post('/$batch', { requests });

    it('answers each request with its own status, headers (Content-Type exactly) and body', async () => {
      const u = sim.users()[10]!;
      const r = await post([
        { id: '1', method: 'GET', url: `/users/${u.id}?$select=id,displayName` },
        { id: '2', method: 'GET', url: '/users/00000000-0000-4000-8000-000000000000' },
        { id: '3', method: 'PATCH', url: `/users/${u.id}`, headers: { 'Content-Type': 'application/json' }, body: { jobTitle: 'Batched' } },
        { id: '4', method: 'GET', url: `/v1.0/users/${u.id}/memberOf?$select=id` },
      ]);
      expect(r.status).toBe(200);
      const byId = Object.fromEntries(r.body.responses.map((x: any) => [x.id, x]));
      expect(byId['1']).toEqual({ id: '1', status: 200, headers: { 'Content-Type': 'application/json' }, body: expect.objectContaining({ id: u.id }) });
      expect(byId['2'].status).toBe(404);
      expect(byId['2'].body.error.code).toBe('Request_ResourceNotFound');
      expect(byId['3']).toEqual({ id: '3', status: 204, headers: {} });
      expect(byId['4'].status).toBe(200);
      expect(sim.findUser(u.id)!.jobTitle).toBe('Batched');
      expect(sim.mutations().at(-1)).toMatchObject({ method: 'PATCH', batch: { id: '3', requestId: r.headers.get('request-id') } });
    });

    it('orders requests by dependsOn and fails dependents of a failed request with 424', async () => {
      const u = sim.users()[11]!;
      const r = await post([
        { id: 'a', method: 'PATCH', url: `/users/${u.id}`, headers: { 'content-type': 'application/json' }, body: { notAProperty: 1 } },
        { id: 'b', method: 'POST', url: `/users/${u.id}/revokeSignInSessions`, dependsOn: ['a'] },
        { id: 'c', method: 'GET', url: `/users/${u.id}`, dependsOn: ['b'] },
      ]);
      const statuses = Object.fromEntries(r.body.responses.map((x: any) => [x.id, x.status]));
      expect(statuses).toEqual({ a: 400, b: 424, c: 424 });
    });

    it('refuses more than 20 requests, duplicate ids, unknown dependencies, and bodies without Content-Type', async () => {
      const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/organization' }));
      expectGraphError(await post(many), 400, 'BadRequest');
      const twenty = await post(many.slice(0, 20));
      expect(twenty.body.responses).toHaveLength(20);
      expectGraphError(await post([{ id: '1', method: 'GET', url: '/organization' }, { id: '1', method: 'GET', url: '/organization' }]), 400, 'BadRequest');
      expectGraphError(await post([{ id: '1', method: 'GET', url: '/organization', dependsOn: ['9'] }]), 400, 'BadRequest');
      const noType = await post([{ id: '1', method: 'PATCH', url: `/users/${sim.users()[12]!.id}`, body: { jobTitle: 'x' } }]);
      expect(noType.body.responses[0].status).toBe(400);
    });
  });
});
