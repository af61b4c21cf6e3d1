import { M365Unavailable } from '../../server/m365/m365.types.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { startTestSimulator } from '../simulator/helpers.js';
import { driverFor, type TestDriver } from './driver.js';

/**
 * The driver under Microsoft's bad days: throttling at the published limits, a rate of 429 /
 * 503 / 504, dropped connections and timeouts. The work still completes, each change lands
 * once, Retry-After is honoured, and only failed parts of a $batch are sent again.
 */
describe('Microsoft 365 driver under throttling and faults', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'driver-faults', users: 150 });
  });
  afterEach(() => {
    sim.configure({ faults: null, throttle: false, latency: 0 });
  });
  afterAll(() => sim?.close());

  const people = (n: number, skip = 0): DirUser[] =>
    sim
      .users()
      .filter((x) => x.kind === 'person' && !x.onPremisesSyncEnabled && x.accountEnabled && sim.state.mailbox(x.id)?.type === 'UserMailbox' && x.licences.length > 0)
      .slice(skip, skip + n);

  /**
   * As the engine's step attempts do: the driver does not send a change again when its answer
   * may have been lost (it may have been carried out), so the caller reads again and does what is left.
   */
  async function untilDone(work: () => Promise<void>, attempts = 8) {
    for (let n = 1; ; n++) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof M365Unavailable) || n >= attempts) throw err;
      }
    }
  }

  /** What an offboarding asks of the driver for one person, in the order the engine will. */
  async function offboard(d: TestDriver, u: DirUser) {
    await d.actions.setAccountEnabled(u.id, false);
    await d.actions.revokeSignInSessions(u.id);
    await untilDone(async () => {
      for (const g of await d.actions.listMemberships(u.id)) {
        if (g.notRemovable) continue;
        if (g.kind === 'distribution' || g.kind === 'mail-security') await d.actions.removeFromDistributionList(g.id, u.userPrincipalName);
        else await d.actions.removeFromGroup(g.id, u.id);
      }
    });
    await d.actions.setMailboxType(u.userPrincipalName, 'Shared');
    await untilDone(async () => {
      const direct = (await d.actions.listLicences(u.id)).filter((l) => l.via === 'direct').map((l) => l.skuId);
      if (direct.length) await d.actions.removeLicences(u.id, direct);
    });
  }

  function expectOffboarded(u: DirUser) {
    const s = sim.userState(u.id)!;
    expect(s.user.accountEnabled).toBe(false);
    expect(s.mailbox!.type).toBe('SharedMailbox');
    expect(s.licences.filter((l) => !l.assignedByGroup)).toEqual([]);
    const left = s.memberOf.filter((g) => {
      const group = sim.state.groups.get(g.id)!;
      return g.kind !== 'dynamic' && !group.onPremisesSyncEnabled;
    });
    expect(left).toEqual([]);
  }

  it('completes offboardings with a fifth of all calls failing (429, 503, 504, dropped connections, timeouts)', async () => {
    const d = driverFor(sim, { retry: { maxAttempts: 8, timeoutMs: 1_500 } });
    const who = people(4);
    sim.configure({ faults: { rate: 0.2, kinds: ['429', '503', '504', 'reset', 'timeout'], retryAfterSeconds: 0, timeoutMs: 3_000 } });
    const seq = sim.mutations().length;
    await Promise.all(who.map((u) => offboard(d, u)));
    sim.configure({ faults: null });
    for (const u of who) expectOffboarded(u);

    // Faults happened and were retried: some calls needed more than one attempt.
    expect(d.calls.some((c) => c.attempts > 1)).toBe(true);
    const log = sim.mutations(seq);
    expect(log.some((m) => m.status === 429 || m.status === 503 || m.status === 504)).toBe(true);
    // Each licence removal landed exactly once (no double sends after a refused attempt).
    for (const u of who) {
      const applied = log.filter((m) => m.path === `/users/${u.id}/assignLicense` && m.status === 200);
      expect(applied).toHaveLength(1);
    }
  });

  it('does not send a change again when its answer was lost after Microsoft carried it out, but resends reads and settings', async () => {
    const d = driverFor(sim, { retry: { maxAttempts: 4 } });
    const u = people(1, 8)[0]!;
    const seq = sim.mutations().length;
    const direct = (await d.actions.listLicences(u.id)).filter((l) => l.via === 'direct').map((l) => l.skuId);
    expect(direct.length).toBeGreaterThan(0);
    sim.configure({ faults: { rate: 1, count: 1, kinds: ['lost-response'], retryAfterSeconds: 0, match: `/users/${u.id}/assignLicense` } });
    const err = await d.actions.removeLicences(u.id, direct).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(M365Unavailable);
    expect((err as Error).message).toMatch(/answer to \/users\/.*\/assignLicense was lost .*did not send it again/);
    // Carried out once, and not sent a second time.
    expect(sim.mutations(seq).filter((m) => m.path === `/users/${u.id}/assignLicense`)).toHaveLength(1);
    expect(sim.userState(u.id)!.licences.filter((l) => !l.assignedByGroup)).toEqual([]);
    // An idempotent change (PATCH) is sent again after the same fault, and lands.
    sim.configure({ faults: { rate: 1, count: 1, kinds: ['lost-response'], retryAfterSeconds: 0, match: `/users/${u.id}` } });
    await d.actions.setAccountEnabled(u.id, false);
    expect(d.calls.at(-1)).toMatchObject({ attempts: 2 });
    expect(sim.findUser(u.id)!.accountEnabled).toBe(false);
  });

  it('stays within Microsoft\'s published limits: throttled calls wait for Retry-After and still finish', async () => {
    const d = driverFor(sim, { perTenantConcurrency: 16 });
    // Teams allows 30 requests a second per app and tenant: 90 reads in a burst must be throttled.
    sim.configure({ throttle: true });
    const u = people(1, 5)[0]!;
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 90 }, () => d.actions.listJoinedTeams(u.id)));
    const ms = Date.now() - started;
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(d.calls.filter((c) => c.attempts > 1).length).toBeGreaterThan(0);
    expect(ms).toBeGreaterThanOrEqual(900); // the third second's worth could only start after a refill
  });

  it('honours Retry-After before trying again', async () => {
    const d = driverFor(sim);
    const u = people(1, 6)[0]!;
    sim.configure({ faults: { rate: 1, count: 1, kinds: ['429'], retryAfterSeconds: 2, match: `/users/${u.id}` } });
    const started = Date.now();
    await d.actions.setAccountEnabled(u.id, false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(sim.findUser(u.id)!.accountEnabled).toBe(false);
    expect(d.calls.at(-1)).toMatchObject({ status: 204, attempts: 2 });
  });

  it('gives up after its attempts with a clear "unavailable" error, having changed nothing', async () => {
    const d = driverFor(sim, { retry: { maxAttempts: 3 } });
    const u = people(1, 7)[0]!;
    sim.configure({ faults: { rate: 1, kinds: ['503'], retryAfterSeconds: 0, match: `/users/${u.id}` } });
    const err = await d.actions.setAccountEnabled(u.id, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(M365Unavailable);
    expect((err as Error).message).toMatch(/kept answering 503 .* after 3 attempts/);
    expect(sim.findUser(u.id)!.accountEnabled).toBe(true);
    expect(d.calls.at(-1)).toMatchObject({ status: 503, attempts: 3, requestId: expect.any(String) });
  });

  it('retries only the throttled parts of a $batch', async () => {
    const d = driverFor(sim);
    const who = people(40, 8);
    sim.configure({ faults: { rate: 0.3, kinds: ['429', '503'], retryAfterSeconds: 0, match: '/users/' } });
    const seq = sim.mutations().length;
    const results = await d.actions.batch(who.map((p) => ({ method: 'PATCH' as const, url: `/users/${p.id}`, body: { department: 'Batch under faults' } })));
    sim.configure({ faults: null });
    expect(results.map((r) => r.status)).toEqual(who.map(() => 204));
    const log = sim.mutations(seq).filter((m) => m.batch);
    for (const p of who) {
      const mine = log.filter((m) => m.path === `/users/${p.id}`);
      // Sent until it succeeded, and never again after it did.
      expect(mine.filter((m) => m.status === 204)).toHaveLength(1);
      expect(mine.at(-1)!.status).toBe(204);
      expect(sim.findUser(p.id)!.department).toBe('Batch under faults');
    }
    expect(log.length).toBeGreaterThan(who.length); // some parts failed and were resent
  });
});
