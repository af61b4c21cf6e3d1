import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { and, asc, eq, like } from 'drizzle-orm';
import { auditEvents } from '../../server/audit/audit.schema.js';
import { SecretBox } from '../../server/crypto/envelope.js';
import { openStore, type Store } from '../../server/db/store.js';
import { createAgendaQueue } from '../../server/jobs/agenda.queue.js';
import { employees } from '../../server/m365/m365.schema.js';
import { createTenantsService } from '../../server/m365/tenants.service.js';
import { createTransport } from '../../server/m365/transport.js';
import { notifications } from '../../server/notifications/notifications.schema.js';
import { TASK_IDS, type PlanStep, type TaskId } from '../../server/offboarding/contract.js';
import { createEngine, passwordSealedFor } from '../../server/offboarding/engine.js';
import { RunEvents } from '../../server/offboarding/events.js';
import { offboardingRuns, offboardingSettings, offboardingSteps } from '../../server/offboarding/offboarding.schema.js';
import { createRunsService } from '../../server/offboarding/runs.service.js';
import { createOrgsService } from '../../server/orgs/orgs.service.js';
import { repoRoot } from '../../server/paths.js';
import type { MutationEntry } from '../../server/simulator/mutations.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { startTestSimulator } from '../simulator/helpers.js';
import { freshServerDatabase } from '../support/databases.js';
import { serverStoreUrl } from '../support/env.js';
import { spawnNode, type Worker } from '../support/processes.js';
import { silentLog } from '../support/stores.js';

/**
 * "The process can die at any point": a real worker process (tests/fixtures/run-worker.ts,
 * composed as server/main.ts composes the run engine) is killed with SIGKILL at every step
 * boundary of a full run, one boundary per process, and a last process finishes the run. The
 * simulated tenant lives in this process, so it outlives every worker. The tenant must end
 * exactly as after one clean run, and no destructive call may reach Microsoft twice.
 *
 * In the embedded pass the workers share a data folder (one at a time, as after a restart);
 * in the server-store pass they share a fresh database on the server.
 */

const WORKER = 'tests/fixtures/run-worker.ts';
const kind = serverStoreUrl ? 'server' : 'embedded';
const DATA_KEY = Buffer.alloc(32, 11);
/**
 * The run's lease (OFFBOARDING_LEASE_MS). A restarted worker waits for the killed one's lease
 * to lapse, so it is short; but a worker must renew its own in time on a busy two-core machine
 * (at 800 ms one lapsed here on the embedded store and a second execute took the run over).
 * An embedded worker needs about two seconds to open its store anyway: there the lease is 2 s
 * and costs no wait; a server-store worker is up in well under one: 1 s.
 */
const LEASE_MS = serverStoreUrl ? 1_000 : 2_000;
const run = promisify(execFile);

// ---- where the workers keep their data -----------------------------------------------------

interface Place {
  env: Record<string, string>;
  /** Opens the store in this process, runs `fn`, closes it again (an embedded folder admits one process at a time). */
  use<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Called once a killed worker has exited. */
  afterKill(): Promise<void>;
  dispose(): Promise<void>;
}

async function openPlace(): Promise<Place> {
  if (serverStoreUrl) {
    const db = await freshServerDatabase(serverStoreUrl);
    return {
      env: { DATABASE_URL: db.url },
      async use(fn) {
        const store = await openStore({ kind: 'server', url: db.url, poolMax: 4 }, silentLog);
        try {
          return await fn(store);
        } finally {
          await store.close();
        }
      },
      afterKill: async () => undefined,
      dispose: db.drop,
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'offramp-crash-'));
  const dataDir = path.join(dir, 'pg');
  return {
    // What `npm start` uses: DATA_DIR with the embedded store in a file (dataDir = DATA_DIR/pg).
    env: { DATA_DIR: dir, EMBEDDED_STORE: 'file' },
    async use(fn) {
      const store = await openStore({ kind: 'embedded', dataDir, port: 0, maxConnections: 16, poolMax: 4 }, silentLog);
      try {
        return await fn(store);
      } finally {
        await store.close();
      }
    },
    // A killed process leaves its lock on the folder; the next process would wait ~5 s for it
    // to turn stale (tests/jobs/processes.test.ts covers that wait). This test saw the owner
    // die, so it removes the lock at once: 60-odd restarts stay affordable.
    afterKill: () => fs.rm(path.join(dir, 'pg.lock'), { recursive: true, force: true }),
    dispose: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

// ---- the tenant ----------------------------------------------------------------------------

/** Whether a meeting starts in the future (what cancel_meetings cancels). */
const isFuture = (e: Record<string, unknown>) => Date.parse(`${(e.start as { dateTime: string }).dateTime}Z`) > Date.now();

/**
 * The person to offboard: cloud-only, enabled, with a manager and a user mailbox, in groups
 * (a distribution list among them, none synced from on-premises), with direct and group-based
 * licences, Intune devices, inbox rules and future meetings; among those, the one with the
 * most else to take away (mobile devices, permissions on other mailboxes).
 */
function pickPerson(sim: Simulator): DirUser {
  const scored = sim
    .users()
    .filter((u) => u.kind === 'person' && !u.onPremisesSyncEnabled && u.accountEnabled && u.managerId)
    .map((u) => ({ u, s: sim.userState(u.id)! }))
    .filter(({ s }) => {
      const groups = s.memberOf;
      return (
        s.mailbox?.type === 'UserMailbox' &&
        s.drive &&
        groups.some((g) => g.kind === 'distribution' || g.kind === 'mailEnabledSecurity') &&
        groups.filter((g) => g.kind !== 'dynamic').length >= 3 &&
        !groups.some((g) => sim.state.groups.get(g.id)!.onPremisesSyncEnabled) &&
        s.licences.some((l) => !l.assignedByGroup) &&
        s.licences.some((l) => l.assignedByGroup) &&
        s.managedDevices.length > 0 &&
        s.inboxRules.length > 0 &&
        s.events.some(isFuture)
      );
    })
    .map(({ u, s }) => ({ u, score: s.mobileDevices.length + s.fullAccessHeld.length + s.sendAsHeld.length + s.folderPermissionsHeld.length + s.managedDevices.length + s.authenticationMethods.length }));
  if (!scored.length) throw new Error('the seeded tenant has nobody with everything to offboard');
  scored.sort((a, b) => b.score - a.score);
  return scored[0]!.u;
}

/** Every task of the catalogue; devices are wiped (confirmed). */
const FULL_PLAN: PlanStep[] = TASK_IDS.map((id) => ({ task: id, options: id === 'retire_devices' ? { action: 'wipe', confirmWipe: true } : {} }));

/**
 * Per-run noise taken out before comparing tenants, and why:
 * - timestamps (…DateTime, …Date, …At, `at` of a cancelled meeting, whenChanged…): they tell
 *   when a change happened, not what it is; the chain of 60-odd processes runs minutes after the
 *   clean run. Whether one is set (null or not) is kept.
 * - `counts.changes` (the simulator's change counter): an idempotent write sent again (the same
 *   automatic-reply settings, the same forwarding) bumps it without changing anything.
 * - `changeKey`: Outlook's version tag of an item, new with every write, like a timestamp.
 * Password hashes are not in the state at all (`passwordSet` only); the password is checked
 * separately against the one sealed for the approver.
 */
const TIME_KEY = /(DateTime|Date|At|^at|^when[A-Z].*|^time|^date)$/;
function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => k !== 'changeKey')
        .map(([k, v]) => [k, normalise(v, k)]),
    );
  }
  if (typeof value === 'string' && TIME_KEY.test(key) && !Number.isNaN(Date.parse(value))) return '<time>';
  return value;
}

function tenantState(sim: Simulator, personId: string) {
  const whole = normalise(sim.snapshot()) as { counts: Record<string, unknown> };
  delete whole.counts.changes;
  return { person: normalise(sim.userState(personId)), tenant: whole };
}

/**
 * The calls that take something away for good or cut someone off, by what they act on:
 * every Graph DELETE (group and team memberships, inbox rules, methods, the user), revoking
 * sessions, wiping or retiring a device, cancelling a meeting, removing licences, setting a
 * password, and every Exchange Remove-* cmdlet.
 */
function destructiveKey(m: MutationEntry): string | null {
  if (m.service === 'exchange') return m.cmdlet?.startsWith('Remove-') ? `${m.cmdlet} ${canonical(m.parameters)}` : null;
  const p = (m.path ?? '').split('?')[0]!;
  if (m.method === 'DELETE') return `DELETE ${p}`;
  if (m.method === 'POST' && /\/(revokeSignInSessions|wipe|retire|cancel)$/.test(p)) return `POST ${p}`;
  if (m.method === 'POST' && p.endsWith('/assignLicense')) {
    const removed = ((m.parameters as { removeLicenses?: string[] }).removeLicenses ?? []).slice().sort();
    return removed.length ? `POST ${p} remove ${removed.join(',')}` : null;
  }
  if (m.method === 'PATCH' && (m.parameters as Record<string, unknown> | null)?.passwordProfile) return `PATCH ${p} passwordProfile`;
  return null;
}
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

const destructiveCalls = (sim: Simulator) =>
  sim
    .mutations()
    .map((m) => ({ key: destructiveKey(m), status: m.status }))
    .filter((x): x is { key: string; status: number } => x.key !== null);

/** Every other write, by what it writes (idempotent rewrites after a resume show up here). */
const otherWrites = (sim: Simulator) =>
  sim
    .mutations()
    .filter((m) => destructiveKey(m) === null)
    .map((m) => (m.service === 'exchange' ? `${m.cmdlet} ${canonical(m.parameters)}` : `${m.method} ${m.path}`));

const countBy = (keys: string[]) => {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
};

// ---- the worker process -------------------------------------------------------------------

/**
 * The worker, bundled once into one file by esbuild (the compiler tsx itself uses) with the
 * packages it uses, but PGlite (which loads its WebAssembly beside its own files): 60-odd
 * workers then start in well under a second each instead of three or four through tsx on a busy
 * machine. The bundle is imported from `-e`, so that no module of it takes itself for the
 * program (`import.meta.url === argv[1]`). Without esbuild the workers run through tsx.
 */
async function compileWorker(): Promise<{ args: string[]; compiled: boolean; dispose(): Promise<void> }> {
  const out = path.join(repoRoot, 'node_modules', '.cache', 'offramp', `run-worker-${process.pid}.mjs`);
  try {
    await run(path.join(repoRoot, 'node_modules', '.bin', 'esbuild'), [
      path.join(repoRoot, WORKER),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--external:@electric-sql/pglite',
      '--external:@electric-sql/pglite-socket',
      '--external:pg-native',
      // Bundled CommonJS packages require Node's own modules.
      "--banner:js=import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      '--log-level=error',
      `--outfile=${out}`,
    ]);
    return { args: ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(out).href)})`], compiled: true, dispose: () => fs.rm(out, { force: true }) };
  } catch {
    return { args: ['--import', 'tsx', WORKER], compiled: false, dispose: async () => undefined };
  }
}

// ---- the test -------------------------------------------------------------------------------

describe(`a run killed at every step boundary, on the ${kind} store`, () => {
  let sim: Simulator;
  let person: DirUser;
  let worker: Awaited<ReturnType<typeof compileWorker>>;
  const workers: Worker[] = [];
  const places: Place[] = [];

  beforeAll(async () => {
    [sim, worker] = await Promise.all([startTestSimulator({ seed: 'fidelity', users: 60, realism: { latency: 0 } }), compileWorker()]);
    person = pickPerson(sim);
  });
  afterAll(async () => {
    for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    for (const p of places) await p.dispose().catch(() => undefined);
    await worker?.dispose();
    await sim?.close();
  });

  /**
   * A fresh store holding an organisation (no approval needed), the simulated tenant connected
   * with its own app registration and synced, and one run of the full plan for the person,
   * created through the runs service (which queues its job, as the API does). Closed again
   * before any worker starts.
   */
  async function prepare(): Promise<{ place: Place; runId: string }> {
    const place = await openPlace();
    places.push(place);
    const runId = await place.use(async (store) => {
      const log = silentLog;
      // Never started here: it only records the jobs the services queue, for the workers to run.
      const jobs = createAgendaQueue({ pool: store.pool, notifications: 'in-process', name: 'crash-test-setup', processEveryMs: 1_000, lockLifetimeMs: 60_000, maxConcurrency: 1, log });
      const transport = createTransport({ endpoints: { authorityHost: sim.url, graphBaseUrl: sim.url, exchangeBaseUrl: sim.url }, log });
      const box = new SecretBox(DATA_KEY);
      const tenants = createTenantsService({
        db: store.db,
        box,
        transport,
        jobs,
        app: { clientId: 'not-used', clientSecret: 'not-used', authorityHost: sim.url },
        demoTenant: null,
        publicUrl: 'http://127.0.0.1:1',
        syncIntervalMs: 3_600_000,
        log,
      });
      const events = new RunEvents();
      const engine = createEngine({ db: store.db, box, tenants, events, log, leaseMs: LEASE_MS, concurrency: 1, stepAttempts: 3, stepRetryDelayMs: 50 });
      const runs = createRunsService({ db: store.db, box, jobs, tenants, engine, events, log });
      const orgs = createOrgsService(store.db);

      const admin = sim.users().find((u) => u.kind === 'person' && u.id !== person.id && u.id !== person.managerId)!;
      const user = await orgs.ensureUser({ tenantId: sim.tenant.id, objectId: admin.id, name: admin.displayName, email: admin.mail });
      const org = await orgs.createOrganisation(user, 'Crash Co', { source: 'tab', requestId: null });
      const membership = (await orgs.membership(org.id, user.id))!;
      const ctx = { actor: await orgs.actorOf(org.id, membership.memberId), source: 'tab' as const, requestId: null };
      await store.db.insert(offboardingSettings).values({ orgId: org.id, requireApproval: false });

      const tenant = await tenants.connectWithOwnApp(org.id, { tenantId: sim.tenant.id, clientId: sim.demoApp.clientId, clientSecret: sim.demoApp.clientSecret }, ctx);
      await tenants.runSync(tenant.id, true);
      expect((await tenants.get(org.id, tenant.id)).sync).toMatchObject({ state: 'succeeded', error: null });
      const [employee] = await store.db.select({ id: employees.id }).from(employees).where(and(eq(employees.tenantRef, tenant.id), eq(employees.objectId, person.id)));
      const created = await runs.create(org.id, { employeeId: employee!.id, steps: FULL_PLAN, when: { kind: 'now' } }, ctx);
      expect(created.state).toBe('scheduled');
      expect(created.preview!.steps.filter((s) => s.blocked).map((s) => [s.task, s.blocked])).toEqual([]);
      return created.id;
    });
    return { place, runId };
  }

  const lives: { spawnToPauseMs: number; importsMs: number; startMs: number; readyToPauseMs: number }[] = [];

  function start(place: Place, runId: string, concurrency: number, extra: Record<string, string> = {}): Worker {
    const w = spawnNode(worker.args, {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.CRASH_WORKER_LOG_LEVEL ?? 'warn',
      // The simulated tenant's certificate (jest's global setup made it and trusts it through this variable).
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
      SECRET_DATA_KEY: DATA_KEY.toString('base64'),
      JOBS_PROCESS_EVERY_MS: '100',
      // Every killed process leaves its run jobs locked; the next ones take them up again once
      // their locks expire, and all but one wait for the run's lease. Two at a time is enough to
      // have them compete, without sixty of them polling one embedded database.
      JOBS_MAX_CONCURRENCY: '2',
      OFFBOARDING_LEASE_MS: String(LEASE_MS),
      OFFBOARDING_STEP_CONCURRENCY: String(concurrency),
      OFFBOARDING_STEP_ATTEMPTS: '3',
      OFFBOARDING_STEP_RETRY_MS: '50',
      SHUTDOWN_TIMEOUT_MS: '5000',
      RUN_ID: runId,
      SIM_URL: sim.url,
      ...place.env,
      ...extra,
    });
    workers.push(w);
    return w;
  }

  const boundariesOf = (w: Worker) => w.events.filter((e) => e.event === 'boundary').map((e) => e.name as string);

  /**
   * One worker at a time works on the run: within one process's life no boundary comes twice
   * (a second worker taking the run over while the first still works would repeat them).
   */
  function expectOneWorker(w: Worker) {
    const twice = [...countBy(boundariesOf(w))].filter(([, n]) => n > 1);
    if (twice.length) {
      const t0 = w.events[0]?.at as number;
      const story = w.events.map((e) => `${(e.at as number) - t0} ms ${e.event} ${e.name ?? e.owner ?? e.state ?? ''}`).join('\n');
      throw new Error(`two workers in one process worked on the run (${twice.map(([b]) => b).join(', ')} came twice):\n${story}\n${w.stderr.join('\n')}`);
    }
  }

  /** A worker that runs the run to its end (and exits by itself). */
  async function finish(place: Place, runId: string, concurrency: number) {
    const w = start(place, runId, concurrency);
    const ended = await w.waitFor((e) => e.event === 'ended', 120_000);
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expectOneWorker(w);
    return { state: ended.state as string, boundaries: boundariesOf(w) };
  }

  /** A worker stopped dead (SIGKILL) where it pauses; null when the run ended before it paused. */
  async function killWhereItPauses(place: Place, runId: string, concurrency: number, pause: Record<string, string>): Promise<string | null> {
    const spawnedAt = Date.now();
    const w = start(place, runId, concurrency, pause);
    const e = await w.waitFor((x) => x.event === 'paused' || x.event === 'ended', 60_000);
    if (e.event === 'ended') {
      expect(await w.exited).toEqual({ code: 0, signal: null });
      expectOneWorker(w);
      return null;
    }
    w.kill('SIGKILL');
    expect((await w.exited).signal).toBe('SIGKILL');
    expectOneWorker(w);
    const ready = w.events.find((x) => x.event === 'ready')!;
    lives.push({ spawnToPauseMs: (e.at as number) - spawnedAt, importsMs: ready.importsMs as number, startMs: ready.startMs as number, readyToPauseMs: (e.at as number) - (ready.at as number) });
    await place.afterKill();
    return e.name as string;
  }

  /** What the store says of the run: its state, its journal, the password sealed for the approver, the notices, the audit. */
  async function journal(place: Place, runId: string) {
    return place.use(async (store) => {
      const [r] = await store.db.select().from(offboardingRuns).where(eq(offboardingRuns.id, runId));
      const steps = await store.db.select().from(offboardingSteps).where(eq(offboardingSteps.runId, runId)).orderBy(asc(offboardingSteps.seq));
      const notes = await store.db.select().from(notifications).where(like(notifications.key, `run:${runId}:%`));
      const audit = await store.db.select({ action: auditEvents.action, details: auditEvents.details }).from(auditEvents).where(like(auditEvents.action, 'offboarding.%')).orderBy(asc(auditEvents.seq));
      const password = r!.password ? new SecretBox(DATA_KEY).open(r!.password, passwordSealedFor(runId)) : null;
      return { run: r!, steps, notes, audit, password };
    });
  }

  /** What must hold after any run, clean or killed: every step succeeded; the password the approver gets is the tenant's; one notice. */
  function expectFinishedRun(j: Awaited<ReturnType<typeof journal>>) {
    expect(j.steps.filter((s) => s.state !== 'succeeded').map((s) => [s.task, s.state, s.error])).toEqual([]);
    expect(j.run.state).toBe('succeeded');
    expect(j.steps.map((s) => s.task).sort()).toEqual([...TASK_IDS].sort());
    // The password sealed for the approver is the one the tenant has (reset once, or found reset and left).
    expect(j.password).not.toBeNull();
    expect(createHash('sha256').update(j.password!).digest('hex')).toBe(sim.state.deletedUser(person.id)!.passwordHash);
    // One notice to the manager.
    expect(j.notes.map((n) => n.recipientObjectId)).toEqual([person.managerId]);
  }

  /** The audit log tells the run as it happened: created, started, each step succeeded once, finished. */
  function expectAuditedOnce(j: Awaited<ReturnType<typeof journal>>) {
    const actions = countBy(j.audit.map((a) => (a.action === 'offboarding.step_succeeded' ? `${a.action}:${(a.details as { task: string }).task}` : a.action)));
    expect(Object.fromEntries(actions)).toEqual({
      'offboarding.run_created': 1,
      'offboarding.run_started': 1,
      ...Object.fromEntries(TASK_IDS.map((t) => [`offboarding.step_succeeded:${t}`, 1])),
      'offboarding.run_finished': 1,
    });
  }

  /** The tenant as the clean run left it, and the chain of processes held to it. */
  function expectSameTenantAs(reference: NonNullable<typeof clean>) {
    expect(tenantState(sim, person.id)).toEqual(reference.state);
    const destructive = destructiveCalls(sim);
    expect(destructive.filter((c) => c.status >= 300)).toEqual([]);
    // No destructive call sent twice, and the same ones as the clean run sent.
    expect([...countBy(destructive.map((c) => c.key))].filter(([, n]) => n > 1)).toEqual([]);
    expect(destructive.map((c) => c.key).sort()).toEqual(reference.destructive);
  }

  let clean: { boundaries: string[]; state: ReturnType<typeof tenantState>; destructive: string[]; ms: number } | undefined;

  /** A fresh tenant and run for a chain of killed processes, held to the clean run. */
  async function killedChain() {
    if (!clean) throw new Error('the clean run did not complete');
    const t0 = Date.now();
    lives.length = 0;
    sim.reset();
    return { clean, t0, ...(await prepare()) };
  }

  it('a clean run takes everything away, each destructive call once (the reference the killed runs are held to)', async () => {
    const t0 = Date.now();
    sim.reset();
    const { place, runId } = await prepare();
    const done = await finish(place, runId, 1);
    const j = await journal(place, runId);
    expectFinishedRun(j);
    expectAuditedOnce(j);
    expect(done.state).toBe('succeeded');
    expect(j.steps.map((s) => [s.task, s.attempts])).toEqual(j.steps.map((s) => [s.task, 1]));

    // Every boundary, in order: the snapshot, then started / acted / recorded for each step, one step at a time.
    expect(done.boundaries).toEqual(['snapshot:before', 'snapshot:taken', ...j.steps.flatMap((s) => [`do:${s.task}:started`, `do:${s.task}:acted`, `do:${s.task}:recorded`])]);

    const destructive = destructiveCalls(sim);
    expect(destructive.filter((c) => c.status >= 300)).toEqual([]);
    const keys = destructive.map((c) => c.key);
    expect([...countBy(keys)].filter(([, n]) => n > 1)).toEqual([]);
    const st = sim.userState(person.id)!;
    expect(st.deleted).toBe(true);
    expect(st.user.accountEnabled).toBe(false);
    expect(st.memberOf.filter((g) => g.kind !== 'dynamic')).toEqual([]);
    expect(st.licences).toEqual([]);
    expect(st.inboxRules).toEqual([]);
    expect(st.mobileDevices).toEqual([]);
    expect(st.mailbox?.type).toBe('SharedMailbox');
    for (const pattern of [/revokeSignInSessions$/, /\/wipe$/, /\/cancel$/, /assignLicense remove /, /passwordProfile$/, /^DELETE \/users\/[^/]+$/, /^DELETE \/groups\//, /^DELETE \/users\/.*messageRules/, /^Remove-DistributionGroupMember /]) {
      expect(keys.some((k) => pattern.test(k)) ? pattern.source : `no call matching ${pattern.source}`).toBe(pattern.source);
    }
    clean = { boundaries: done.boundaries, state: tenantState(sim, person.id), destructive: [...keys].sort(), ms: Date.now() - t0 };
  }, 180_000);

  it('killed at each boundary in turn, one process after another, it resumes and the tenant ends exactly as after the clean run, no destructive call sent twice', async () => {
    const { clean, place, runId, t0 } = await killedChain();
    const killedAt: string[] = [];
    for (const boundary of clean.boundaries) {
      const paused = await killWhereItPauses(place, runId, 1, { PAUSE_AT: boundary });
      if (paused === null) throw new Error(`the run finished without reaching ${boundary} (killed so far at: ${killedAt.join(', ')})`);
      expect(paused).toBe(boundary);
      killedAt.push(paused);
    }
    const done = await finish(place, runId, 1);
    expect(done.state).toBe('succeeded');
    const j = await journal(place, runId);
    expectFinishedRun(j);
    // Every step was found running twice (killed after it started, and after it acted) and resumed: three attempts.
    expect(j.steps.map((s) => [s.task, s.attempts])).toEqual(j.steps.map((s) => [s.task, 3]));
    expectSameTenantAs(clean);
    expectAuditedOnce(j);
    report(`concurrency 1: killed at all ${killedAt.length} boundaries, then 1 process finished`, t0);
  }, 900_000);

  it('with four steps at once, killed each time a step has acted (the steps beside it die mid-flight), the run still ends as the clean run did', async () => {
    const { clean, place, runId, t0 } = await killedChain();
    // Each process stops at the first step that acts and no earlier process stopped at.
    const killedAt: string[] = [];
    for (;;) {
      if (killedAt.length > TASK_IDS.length) throw new Error(`more kills than steps: ${killedAt.join(', ')}`);
      const paused = await killWhereItPauses(place, runId, 4, { PAUSE_MATCH: '^do:.*:acted$', PAUSE_SKIP: JSON.stringify(killedAt) });
      if (paused === null) break;
      killedAt.push(paused);
    }
    const j = await journal(place, runId);
    expectFinishedRun(j);
    expect(killedAt.length).toBeGreaterThan(1);
    // A step killed after it acted was found running and ran again (re-reading the tenant first: no destructive call twice, below).
    const resumed = killedAt.map((b) => b.split(':')[1] as TaskId);
    expect(resumed.map((t) => [t, j.steps.find((s) => s.task === t)!.attempts >= 2])).toEqual(resumed.map((t) => [t, true]));
    expectSameTenantAs(clean);
    report(`concurrency 4: killed ${killedAt.length} times after a step acted, the last process finished`, t0);
    // Last, as it is the journal's word and not the tenant's: every step that succeeded is in the audit log, once.
    expectAuditedOnce(j);
  }, 900_000);

  /** One line for whoever reads the output: how long the chain took, and which harmless writes a resume sent again. */
  function report(what: string, t0: number) {
    const repeated = [...countBy(otherWrites(sim))].filter(([, n]) => n > 1).map(([k, n]) => `${k.slice(0, 70)} ×${n}`);
    const mean = (k: keyof (typeof lives)[number]) => (lives.length ? lives.reduce((a, l) => a + l[k], 0) / lives.length / 1000 : 0).toFixed(2);
    process.stdout.write(
      `[crash test, ${kind} store] ${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${mean('spawnToPauseMs')} s a process from start to kill ` +
        `(loading ${mean('importsMs')} s, store and queue ${mean('startMs')} s, work ${mean('readyToPauseMs')} s) ` +
        `(clean run ${(clean!.ms / 1000).toFixed(1)} s, workers ${worker.compiled ? 'bundled' : 'through tsx'}); ` +
        `writes sent again by resumed steps: ${repeated.length ? repeated.join('; ') : 'none'}\n`,
    );
  }
});
