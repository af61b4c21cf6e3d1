import type { Simulator } from '../../server/simulator/simulator.js';
import { graphClient, startTestSimulator } from './helpers.js';

/**
 * The sync benchmark seeds 50,000 people: the seeded directory must be whole and paging users
 * (and their delta) must work at that size. How fast is measured by tests/bench/sync, not here;
 * this prints what it saw for people to read.
 */
describe('simulated tenant at 50,000 people', () => {
  let sim: Simulator;
  let seedMs = 0;
  beforeAll(async () => {
    const t = Date.now();
    sim = await startTestSimulator({ seed: 'scale', users: 50_000 });
    seedMs = Date.now() - t;
  }, 120_000);
  afterAll(() => sim?.close());

  it('seeds 50,000 people with groups, mailboxes and devices', () => {
    console.log(`simulator: seeded ${sim.users().length} users, ${sim.state.groupOrder.length} groups, ${sim.state.mailboxes.size} mailboxes, ${sim.state.managedDevices.size} managed devices in ${seedMs} ms`);
    expect(sim.users().length).toBe(50_010);
    expect(sim.state.mailboxes.size).toBeGreaterThan(45_000);
    expect(sim.state.managedDevices.size).toBeGreaterThan(45_000);
  });

  it('pages /users/delta with $top=999 through every user, then answers a delta of 100 changes', async () => {
    const graph = await graphClient(sim);
    let t = Date.now();
    let url: string | undefined = '/users/delta?$select=id,displayName,userPrincipalName,mail,department,jobTitle,accountEnabled,employeeLeaveDateTime,assignedLicenses,manager&$top=999';
    let n = 0;
    let pages = 0;
    let deltaLink = '';
    while (url) {
      const r = await graph.get(url);
      n += r.body.value.length;
      pages++;
      url = r.body['@odata.nextLink'];
      deltaLink = r.body['@odata.deltaLink'] ?? deltaLink;
    }
    const fullMs = Date.now() - t;
    expect(n).toBe(50_010);
    expect(pages).toBe(51);
    for (let i = 0; i < 100; i++) sim.admin.updateUser(sim.users()[i * 400]!.id, { jobTitle: `Changed ${i}` });
    t = Date.now();
    const changes = await graph.get(deltaLink);
    const deltaMs = Date.now() - t;
    expect(changes.body.value).toHaveLength(100);
    console.log(`simulator: full /users/delta of ${n} users in ${pages} pages took ${fullMs} ms; a delta of 100 changes took ${deltaMs} ms`);
  });
});
