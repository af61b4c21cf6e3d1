import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import type { Logger } from '../log.js';
import type { SecretBox } from '../crypto/envelope.js';
import { appendAudit, SYSTEM_CONTEXT, type AuditContext } from '../audit/audit.service.js';
import { UserError } from '../errors.js';
import { M365Error, M365Unavailable, type CallRecord } from '../m365/m365.types.js';
import type { TenantsService } from '../m365/tenants.service.js';
import { organisations } from '../orgs/orgs.schema.js';
import { notifications } from '../notifications/notifications.schema.js';
import type { RunState, TaskId } from './contract.js';
import { TaskRefused, task } from './catalogue.js';
import { offboardingRuns, offboardingSteps } from './offboarding.schema.js';
import { RUN_EVENTS, type RunEvents } from './events.js';
import { recordRunEvent } from './run-events.js';
import { takeSnapshot } from './snapshot.js';
import type { Snapshot, TaskEnv } from './task.types.js';

/**
 * The engine: runs one offboarding run to its end. The database is the truth: a lease on the
 * run row keeps it to one worker; the snapshot is taken before the first change; each step's
 * journal row records its attempts, request ids, evidence and error as it goes. Steps run in
 * dependency order, independent ones together. A process that dies anywhere leaves a run that
 * the next worker resumes: succeeded steps are not sent again, and a step found running is
 * re-checked against the tenant by the task itself before it acts.
 */

export { SYSTEM_CONTEXT };

export interface EngineOptions {
  db: Db;
  box: SecretBox;
  tenants: Pick<TenantsService, 'm365'>;
  events: RunEvents;
  log: Logger;
  /** How long a worker's claim on a run lasts without renewal (renewed every third of it). */
  leaseMs: number;
  /** Steps of one run at once. */
  concurrency: number;
  /** Attempts of a step when Microsoft keeps failing (after the driver's own retries). */
  stepAttempts: number;
  stepRetryDelayMs: number;
  /** Called at every step boundary (tests stop the process there). */
  onBoundary?: (name: string, runId: string) => Promise<void> | void;
  /** Every Microsoft call a step makes (benchmarks sum them). */
  onCall?: (call: CallRecord & { runId: string; task: TaskId }) => void;
}

type RunRow = typeof offboardingRuns.$inferSelect;
type StepRow = typeof offboardingSteps.$inferSelect;

const TERMINAL_STEP = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

/** This worker's claim on the run has passed to another: it must change nothing more. */
class LeaseLost extends Error {
  constructor() {
    super('The run lease was lost.');
  }
}

export const passwordSealedFor = (runId: string) => `run-password:${runId}`;

/** What people read when a step fails: Microsoft's words with its request id, or a plain sentence. */
export function describeError(err: unknown): string {
  if (err instanceof TaskRefused) return err.message;
  if (err instanceof M365Error) return `Microsoft 365 refused: ${err.message}${err.requestId ? ` (request id ${err.requestId})` : ''}`;
  if (err instanceof M365Unavailable) return `Microsoft 365 did not answer after several retries: ${err.message}${err.requestId ? ` (request id ${err.requestId})` : ''}`;
  return 'An internal error stopped this step. Retry it; if it fails again, contact support.';
}

export function createEngine(opts: EngineOptions) {
  const { db } = opts;
  const log = opts.log.child({ module: 'offboarding-engine' });
  const boundary = async (name: string, runId: string) => {
    if (opts.onBoundary) await opts.onBoundary(name, runId);
  };

  async function touchRun(runId: string, values: Partial<typeof offboardingRuns.$inferInsert> = {}) {
    await db.update(offboardingRuns).set({ ...values, updatedAt: new Date() }).where(eq(offboardingRuns.id, runId));
  }

  /** Claims the run for this worker; waits for a dead worker's claim to lapse. Null: nothing to do here. */
  async function claim(runId: string, me: string, signal: AbortSignal): Promise<RunRow | null> {
    const deadline = Date.now() + opts.leaseMs * 2 + 1_000;
    for (;;) {
      const [row] = await db
        .update(offboardingRuns)
        .set({ leaseOwner: me, leaseUntil: sql`now() + make_interval(secs => ${opts.leaseMs / 1000})` })
        .where(
          and(
            eq(offboardingRuns.id, runId),
            inArray(offboardingRuns.state, ['scheduled', 'running', 'undoing']),
            or(isNull(offboardingRuns.leaseUntil), lt(offboardingRuns.leaseUntil, sql`now()`)),
            // A job left over from before a reschedule does not start the run early.
            sql`(${offboardingRuns.state} <> 'scheduled' OR ${offboardingRuns.scheduledAt} IS NULL OR ${offboardingRuns.scheduledAt} <= now() + interval '5 seconds')`,
          ),
        )
        .returning();
      if (row) return row;
      const [current] = await db.select({ state: offboardingRuns.state, leaseUntil: offboardingRuns.leaseUntil }).from(offboardingRuns).where(eq(offboardingRuns.id, runId));
      if (!current || !['scheduled', 'running', 'undoing'].includes(current.state) || !current.leaseUntil) return null;
      if (Date.now() > deadline || signal.aborted) return null; // a live worker has it
      await sleep(Math.min(500, opts.leaseMs / 4));
    }
  }

  /** A change of the run row and its audit entry, in one transaction (a crash leaves both or neither). */
  async function changeRun(runId: string, values: Partial<typeof offboardingRuns.$inferInsert>, states: RunState[], action: string, details: (r: RunRow) => Record<string, unknown>, ok = true) {
    return db.transaction(async (tx) => {
      const [r] = await tx.update(offboardingRuns).set({ ...values, updatedAt: new Date() }).where(and(eq(offboardingRuns.id, runId), inArray(offboardingRuns.state, states))).returning();
      if (r) {
        await appendAudit(tx, SYSTEM_CONTEXT, { orgId: r.orgId, action, outcome: ok ? 'success' : 'failure', target: { type: 'offboarding_run', id: r.id, label: r.person.displayName }, details: details(r) });
        await recordRunEvent(tx, SYSTEM_CONTEXT, action, r);
      }
      return r ?? null;
    });
  }

  async function organisationName(orgId: string) {
    const [o] = await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, orgId));
    return o?.name ?? 'the organisation';
  }

  /** Runs (or resumes) a run until it ends, is cancelled, or the process must stop. */
  async function execute(runId: string, job: { signal: AbortSignal; touch: () => Promise<void> }): Promise<void> {
    const me = randomUUID();
    let run = await claim(runId, me, job.signal);
    if (!run) return;
    // Losing the lease (a stall longer than it) means another worker may have the run now: this one
    // starts nothing more and leaves the run to it.
    const lost = new AbortController();
    const signal = AbortSignal.any([job.signal, lost.signal]);
    const renew = setInterval(() => {
      void db
        .update(offboardingRuns)
        .set({ leaseUntil: sql`now() + make_interval(secs => ${opts.leaseMs / 1000})` })
        .where(and(eq(offboardingRuns.id, runId), eq(offboardingRuns.leaseOwner, me)))
        .returning({ id: offboardingRuns.id })
        .then(async (rows) => {
          if (rows.length === 0) {
            log.warn({ runId }, 'the run lease was lost: leaving the run to the worker that has it');
            lost.abort(new LeaseLost());
          } else await job.touch();
        })
        .catch((err: unknown) => log.warn({ err, runId }, 'could not renew the run lease'));
    }, Math.max(200, opts.leaseMs / 3));
    try {
      if (run.state === 'scheduled') {
        const started = await changeRun(runId, { state: 'running', startedAt: new Date() }, ['scheduled'], 'offboarding.run_started', (r) => ({ person: r.person.userPrincipalName }));
        run = started ?? run;
        opts.events.emit({ type: RUN_EVENTS.started, orgId: run.orgId, runId, state: 'running' });
      }
      const phase = run.state === 'undoing' ? 'undo' : 'do';
      let snapshot = run.snapshot as Snapshot | null;
      try {
        const { actions, directory } = await opts.tenants.m365(run.tenantRef);
        if (!snapshot) {
          await boundary('snapshot:before', runId);
          snapshot = await takeSnapshot(actions, directory, run.person, run.plan);
          await touchRun(runId, { snapshot });
          opts.events.emit({ type: RUN_EVENTS.changed, orgId: run.orgId, runId, state: run.state });
          await boundary('snapshot:taken', runId);
        }
      } catch (err) {
        // Microsoft said no (or the tenant is gone): nothing was changed; every step fails with the reason.
        // Microsoft unreachable: the run stays running and the recovery check tries again.
        if (!(err instanceof M365Error || err instanceof UserError)) throw err;
        const reason = `Offramp could not read the tenant before changing anything: ${err instanceof UserError ? err.message : describeError(err)}`;
        await db
          .update(offboardingSteps)
          .set({ state: 'failed', error: reason, finishedAt: new Date() })
          .where(and(eq(offboardingSteps.runId, runId), eq(offboardingSteps.phase, phase), inArray(offboardingSteps.state, ['pending', 'running'])));
        await finish(runId, phase);
        return;
      }
      const organisation = await organisationName(run.orgId);
      try {
        await runSteps(run, phase, snapshot!, organisation, signal, () => lost.abort(new LeaseLost()));
      } catch (err) {
        if (!(err instanceof LeaseLost)) throw err;
        lost.abort(err);
      }
      if (lost.signal.aborted) return;
      if (job.signal.aborted) throw new Error('The process is stopping: the run resumes on the next worker.');
      await finish(runId, phase);
    } finally {
      clearInterval(renew);
      await db
        .update(offboardingRuns)
        .set({ leaseOwner: null, leaseUntil: null })
        .where(and(eq(offboardingRuns.id, runId), eq(offboardingRuns.leaseOwner, me)))
        .catch(() => undefined);
    }
  }

  async function loadSteps(runId: string, phase: 'do' | 'undo') {
    return db.select().from(offboardingSteps).where(and(eq(offboardingSteps.runId, runId), eq(offboardingSteps.phase, phase))).orderBy(asc(offboardingSteps.seq));
  }

  async function runSteps(run: RunRow, phase: 'do' | 'undo', snapshot: Snapshot, organisation: string, signal: AbortSignal, onLost: () => void) {
    const inFlight = new Map<string, Promise<void>>();
    // Steps this worker has run to their end. The rows just loaded may predate that end (a step can
    // finish while they load): without this, such a step would look running and not in flight, and run twice.
    const settled = new Set<string>();
    const doSteps = phase === 'undo' ? new Map((await loadSteps(run.id, 'do')).map((s) => [s.task, s])) : new Map<TaskId, StepRow>();
    for (;;) {
      const settledBefore = settled.size;
      const steps = await loadSteps(run.id, phase);
      const [current] = await db.select({ cancel: offboardingRuns.cancelRequestedAt }).from(offboardingRuns).where(eq(offboardingRuns.id, run.id));
      const byTask = new Map(steps.map((s) => [s.task, s]));
      const stopping = Boolean(current?.cancel) || signal.aborted;
      let changed = false;
      for (const step of steps) {
        if (TERMINAL_STEP.has(step.state) || inFlight.has(step.id) || settled.has(step.id)) continue;
        if (stopping) {
          if (current?.cancel && !signal.aborted) await markStep(run, step, { state: 'cancelled', skippedReason: 'The run was cancelled before this step started.', finishedAt: new Date() });
          continue;
        }
        const deps = step.after.map((t) => byTask.get(t)).filter((d): d is StepRow => Boolean(d));
        const blockers = deps.filter((d) => d.state === 'failed' || d.state === 'skipped' || d.state === 'cancelled');
        // Skipped once every step it follows has ended, so that the reason names all that did not succeed.
        if (blockers.length && deps.every((d) => TERMINAL_STEP.has(d.state))) {
          const names = blockers.map((d) => `“${task(d.task).title}”`).join(' and ');
          await markStep(run, step, { state: 'skipped', skippedReason: `${names} did not succeed, and this step must follow ${blockers.length > 1 ? 'them' : 'it'}.`, finishedAt: new Date() });
          changed = true;
          continue;
        }
        if (!deps.every((d) => d.state === 'succeeded') || inFlight.size >= opts.concurrency) continue;
        const p = executeStep(run, step, snapshot, organisation, phase === 'undo' ? doSteps.get(step.task) ?? null : null, signal)
          .catch((err: unknown) => {
            if (err instanceof LeaseLost) {
              log.warn({ runId: run.id, step: step.task }, 'the run lease passed to another worker: this step is left to it');
              onLost();
            } else log.error({ err, runId: run.id, step: step.task }, 'step crashed');
          })
          .finally(() => {
            inFlight.delete(step.id);
            settled.add(step.id);
          });
        inFlight.set(step.id, p);
      }
      if (inFlight.size === 0) {
        // Nothing running: every step has ended — unless skips just decided others, or a step ended
        // while the rows loaded (they showed it running, and what follows it waiting): look again.
        if ((changed || settled.size !== settledBefore) && !stopping) continue;
        return;
      }
      await Promise.race(inFlight.values());
    }
  }

  /**
   * Writes a step's journal row (and, for its outcome, its audit entry in the same transaction: both
   * land or neither). Fenced by the lease: the run row is updated only while this worker still holds
   * an unexpired claim (renewing it for a full lease), and locking it there orders this write after
   * any other worker's claim. A worker that stalled past its lease therefore neither records nor
   * starts a step's changes once another worker may have the run: LeaseLost, and nothing written.
   */
  async function markStep(run: RunRow, step: StepRow, values: Partial<typeof offboardingSteps.$inferInsert>, outcome?: { action: string; details: Record<string, unknown>; ok: boolean }) {
    await db.transaction(async (tx) => {
      const held = await tx
        .update(offboardingRuns)
        .set({ updatedAt: new Date(), leaseUntil: sql`now() + make_interval(secs => ${opts.leaseMs / 1000})` })
        .where(and(eq(offboardingRuns.id, run.id), eq(offboardingRuns.leaseOwner, run.leaseOwner ?? ''), sql`${offboardingRuns.leaseUntil} > now()`))
        .returning({ id: offboardingRuns.id });
      if (held.length === 0) throw new LeaseLost();
      await tx.update(offboardingSteps).set(values).where(eq(offboardingSteps.id, step.id));
      if (outcome) {
        await appendAudit(tx, SYSTEM_CONTEXT, {
          orgId: run.orgId,
          action: outcome.action,
          outcome: outcome.ok ? 'success' : 'failure',
          target: { type: 'offboarding_run', id: run.id, label: run.person.displayName },
          details: outcome.details,
        });
      }
    });
    opts.events.emit({ type: RUN_EVENTS.step, orgId: run.orgId, runId: run.id, stepId: step.id, state: run.state });
  }

  async function executeStep(run: RunRow, step: StepRow, snapshot: Snapshot, organisation: string, undoOf: StepRow | null, signal: AbortSignal) {
    const def = task(step.task);
    let attempts = step.attempts;
    let firstStart = step.startedAt;
    for (;;) {
      const attemptStart = new Date();
      const earlierAttemptAt = attempts > 0 ? firstStart : null;
      attempts += 1;
      firstStart ??= attemptStart;
      await markStep(run, step, { state: 'running', attempts, startedAt: firstStart, attemptStartedAt: attemptStart, error: null });
      await boundary(`${step.phase}:${step.task}:started`, run.id);
      const calls: CallRecord[] = [];
      const extraIds: string[] = [];
      const { actions } = await opts.tenants.m365(run.tenantRef, (c) => {
        calls.push(c);
        opts.onCall?.({ ...c, runId: run.id, task: step.task });
      });
      const env: TaskEnv<Record<string, unknown>> = {
        m365: actions,
        person: run.person,
        snapshot,
        options: step.options,
        organisation,
        earlierAttemptAt,
        savePassword: async (password) => {
          await touchRun(run.id, { password: opts.box.seal(password, passwordSealedFor(run.id)) });
        },
        notify: async (n) => {
          await db
            .insert(notifications)
            .values({ orgId: run.orgId, key: `run:${run.id}:${n.key}`, recipientObjectId: n.recipientObjectId, recipientAddress: n.recipientAddress, recipientName: n.recipientName, title: n.title, body: n.body, link: `/tabs/offboardings/${run.id}` })
            .onConflictDoNothing();
        },
        addRequestIds: (ids) => extraIds.push(...ids.filter((x): x is string => Boolean(x))),
      };
      const requestIds = () => [...new Set([...step.requestIds, ...calls.map((c) => c.requestId).filter((x): x is string => Boolean(x)), ...extraIds])];
      try {
        let result;
        let undoData: unknown = null;
        if (step.phase === 'do') {
          const outcome = await def.run(env);
          ({ undoData = null, ...result } = outcome);
        } else {
          if (!def.revert || !undoOf) throw new TaskRefused(`${def.title} cannot be undone: ${def.undo.how}`);
          result = await def.revert(env, undoOf.undoData);
        }
        await boundary(`${step.phase}:${step.task}:acted`, run.id);
        await markStep(
          run,
          step,
          { state: 'succeeded', attempts, finishedAt: new Date(), requestIds: requestIds(), result, undoData, error: null },
          { action: step.phase === 'do' ? 'offboarding.step_succeeded' : 'offboarding.undo_step_succeeded', details: { task: step.task, attempts, items: result.items.length, requestIds: requestIds().slice(0, 20) }, ok: true },
        );
        await boundary(`${step.phase}:${step.task}:recorded`, run.id);
        return;
      } catch (err) {
        if (err instanceof LeaseLost) throw err;
        const message = describeError(err);
        step = { ...step, requestIds: requestIds() };
        // Microsoft unreachable, or an answer a re-read may resolve (a call whose answer was lost and
        // was sent again finds the change made: 404, "not a member"): the next attempt re-reads first.
        // Permission refusals and tasks that cannot run are final.
        const retryable = err instanceof M365Unavailable || (err instanceof M365Error && err.status !== 401 && err.status !== 403);
        if (!(err instanceof TaskRefused || err instanceof M365Error || err instanceof M365Unavailable)) log.error({ err, runId: run.id, step: step.task }, 'step failed on an internal error');
        if (retryable && attempts < opts.stepAttempts && !signal.aborted) {
          await markStep(run, step, { error: `Attempt ${attempts} failed: ${message} Retrying.`, requestIds: step.requestIds });
          await sleep(opts.stepRetryDelayMs * attempts);
          continue;
        }
        await markStep(
          run,
          step,
          { state: 'failed', attempts, finishedAt: new Date(), requestIds: step.requestIds, error: message },
          { action: step.phase === 'do' ? 'offboarding.step_failed' : 'offboarding.undo_step_failed', details: { task: step.task, attempts, error: message }, ok: false },
        );
        await boundary(`${step.phase}:${step.task}:recorded`, run.id);
        return;
      }
    }
  }

  async function finish(runId: string, phase: 'do' | 'undo') {
    const steps = await loadSteps(runId, phase);
    const [run] = await db.select().from(offboardingRuns).where(eq(offboardingRuns.id, runId));
    if (!run || steps.some((s) => !TERMINAL_STEP.has(s.state))) return;
    const ok = steps.filter((s) => s.state === 'succeeded').length;
    let state: RunState;
    if (phase === 'undo') state = ok === steps.length ? 'undone' : 'partially_undone';
    else if (run.cancelRequestedAt && steps.some((s) => s.state === 'cancelled')) state = 'cancelled';
    else if (ok === steps.length) state = 'succeeded';
    else if (ok === 0) state = 'failed';
    else state = 'partially_failed';
    const now = new Date();
    const counts = Object.fromEntries(['succeeded', 'failed', 'skipped', 'cancelled'].map((k) => [k, steps.filter((s) => s.state === k).length]));
    const updated = await changeRun(
      runId,
      phase === 'undo' ? { state, undoneAt: now } : { state, finishedAt: now },
      ['running', 'undoing'],
      phase === 'undo' ? 'offboarding.run_undone' : 'offboarding.run_finished',
      () => ({ state, ...counts }),
      state === 'succeeded' || state === 'undone',
    );
    if (!updated) return;
    opts.events.emit({ type: phase === 'undo' ? RUN_EVENTS.undone : state === 'cancelled' ? RUN_EVENTS.cancelled : RUN_EVENTS.finished, orgId: updated.orgId, runId, state });
    log.info({ runId, state, ...counts }, 'offboarding run ended');
  }

  /** Runs left running by a worker that is gone (its lease lapsed): to be queued again. */
  async function orphans(): Promise<string[]> {
    const rows = await db
      .select({ id: offboardingRuns.id })
      .from(offboardingRuns)
      .where(
        and(
          inArray(offboardingRuns.state, ['running', 'undoing']),
          or(isNull(offboardingRuns.leaseUntil), lt(offboardingRuns.leaseUntil, sql`now() - make_interval(secs => ${opts.leaseMs / 1000})`)),
          lt(offboardingRuns.updatedAt, sql`now() - make_interval(secs => ${opts.leaseMs / 1000})`),
        ),
      );
    return rows.map((r) => r.id);
  }

  return { execute, orphans };
}

export type Engine = ReturnType<typeof createEngine>;
