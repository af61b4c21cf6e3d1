import { Realism } from '../../server/simulator/realism.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import { exchangeClient, expectGraphError, graphClient, sleep, startTestSimulator, type GraphClient } from './helpers.js';

/** Latency, throttling with Retry-After, injected faults and read-after-write delay. */
describe('simulated tenant realism', () => {
  let sim: Simulator;
  let graph: GraphClient;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'realism' });
    graph = await graphClient(sim);
  });
  afterEach(() => sim.configure({ latency: 0, throttle: false, faults: null, consistencyDelayMs: 0 }));
  afterAll(() => sim?.close());

  const u = (i: number) => sim.users()[i]!;

  it('starts with the demo latency by default, and samples fixed, uniform and log-normal latencies', () => {
    const r = new Realism('x', Date.now, () => undefined);
    const inRange = Array.from({ length: 200 }, () => r.latencyMs());
    expect(Math.min(...inRange)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...inRange)).toBeLessThanOrEqual(60);
    r.configure({ latency: 7 });
    expect(r.latencyMs()).toBe(7);
    r.configure({ latency: { medianMs: 40, p95Ms: 120 } });
    const s = Array.from({ length: 4000 }, () => r.latencyMs()).sort((a, b) => a - b);
    expect(s[2000]!).toBeGreaterThan(34);
    expect(s[2000]!).toBeLessThan(46);
    expect(s[3800]!).toBeGreaterThan(100);
    expect(s[3800]!).toBeLessThan(145);
  });

  it('delays each call by the configured latency', async () => {
    sim.configure({ latency: 150 });
    const t = Date.now();
    expect((await graph.get(`/users/${u(1).id}`)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it('throttles Graph identity calls by resource units per app and tenant: 429, Retry-After, throttle headers', async () => {
    sim.configure({ throttle: { identityResourceUnits: { capacity: 6, windowSeconds: 10 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await graph.get(`/users/${u(i).id}`)).status); // cost 1 each
    statuses.push((await graph.get('/users')).status); // cost 2
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const r = await graph.get('/users');
    expectGraphError(r, 429, 'TooManyRequests');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(r.headers.get('x-ms-throttle-scope')).toBe(`Tenant_Application/Read/${sim.demoApp.clientId}/${sim.tenant.id}`);
    // Another app has its own budget.
    const other = await graphClient(sim, sim.registerApp({ displayName: 'Other', roles: ['User.Read.All'] }));
    expect((await other.get(`/users/${u(1).id}`)).status).toBe(200);
    // The budget refills over its window: with Retry-After waited, the call goes through.
    sim.configure({ throttle: { identityResourceUnits: { capacity: 1, windowSeconds: 1 } } });
    expect((await graph.get(`/users/${u(1).id}`)).status).toBe(200);
    const again = await graph.get(`/users/${u(1).id}`);
    expect(again.status).toBe(429);
    await sleep(Number(again.headers.get('retry-after')) * 1000);
    expect((await graph.get(`/users/${u(1).id}`)).status).toBe(200);
  });

  it('uses Microsoft\'s published limits with throttle: true (a normal run is not throttled)', async () => {
    sim.configure({ throttle: true });
    expect(sim.realism.throttle).toMatchObject({ identityWrites: { capacity: 3000, windowSeconds: 150 }, outlookConcurrency: 4 });
    for (let i = 0; i < 30; i++) expect((await graph.get(`/users/${u(i).id}`)).status).toBe(200);
  });

  it('limits concurrent Outlook requests per mailbox (ApplicationThrottled), not across mailboxes', async () => {
    sim.configure({ latency: 200, throttle: { outlookConcurrency: 1 } });
    const a = sim.users().find((x) => sim.state.mailboxes.has(x.id))!;
    const b = sim.users().find((x) => sim.state.mailboxes.has(x.id) && x.id !== a.id)!;
    const same = await Promise.all([graph.get(`/users/${a.id}/mailboxSettings`), graph.get(`/users/${a.id}/mailboxSettings`)]);
    expect(same.map((r) => r.status).sort()).toEqual([200, 429]);
    expect(same.find((r) => r.status === 429)!.body.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
    const different = await Promise.all([graph.get(`/users/${a.id}/mailboxSettings`), graph.get(`/users/${b.id}/mailboxSettings`)]);
    expect(different.map((r) => r.status)).toEqual([200, 200]);
  });

  it('limits Exchange calls per mailbox: 429 "Exchange is busy" with Retry-After', async () => {
    sim.configure({ throttle: { exchangePerMailbox: { capacity: 2, windowSeconds: 60 } } });
    const exo = await exchangeClient(sim);
    const [a, b] = sim.users().filter((x) => sim.state.mailboxes.has(x.id));
    expect((await exo.invoke('Get-Mailbox', { Identity: a!.id })).status).toBe(200);
    expect((await exo.invoke('Get-MailboxStatistics', { Identity: a!.id })).status).toBe(200);
    const busy = await exo.invoke('Set-Mailbox', { Identity: a!.id, HiddenFromAddressListsEnabled: true });
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(busy.body.error.details[0].message).toMatch(/Exchange is busy/);
    expect(sim.state.mailboxes.get(a!.id)!.hidden).toBe(false);
    expect((await exo.invoke('Get-Mailbox', { Identity: b!.id })).status).toBe(200);
  });

  it('injects 503, 429 and 504 at a rate, with Retry-After, changing nothing', async () => {
    const target = u(5);
    sim.configure({ faults: { rate: 1, count: 3, kinds: ['503'], retryAfterSeconds: 2 } });
    const r = await graph.patch(`/users/${target.id}`, { jobTitle: 'Should not happen' });
    expectGraphError(r, 503, 'serviceNotAvailable');
    expect(r.headers.get('retry-after')).toBe('2');
    expect(sim.findUser(target.id)!.jobTitle).not.toBe('Should not happen');
    expect((await graph.get('/organization')).status).toBe(503);
    expect((await graph.get('/organization')).status).toBe(503);
    expect((await graph.get('/organization')).status).toBe(200);
    sim.configure({ faults: { rate: 1, count: 1, kinds: ['429'] } });
    expect((await graph.get('/organization')).status).toBe(429);
    sim.configure({ faults: { rate: 1, count: 1, kinds: ['504'] } });
    expectGraphError(await graph.get('/organization'), 504, 'timeout');
    sim.configure({ faults: { rate: 1, match: '/groups', kinds: ['503'] } });
    expect((await graph.get('/organization')).status).toBe(200);
    expect((await graph.get('/groups?$top=1')).status).toBe(503);
  });

  it('injects faults into $batch sub-requests, each with its own status', async () => {
    sim.configure({ faults: { rate: 1, kinds: ['429'], match: '/users/' } });
    const r = await graph.post('/$batch', { requests: [{ id: '1', method: 'GET', url: `/users/${u(1).id}` }, { id: '2', method: 'GET', url: '/organization' }] });
    expect(r.status).toBe(200);
    const statuses = Object.fromEntries(r.body.responses.map((x: any) => [x.id, x.status]));
    expect(statuses).toEqual({ '1': 429, '2': 200 });
    expect(r.body.responses.find((x: any) => x.id === '1').headers['Retry-After']).toBe('1');
  });

  it('resets connections, times out, and loses responses after the change was made', async () => {
    sim.configure({ faults: { rate: 1, count: 1, kinds: ['reset'] } });
    await expect(graph.get('/organization')).rejects.toThrow();
    sim.configure({ faults: { rate: 1, count: 1, kinds: ['timeout'], timeoutMs: 200 } });
    const t = Date.now();
    await expect(graph.get('/organization')).rejects.toThrow();
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    const target = u(6);
    sim.configure({ faults: { rate: 1, count: 1, kinds: ['lost-response'] } });
    await expect(graph.patch(`/users/${target.id}`, { jobTitle: 'Done, but you will not know' })).rejects.toThrow();
    expect(sim.findUser(target.id)!.jobTitle).toBe('Done, but you will not know');
    expect(sim.mutations().at(-1)).toMatchObject({ path: `/users/${target.id}`, status: 204 });
    expect((await graph.get('/organization')).status).toBe(200);
  });

  it('delays reads after writes (eventual consistency): new objects 404, changed ones show old values, then catch up', async () => {
    sim.configure({ consistencyDelayMs: 300 });
    const created = sim.admin.addUser({ displayName: 'Eventually Visible' });
    expectGraphError(await graph.get(`/users/${created.id}`), 404, 'Request_ResourceNotFound');
    const target = u(7);
    const before = sim.findUser(target.id)!.jobTitle;
    expect((await graph.patch(`/users/${target.id}`, { jobTitle: 'Fresh Title' })).status).toBe(204);
    expect((await graph.get(`/users/${target.id}?$select=jobTitle`)).body.jobTitle).toBe(before || null);
    const g = sim.state.groupOrder.find((x) => x.displayName.startsWith('SG-'))!;
    const joiner = sim.users().find((x) => x.kind === 'person' && !g.members.has(x.id))!;
    expect((await graph.post(`/groups/${g.id}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${joiner.id}` })).status).toBe(204);
    expect((await graph.all(`/groups/${g.id}/members?$select=id`)).items.map((m) => m.id)).not.toContain(joiner.id);
    await sleep(350);
    expect((await graph.get(`/users/${created.id}`)).status).toBe(200);
    expect((await graph.get(`/users/${target.id}?$select=jobTitle`)).body.jobTitle).toBe('Fresh Title');
    expect((await graph.all(`/groups/${g.id}/members?$select=id`)).items.map((m) => m.id)).toContain(joiner.id);
  });

  it('is configured at run time over HTTP too (POST /_sim/config)', async () => {
    const res = await fetch(`${sim.url}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latency: { minMs: 1, maxMs: 2 }, consistencyDelayMs: 50 }) });
    expect(await res.json()).toMatchObject({ latency: { minMs: 1, maxMs: 2 }, consistencyDelayMs: 50, throttle: null, faults: null });
    expect(sim.state.replica.delayMs).toBe(50);
  });
});
