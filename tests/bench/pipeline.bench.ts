/**
 * The offboarding pipeline at BENCH_LATENCY_MS (default 100) of simulated latency per call, the
 * real app (startTestApp: HTTP API, job queue, engine, the simulated tenant in process; the
 * embedded store, or the PostgreSQL server when DATABASE_URL is set):
 *
 *  (a) one run of the whole catalogue (retire_devices as a confirmed wipe), BENCH_RUNS times
 *      (default 5), each for a different person, one at a time: the run's wall time
 *      (startedAt → finishedAt, from the API) against the sum of its calls' ms (every Microsoft
 *      call its steps made, from onRunCall) and against its critical path: the longest chain
 *      through the steps' `after` graph, each step weighted by its own measured duration. The
 *      critical path is the baseline: what the run would take with unlimited step concurrency
 *      and no time between steps. The snapshot (taken before the first step, not a step and not
 *      in onRunCall) is shown on its own row.
 *  (b) a bulk of BENCH_BULK people (default 200) on the default plan with the simulator's
 *      published throttling on (`throttle: true`): throughput in runs/min and calls/s against
 *      the throttle ceiling for this tenant.
 *
 * The ceiling: the limits of server/simulator/throttle.ts that meter what the default plan
 * sends, all per app + tenant, token buckets refilled over their window:
 *   - identity and access: 5,000 resource units per 10 s (the tenant has 50–500 users:
 *     identityLimitFor), and 3,000 writes per 150 s;
 *   - Intune: 2,000 requests per 20 s, of which 200 writes (retire) per 20 s;
 *   - Teams: 30 requests per second.
 * Outlook's and Exchange's budgets are per mailbox (10,000 per 10 minutes, 4 at once): each run
 * works on its own mailbox with a handful of requests, so they bound no tenant-wide rate; the
 * default plan makes no OneDrive calls. Each bucket's demand per run is measured in the bulk
 * (requests the tenant answered, not 429s: throttled requests take nothing). The sustained
 * ceiling is min over buckets of rate / demand per run; the ceiling for this bulk also counts
 * the buckets starting full (a bulk smaller than a bucket's burst is not held back by it).
 * Identity requests are counted as 1 unit each: what they cost with the $select the driver sends.
 *
 * Run with `npx tsx tests/bench/pipeline.bench.ts` (or `npm run bench`). The simulated
 * tenant's certificate must be trusted when Node starts, so the bench runs itself again as a
 * child process with NODE_EXTRA_CA_CERTS set.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CallRecord } from '../../server/m365/m365.types.js';
import type { Offramp } from '../../server/main.js';
import { FINISHED_STATES, type PlanStep, type Run, type RunSummary, type TaskId, type TaskInfo } from '../../server/offboarding/contract.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import { identityLimitFor, PUBLISHED_LIMITS, type Limit } from '../../server/simulator/throttle.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { printTable, percentile, type Row } from './table.js';
import { runTrusted } from './trusted.js';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BULK = Number(process.env.BENCH_BULK ?? 200);
const USERS = Number(process.env.BENCH_USERS ?? 260);
const self = fileURLToPath(import.meta.url);

type RunCall = CallRecord & { runId: string; task: TaskId };
interface SeenRequest {
  at: number;
  service: 'graph' | 'exchange' | 'other';
  method: string;
  path: string;
  status: number;
}


/** Counts every request sent to the simulated tenant (Graph and Exchange go through fetch; tokens through MSAL do not). */
function watchRequests(origin: () => string | null) {
  const seen: SeenRequest[] = [];
  let on = false;
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const res = await original(input, init);
    const o = origin();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (on && o && url.startsWith(o)) {
      const p = new URL(url).pathname;
      const service = /^\/(v1\.0|beta)\//.test(p) ? 'graph' : p.includes('/adminapi/') ? 'exchange' : 'other';
      seen.push({ at: Date.now(), service, method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(), path: p.replace(/^\/(v1\.0|beta)/, ''), status: res.status });
    }
    return res;
  };
  return {
    seen,
    start() {
      seen.length = 0;
      on = true;
    },
    stop() {
      on = false;
    },
  };
}

/** The throttle bucket a Graph request is metered in (server/simulator/graph/dispatch.ts throttleChecks). */
function bucketOf(p: string): 'identity' | 'intune' | 'teams' | 'outlook' | 'files' | 'batch' {
  if (p === '/$batch') return 'batch';
  if (p.startsWith('/deviceManagement/')) return 'intune';
  if (p.startsWith('/teams/') || p.endsWith('/joinedTeams')) return 'teams';
  if (/\/(mailboxSettings|messageRules|mailFolders|events|calendar)(\/|$)/.test(p)) return 'outlook';
  if (p.startsWith('/drives/') || /\/drive(\/|$)/.test(p)) return 'files';
  return 'identity';
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const ms = (iso: string | null) => (iso ? Date.parse(iso) : NaN);

/** The longest chain through the steps' `after` graph, each step weighted by its own duration. */
function criticalPath(steps: Run['steps']): { ms: number; chain: TaskId[] } {
  const byTask = new Map(steps.map((s) => [s.task, s]));
  const memo = new Map<TaskId, { ms: number; chain: TaskId[] }>();
  const walk = (t: TaskId): { ms: number; chain: TaskId[] } => {
    const hit = memo.get(t);
    if (hit) return hit;
    const s = byTask.get(t)!;
    const own = ms(s.finishedAt) - ms(s.startedAt);
    let best = { ms: 0, chain: [] as TaskId[] };
    for (const d of s.after) {
      if (!byTask.has(d)) continue;
      const c = walk(d);
      if (c.ms > best.ms) best = c;
    }
    const out = { ms: best.ms + own, chain: [...best.chain, t] };
    memo.set(t, out);
    return out;
  };
  return steps.map((s) => walk(s.task)).reduce((a, b) => (b.ms > a.ms ? b : a));
}

async function bench(): Promise<void> {
  const { startTestApp } = await import('../support/app.js');
  const { json } = await import('../support/json.js');
  const { connectDemoTenant, employeeId, runsUrl } = await import('../support/offboarding.js');
  const { makeOrg } = await import('../support/orgs.js');
  const { subscribe } = await import('../support/billing.js');

  const calls: RunCall[] = [];
  let sim: Simulator | null = null;
  const requests = watchRequests(() => sim?.url ?? null);
  // The engine's settings are the product's defaults unless given here.
  const tuning = Object.fromEntries(
    ['OFFBOARDING_STEP_CONCURRENCY', 'OFFBOARDING_STEP_ATTEMPTS', 'OFFBOARDING_STEP_RETRY_MS', 'M365_TENANT_CONCURRENCY', 'M365_GLOBAL_CONCURRENCY', 'JOBS_MAX_CONCURRENCY']
      .filter((k) => process.env[k])
      .map((k) => [k, process.env[k]]),
  );
  const app: Offramp = await startTestApp({ SIMULATOR_USERS: String(USERS), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent', ...tuning }, { onRunCall: (c) => calls.push(c) });
  try {
    sim = app.simulator!;
    sim.configure({ latency: 0, faults: null, throttle: false });
    const org = await makeOrg(app, 'Pipeline Bench', 0);
    await subscribe(app, org, 'msp'); // more people than the trial's 200
    const tenantRef = await connectDemoTenant(org);
    const put = await org.owner.fetch(`/api/v1/orgs/${org.id}/offboarding/settings`, { method: 'PUT', json: { requireApproval: false, allowApproveOwn: false, proposeFromLeaveDate: false } });
    if (put.status !== 200) throw new Error(`settings: ${put.status} ${await put.text()}`);

    const members = new Set(sim.users().slice(0, 4).map((u) => u.id));
    const s = sim;
    const used = new Set<string>();
    const people = (n: number, extra: (u: DirUser) => boolean = () => true) => {
      const out = s
        .users()
        .filter((u) => u.kind === 'person' && !members.has(u.id) && !used.has(u.id) && !u.onPremisesSyncEnabled && u.accountEnabled && u.managerId && s.findUser(u.managerId)?.mail && s.state.mailbox(u.id) && extra(u))
        .slice(0, n);
      if (out.length < n) throw new Error(`only ${out.length} suitable people left for ${n} (raise BENCH_USERS)`);
      out.forEach((u) => used.add(u.id));
      return out;
    };
    const readRun = async (id: string): Promise<Run> => json(await org.owner.fetch(runsUrl(org.id, `/${id}`)));
    const settings = app.config.offboarding;
    const where = `${os.cpus().length} cores, Node ${process.version}, ${app.store.kind} store, ${LATENCY_MS} ms simulated latency per call; ${settings.stepConcurrency} steps of a run at once, transport caps ${app.config.m365.tenantConcurrency}/tenant ${app.config.m365.globalConcurrency} global`;

    // ---- (a) the whole catalogue, one run at a time ----------------------------------------
    const tasks: TaskInfo[] = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/offboarding/tasks`));
    const fullPlan: PlanStep[] = tasks.map((t) => ({ task: t.id, options: t.id === 'retire_devices' ? { action: 'wipe', confirmWipe: true } : {} }));
    // The bulk's people first; the whole-catalogue runs delete their people, so those manage nobody.
    const crowd = people(BULK);
    const chosen = people(RUNS, (u) => s.state.directReports(u.id).length === 0 && s.state.memberOf(u.id).length > 0 && s.state.managedDevicesOf(u.id).length > 0);
    sim.configure({ latency: LATENCY_MS });
    const wall: Row = { name: 'run wall time (startedAt → finishedAt)', samples: [], unit: 'ms' };
    const critical: Row = { name: 'critical path through the steps (each step its measured time)', samples: [], unit: 'ms' };
    // A call's ms runs from before it waits for the transport's concurrency caps: queueing counts.
    const callTime: Row = { name: 'sum of the steps’ Microsoft calls (onRunCall ms, queueing included)', samples: [], unit: 'ms' };
    const floor: Row = { name: `the steps’ calls × ${LATENCY_MS} ms (their latency alone, one after another)`, samples: [], unit: 'ms' };
    const snapshotRow: Row = { name: 'snapshot (run start → first step start)', samples: [], unit: 'ms' };
    const stepsRow: Row = { name: 'the steps (first step start → run finishedAt)', samples: [], unit: 'ms' };
    const callCounts: number[] = [];
    const chains: string[] = [];
    const failed: string[] = [];
    for (const u of chosen) {
      const res = await org.owner.fetch(runsUrl(org.id), { method: 'POST', json: { employeeId: await employeeId(app, org.id, u.id), steps: fullPlan, when: { kind: 'now' } } });
      if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
      const { id } = await json(res);
      let run = await readRun(id);
      for (const deadline = Date.now() + 300_000; !FINISHED_STATES.includes(run.state); run = await readRun(id)) {
        if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.state} after 5 minutes`);
        await new Promise((r) => setTimeout(r, 200));
      }
      if (run.state !== 'succeeded') {
        failed.push(`${u.userPrincipalName}: ${run.state}: ${run.steps.filter((x) => x.state !== 'succeeded').map((x) => `${x.task} ${x.state}: ${x.error ?? x.skippedReason}`).join('; ')}`);
        continue;
      }
      const mine = calls.filter((c) => c.runId === id);
      const cp = criticalPath(run.steps);
      wall.samples.push(ms(run.finishedAt) - ms(run.startedAt));
      critical.samples.push(cp.ms);
      callTime.samples.push(sum(mine.map((c) => c.ms)));
      floor.samples.push(mine.length * LATENCY_MS);
      const firstStep = Math.min(...run.steps.map((x) => ms(x.startedAt)));
      snapshotRow.samples.push(firstStep - ms(run.startedAt));
      stepsRow.samples.push(ms(run.finishedAt) - firstStep);
      callCounts.push(mine.length);
      chains.push(`${cp.chain.join(' → ')} (${cp.ms.toFixed(0)} ms of ${(ms(run.finishedAt) - ms(run.startedAt)).toFixed(0)} ms)`);
    }
    sim.configure({ latency: 0 });
    for (const f of failed) process.stderr.write(`(a) a run did not succeed, left out of the table: ${f}\n`);
    if (critical.samples.length) {
      const c = (r: Row) => `${percentile(r.samples, 50).toFixed(0)}`;
      wall.extra = { calls: `${percentile(callCounts, 50)} (median)`, steps: String(fullPlan.length) };
      callTime.extra = { calls: `${percentile(callCounts, 50)} (median)` };
      printTable(`(a) One run of the whole catalogue (${fullPlan.length} steps, wipe), ${critical.samples.length} runs, one at a time (${where})`, critical, [wall, snapshotRow, stepsRow, callTime, floor]);
      process.stdout.write(`critical paths: ${chains.join('\n                ')}\n`);
      process.stdout.write(`median wall ${c(wall)} ms = snapshot ${c(snapshotRow)} ms + steps; ${fullPlan.length} steps made ${percentile(callCounts, 50)} calls summing ${c(callTime)} ms\n`);
    }

    // ---- (b) a bulk with the published throttling on -----------------------------------
    const rows = (await app.store.pool.query('SELECT id, object_id::text AS o FROM employees WHERE org_id = $1 AND object_id::text = ANY($2)', [org.id, crowd.map((p) => p.id)])).rows as { id: string; o: string }[];
    const ids = new Map(rows.map((r) => [r.o, r.id]));
    const template = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/tenants/${tenantRef}/template`));
    const defaultPlan = template.steps as PlanStep[];
    sim.configure({ latency: LATENCY_MS, throttle: true });
    const since = sim.mutations().length;
    const firstCall = calls.length;
    requests.start();
    const t0 = Date.now();
    const res = await org.owner.fetch(runsUrl(org.id, '/bulk'), { method: 'POST', json: { employeeIds: crowd.map((p) => ids.get(p.id)), steps: defaultPlan } });
    if (res.status !== 201) throw new Error(`bulk: ${res.status} ${await res.text()}`);
    const bulk = await json(res);
    const postedMs = Date.now() - t0;
    let runs: RunSummary[] = [];
    for (const deadline = Date.now() + 900_000; ; ) {
      runs = (await json(await org.owner.fetch(runsUrl(org.id, `?bulkId=${bulk.bulkId}&limit=200`)))).runs;
      if (runs.length === BULK && runs.every((r) => FINISHED_STATES.includes(r.state))) break;
      if (Date.now() > deadline) throw new Error('the bulk did not end within 15 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
    requests.stop();
    sim.configure({ latency: 0, throttle: false });
    const end = Math.max(...runs.map((r) => ms(r.finishedAt)));
    const seconds = (end - t0) / 1000;
    const bulkCalls = calls.slice(firstCall);
    const answered = requests.seen.filter((r) => r.at <= end + 1000 && r.status !== 429);
    const throttled = requests.seen.filter((r) => r.status === 429).length;
    const mutations = sim.mutations(since);
    const subs = mutations.filter((m) => m.batch && m.status !== 429);
    const graphWrites = mutations.filter((m) => m.service === 'graph' && m.status !== 429 && bucketOf(m.path!.split('?')[0]!) === 'identity');
    const graph = answered.filter((r) => r.service === 'graph' && bucketOf(r.path) !== 'batch');
    const demand: Record<string, number> = {
      identity: graph.filter((r) => bucketOf(r.path) === 'identity').length + subs.filter((m) => bucketOf(m.path!.split('?')[0]!) === 'identity').length,
      identityWrites: graphWrites.length,
      intune: graph.filter((r) => bucketOf(r.path) === 'intune').length,
      intuneWrites: graph.filter((r) => bucketOf(r.path) === 'intune' && r.method !== 'GET').length,
      teams: graph.filter((r) => bucketOf(r.path) === 'teams').length,
    };
    const limits: Record<string, { label: string; limit: Limit }> = {
      identity: { label: 'identity units', limit: identityLimitFor(sim.state.users.size) },
      identityWrites: { label: 'identity writes', limit: PUBLISHED_LIMITS.identityWrites },
      intune: { label: 'Intune', limit: PUBLISHED_LIMITS.intune },
      intuneWrites: { label: 'Intune writes', limit: PUBLISHED_LIMITS.intuneWrites },
      teams: { label: 'Teams', limit: PUBLISHED_LIMITS.teams },
    };
    const buckets = Object.entries(limits).map(([k, { label, limit }]) => {
      const rate = limit.capacity / limit.windowSeconds;
      const perRun = demand[k]! / BULK;
      return { k, label: `${label} (${limit.capacity}/${limit.windowSeconds} s)`, rate, perRun, sustainedRunsPerS: perRun > 0 ? rate / perRun : Infinity, burstSeconds: Math.max(0, (demand[k]! - limit.capacity) / rate) };
    });
    const binding = buckets.reduce((a, b) => (b.sustainedRunsPerS < a.sustainedRunsPerS ? b : a));
    const bulkBinding = buckets.reduce((a, b) => (b.burstSeconds > a.burstSeconds ? b : a));
    const callsPerRun = bulkCalls.length / BULK;
    const requestsPerRun = answered.length / BULK;
    const succeeded = runs.filter((r) => r.state === 'succeeded').length;
    process.stderr.write(
      `(b) demand per run: ${buckets.map((b) => `${b.label} ${b.perRun.toFixed(2)} → ${Number.isFinite(b.sustainedRunsPerS) ? (b.sustainedRunsPerS * 60).toFixed(0) : '∞'} runs/min`).join('; ')}\n`,
    );
    const sustained: Row = { name: `sustained throttle ceiling (bound by ${binding.label})`, samples: [binding.sustainedRunsPerS * 60], unit: 'runs/min' };
    const ceilingThisBulk: Row = {
      name: `ceiling for ${BULK} runs, buckets starting full (${bulkBinding.burstSeconds > 0 ? `bound by ${bulkBinding.label}` : 'no bucket runs dry'})`,
      samples: [bulkBinding.burstSeconds > 0 ? (BULK / bulkBinding.burstSeconds) * 60 : Infinity],
      unit: 'runs/min',
    };
    const measured: Row = {
      name: `measured: ${BULK}-person bulk, POST → last run ended`,
      samples: [(BULK / seconds) * 60],
      unit: 'runs/min',
      extra: { wall: `${seconds.toFixed(1)} s (POST answered after ${(postedMs / 1000).toFixed(1)} s)`, succeeded: `${succeeded}/${BULK}`, '429s': String(throttled + mutations.filter((m) => m.batch && m.status === 429).length) },
    };
    printTable(`(b) ${BULK}-person bulk, default plan (${defaultPlan.length} steps), published throttling on (${where})`, sustained, [ceilingThisBulk, measured]);
    const callCeiling: Row = { name: `sustained throttle ceiling × ${callsPerRun.toFixed(1)} step calls per run`, samples: [binding.sustainedRunsPerS * callsPerRun], unit: 'calls/s' };
    const callRate: Row = {
      name: 'measured: the steps’ Microsoft calls (onRunCall)',
      samples: [bulkCalls.length / seconds],
      unit: 'calls/s',
      extra: { 'requests to the tenant (snapshots, retries, batch as one)': `${(answered.length / seconds).toFixed(1)}/s, ${requestsPerRun.toFixed(1)} per run` },
    };
    printTable(`(b) The same bulk in calls per second`, callCeiling, [callRate]);
  } finally {
    await app.close();
  }
}

await runTrusted(self, 'pipeline', bench);
