import type { Offramp } from '../../server/main.js';
import { FINISHED_STATES, type PlanStep, type Run, type RunSummary } from '../../server/offboarding/contract.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { startTestApp } from '../support/app.js';
import { json } from '../support/json.js';
import { subscribe } from '../support/billing.js';
import { connectDemoTenant, runsUrl } from '../support/offboarding.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

/**
 * A 200-person bulk offboarding against a tenant that misbehaves: one request in five answers
 * 429, 503 or 504, has its connection reset, or is carried out and then loses its answer.
 * The transport's retries and the engine's step attempts must carry every run to `succeeded`,
 * and the tenant must show each offboarding done exactly once.
 */

const PEOPLE = 200;
/**
 * How long the bulk may take before the test stops waiting: a bound against hanging, not a
 * timer (the time taken, and this process's CPU time, are printed).
 */
const BULK_DEADLINE_MS = 240_000;

describe('a bulk offboarding under injected faults', () => {
  let app: Offramp;
  let sim: Simulator;
  let org: TestOrg;
  let tenantRef: string;

  beforeAll(async () => {
    app = await startTestApp({
      SIMULATOR_USERS: '260',
      // Runs go ten at a time (the run job's own concurrency); more of each run's steps at once.
      OFFBOARDING_STEP_CONCURRENCY: '6',
      // A step whose calls ran out of transport retries is tried again soon, a few more times.
      OFFBOARDING_STEP_ATTEMPTS: '6',
      OFFBOARDING_STEP_RETRY_MS: '20',
      // Ten runs of six steps each must not queue behind the default caps of 8 and 32 calls.
      M365_TENANT_CONCURRENCY: '32',
      M365_GLOBAL_CONCURRENCY: '64',
      JOBS_MAX_CONCURRENCY: '40',
      // New jobs wake the queue themselves; polling less often leaves the store to the runs.
      JOBS_PROCESS_EVERY_MS: '1000',
    });
    sim = app.simulator!;
    sim.configure({ latency: 0, faults: null, throttle: false });
    org = await makeOrg(app, 'Bulk Faults Co', 0);
    // 260 people: more than the trial's (Business) 200.
    await subscribe(app, org, 'msp');
    tenantRef = await connectDemoTenant(org);
    const settings = await org.owner.fetch(`/api/v1/orgs/${org.id}/offboarding/settings`, {
      method: 'PUT',
      json: { requireApproval: false, allowApproveOwn: false, proposeFromLeaveDate: false },
    });
    expect(settings.status).toBe(200);
  }, 120_000);
  afterAll(() => app?.close());

  /**
   * People the default plan can finish for: cloud-only, enabled, with a mailbox and a manager
   * who has an address (forward_mail and notify_manager need one), and not one of the
   * organisation's own members (they call the API in this test).
   */
  function candidates(): DirUser[] {
    const members = new Set(sim.users().slice(0, 4).map((u) => u.id));
    return sim
      .users()
      .filter(
        (u) =>
          u.kind === 'person' &&
          !members.has(u.id) &&
          !u.onPremisesSyncEnabled &&
          u.accountEnabled &&
          u.managerId !== null &&
          Boolean(sim.findUser(u.managerId)?.mail) &&
          Boolean(sim.state.mailbox(u.id)),
      );
  }

  it('with 20 % injected faults, every run of a 200-person bulk completes, and the tenant shows each offboarding done once', async () => {
    const people = candidates().slice(0, PEOPLE);
    expect(people).toHaveLength(PEOPLE);
    const { rows } = await app.store.pool.query('SELECT id, object_id::text AS object_id FROM employees WHERE org_id = $1 AND object_id::text = ANY($2)', [
      org.id,
      people.map((p) => p.id),
    ]);
    const employeeOf = new Map(rows.map((r: { id: string; object_id: string }) => [r.object_id, r.id]));
    expect(employeeOf.size).toBe(PEOPLE);

    const template = await json(await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/${tenantRef}/template`));
    const steps: PlanStep[] = (template.steps as PlanStep[]).map((s) => (s.task === 'retire_devices' ? { task: s.task, options: { action: 'retire', confirmWipe: false } } : s));
    const devicesBefore = new Map(people.map((p) => [p.id, sim.state.managedDevicesOf(p.id).map((d) => d.id)]));
    const managerMail = new Map(people.map((p) => [p.id, sim.findUser(p.managerId!)!.mail!.toLowerCase()]));
    const since = sim.mutations().length;

    sim.configure({
      latency: { minMs: 2, maxMs: 10 },
      // Retry-After 0: the transport honours it, so the retries cost no waiting.
      faults: { rate: 0.2, kinds: ['429', '503', '504', 'reset', 'lost-response'], retryAfterSeconds: 0 },
    });
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    let bulk: { bulkId: string; runs: RunSummary[]; errors: unknown[] };
    let finished: RunSummary[] = [];
    try {
      const res = await org.owner.fetch(runsUrl(org.id, '/bulk'), { method: 'POST', json: { employeeIds: people.map((p) => employeeOf.get(p.id)), steps } });
      expect(res.status).toBe(201);
      bulk = await json(res);
      expect(bulk.errors).toEqual([]);
      expect(bulk.runs).toHaveLength(PEOPLE);

      // Every run of the bulk, until all have ended.
      const deadline = t0 + BULK_DEADLINE_MS;
      for (;;) {
        const list = await json(await org.as.viewer.fetch(runsUrl(org.id, `?bulkId=${bulk.bulkId}&limit=200`)));
        expect(list.total).toBe(PEOPLE);
        finished = (list.runs as RunSummary[]).filter((r) => FINISHED_STATES.includes(r.state));
        if (finished.length === PEOPLE) break;
        if (Date.now() > deadline) {
          const open = await Promise.all(
            (list.runs as RunSummary[])
              .filter((r) => !FINISHED_STATES.includes(r.state))
              .map(async (r) => {
                const run: Run = await json(await org.as.admin.fetch(runsUrl(org.id, `/${r.id}`)));
                return `${run.person.userPrincipalName} ${run.state}: ${run.steps.filter((x) => x.state !== 'succeeded').map((x) => `${x.task} ${x.state}×${x.attempts}`).join(', ')}`;
              }),
          );
          throw new Error(`after ${BULK_DEADLINE_MS} ms, ${open.length} of ${PEOPLE} runs had not ended:\n${open.join('\n')}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      sim.configure({ latency: 0, faults: null });
    }
    const elapsedMs = Date.now() - t0;
    const cpu = process.cpuUsage(cpu0);

    // Every run succeeded; a failure is listed with each failed step's own words.
    const problems: string[] = [];
    for (const r of finished.filter((x) => x.state !== 'succeeded')) {
      const run: Run = await json(await org.as.admin.fetch(runsUrl(org.id, `/${r.id}`)));
      for (const s of run.steps.filter((x) => x.state !== 'succeeded')) {
        problems.push(`${run.person.userPrincipalName} (${run.state}): ${s.task} ${s.state} after ${s.attempts} attempt(s): ${s.error ?? s.skippedReason}`);
      }
    }
    const detail = await Promise.all(finished.map(async (r) => (await json(await org.as.admin.fetch(runsUrl(org.id, `/${r.id}`)))) as Run));
    const stepAttempts = detail.flatMap((r) => r.steps.map((s) => s.attempts));
    // eslint-disable-next-line no-console
    console.log(
      `${PEOPLE} runs ended in ${(elapsedMs / 1000).toFixed(1)} s (this process: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU): ${finished.filter((r) => r.state === 'succeeded').length} succeeded; ` +
        `${stepAttempts.filter((a) => a > 1).length} of ${stepAttempts.length} steps needed more than one attempt; ${problems.length} step(s) not succeeded`,
    );
    expect(problems).toEqual([]);
    expect(finished.map((r) => r.state)).toEqual(Array(PEOPLE).fill('succeeded'));

    // The tenant shows every offboarding.
    const wrong: string[] = [];
    for (const p of people) {
      const st = sim.userState(p.id)!;
      const upn = p.userPrincipalName;
      if (st.user.accountEnabled !== false) wrong.push(`${upn}: sign-in still allowed`);
      const left = st.memberOf.filter((g) => g.kind !== 'dynamic' && !sim.state.groups.get(g.id)!.onPremisesSyncEnabled);
      if (left.length) wrong.push(`${upn}: still in ${left.map((g) => g.displayName).join(', ')}`);
      if (st.licences.length) wrong.push(`${upn}: still holds ${st.licences.map((l) => l.skuPartNumber).join(', ')}`);
      if (st.mailbox?.type !== 'SharedMailbox') wrong.push(`${upn}: mailbox is ${st.mailbox?.type}`);
      const forward = st.mailbox?.forwardingSmtpAddress?.replace(/^smtp:/i, '').toLowerCase();
      if (forward !== managerMail.get(p.id)) wrong.push(`${upn}: forwards to ${forward ?? 'nobody'}, not the manager ${managerMail.get(p.id)}`);
      const notRetired = st.managedDevices.filter((d) => d.managementState !== 'retirePending');
      if (notRetired.length) wrong.push(`${upn}: devices ${notRetired.map((d) => `${d.deviceName} (${d.managementState})`).join(', ')}`);
    }
    expect(wrong).toEqual([]);

    // One retire accepted per device: a retry after a lost answer must not send another.
    const accepted = new Map<string, number>();
    for (const m of sim.mutations(since)) {
      const device = /^\/deviceManagement\/managedDevices\/([^/?]+)\/retire$/i.exec(m.path ?? '')?.[1];
      if (device && m.status >= 200 && m.status < 300) accepted.set(device.toLowerCase(), (accepted.get(device.toLowerCase()) ?? 0) + 1);
    }
    const retires = people.flatMap((p) =>
      devicesBefore.get(p.id)!.map((d) => ({ who: `${p.userPrincipalName}: device ${d}`, accepted: accepted.get(d.toLowerCase()) ?? 0 })),
    );
    expect(retires.length).toBeGreaterThan(0);
    expect(retires.filter((r) => r.accepted !== 1).map((r) => `${r.who}: ${r.accepted} retires accepted`)).toEqual([]);
  }, BULK_DEADLINE_MS + 60_000);
});
