import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import type { Logger } from '../log.js';
import type { SecretBox } from '../crypto/envelope.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { UserError, notFound } from '../errors.js';
import { appendAudit, type AuditContext } from '../audit/audit.service.js';
import { auditEvents } from '../audit/audit.schema.js';
import { containing } from '../db/like.js';
import { employees, tenants } from '../m365/m365.schema.js';
import type { TenantsService } from '../m365/tenants.service.js';
import { organisations } from '../orgs/orgs.schema.js';
import { can, type Role } from '../orgs/permissions.js';
import type { BulkResult, OffboardingSettings, PersonRef, PlanStep, Preview, Run, RunState, RunStep, RunSummary, Template, When } from './contract.js';
import { CATALOGUE, task, taskInfo } from './catalogue.js';
import { DEFAULT_PLAN, dependencies, ordered, undoDependencies, validatePlan } from './plan.js';
import { offboardingRuns, offboardingSettings, offboardingSteps, offboardingTemplates } from './offboarding.schema.js';
import { RUN_EVENTS, type RunEvents } from './events.js';
import { recordRunEvent } from './run-events.js';
import { passwordSealedFor, type Engine } from './engine.js';
import { takeSnapshot } from './snapshot.js';
import type { Snapshot } from './task.types.js';

/**
 * Offboarding runs as people ask for them: plans and templates, previews, runs (now, at a time,
 * in bulk), approval, rescheduling, cancelling, retrying, undoing. The engine does the work;
 * this service decides what may happen and records who asked.
 */

export const RUN_JOB = 'offboarding.run';
export const RECOVER_JOB = 'offboarding.recover';
export const PROPOSE_JOB = 'offboarding.propose';
export const UNDO_WINDOW_DAYS = 30;

type RunRow = typeof offboardingRuns.$inferSelect;
type StepRow = typeof offboardingSteps.$inferSelect;
type EmployeeRow = typeof employees.$inferSelect;

export const DEFAULT_SETTINGS: OffboardingSettings = { requireApproval: true, allowApproveOwn: false, proposeFromLeaveDate: false };

export interface RunsDeps {
  db: Db;
  box: SecretBox;
  jobs: JobQueue;
  tenants: Pick<TenantsService, 'm365'>;
  engine: Engine;
  events: RunEvents;
  log: Logger;
}

export interface CreateRunInput {
  employeeId: string;
  steps?: PlanStep[];
  when: When;
}

/** The caller, as the permission checks need them (from the audit context of the door). */
const callerOf = (ctx: AuditContext) => ({ memberId: ctx.actor.memberId, role: (ctx.actor.role ?? 'viewer') as Role });

const ACTIVE: RunState[] = ['awaiting_approval', 'scheduled', 'running', 'undoing'];

/** A wall time in a time zone ("2026-12-04T17:00", "Europe/London") to an instant; refused if unreadable or past. */
export function resolveWhen(when: When, now = new Date()): Date | null {
  if (when.kind === 'now') return null;
  const zone = DateTime.now().setZone(when.timeZone);
  if (!zone.isValid) throw new UserError(400, 'invalid_time_zone', `when.timeZone: ${when.timeZone} is not a time zone (use an IANA name such as Europe/London).`, { field: 'when.timeZone' });
  const at = DateTime.fromISO(when.at, { zone: when.timeZone });
  if (!at.isValid) throw new UserError(400, 'invalid_time', `when.at: ${when.at} is not a date and time (use 2026-12-04T17:00).`, { field: 'when.at' });
  if (at.toMillis() < now.getTime() - 60_000) {
    throw new UserError(400, 'time_in_past', `when.at: ${at.toFormat('yyyy-LL-dd HH:mm')} (${when.timeZone}) is in the past.`, { field: 'when.at' });
  }
  return at.toJSDate();
}

const runExists = (e: EmployeeRow, runId: string | null) =>
  new UserError(409, 'run_exists', `${e.displayName} already has an offboarding under way${runId ? ` (run ${runId})` : ''}: cancel it or wait for it to end.`, { runId });

export function createRunsService(deps: RunsDeps) {
  const { db } = deps;
  const log = deps.log.child({ module: 'offboarding' });

  // ---- settings and templates ---------------------------------------------------------------
  async function settingsOf(orgId: string): Promise<OffboardingSettings> {
    const [row] = await db.select().from(offboardingSettings).where(eq(offboardingSettings.orgId, orgId));
    return row ? { requireApproval: row.requireApproval, allowApproveOwn: row.allowApproveOwn, proposeFromLeaveDate: row.proposeFromLeaveDate } : DEFAULT_SETTINGS;
  }

  async function tenantOf(orgId: string, tenantRef: string) {
    const [row] = await db.select().from(tenants).where(and(eq(tenants.orgId, orgId), eq(tenants.id, tenantRef)));
    if (!row) throw notFound('That tenant');
    return row;
  }

  async function templateOf(orgId: string, tenantRef: string): Promise<Template> {
    await tenantOf(orgId, tenantRef);
    const [row] = await db.select().from(offboardingTemplates).where(eq(offboardingTemplates.tenantRef, tenantRef));
    return row
      ? { tenantRef, steps: row.steps, customised: true, updatedAt: row.updatedAt.toISOString(), updatedBy: row.updatedBy }
      : { tenantRef, steps: DEFAULT_PLAN, customised: false, updatedAt: null, updatedBy: null };
  }

  // ---- people and previews ------------------------------------------------------------------
  async function employeeOf(orgId: string, employeeId: string): Promise<EmployeeRow> {
    const [row] = await db.select().from(employees).where(and(eq(employees.orgId, orgId), eq(employees.id, employeeId)));
    if (!row) throw new UserError(404, 'not_found', 'That person was not found among the synced employees.', { field: 'employeeId' });
    if (row.removedAt) throw new UserError(409, 'person_removed', `${row.displayName} is no longer in the tenant (or its sync scope).`, { field: 'employeeId' });
    return row;
  }

  const personOf = (e: EmployeeRow): PersonRef => ({
    employeeId: e.id,
    objectId: e.objectId,
    userPrincipalName: e.userPrincipalName,
    displayName: e.displayName,
    mail: e.mail,
    jobTitle: e.jobTitle,
    department: e.department,
  });

  async function previewFor(orgId: string, e: EmployeeRow, plan: PlanStep[]): Promise<Preview> {
    const tenant = await tenantOf(orgId, e.tenantRef);
    const { actions, directory } = await deps.tenants.m365(e.tenantRef);
    const person = personOf(e);
    const snapshot = await takeSnapshot(actions, directory, person, plan);
    const [org] = await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, orgId));
    const granted = new Set(tenant.grantedPermissions);
    const steps = await Promise.all(
      ordered(plan).map(async (s) => {
        const def = task(s.task);
        const missing = def.permissions.filter((p) => !granted.has(p));
        const body = await def.preview({
          m365: actions,
          person,
          snapshot,
          options: s.options,
          organisation: org?.name ?? '',
          earlierAttemptAt: null,
          savePassword: async () => undefined,
          notify: async () => undefined,
          addRequestIds: () => undefined,
        });
        return {
          task: s.task,
          title: def.title,
          ...body,
          blocked: body.blocked ?? (missing.length ? `${tenant.displayName} has not granted Offramp ${missing.join(', ')}: grant it on the Tenants page.` : null),
        };
      }),
    );
    return { person, generatedAt: new Date().toISOString(), steps, warnings: personWarnings(snapshot, plan) };
  }

  function personWarnings(s: Snapshot, plan: PlanStep[]): string[] {
    const w: string[] = [];
    const tasks = new Set(plan.map((p) => p.task));
    if (!s.account) w.push('The person was not found in the tenant: sync the tenant again.');
    if (s.account?.onPremisesSyncEnabled) w.push('The account is synced from on-premises Active Directory: sign-in and deletion must be changed there, or the next directory sync undoes them.');
    if (s.licences.some((l) => l.via === 'group')) w.push('Some licences come from groups: they go when the person leaves those groups.');
    if (s.mailbox?.sizeBytes && s.mailbox.sizeBytes >= 45 * 1024 ** 3) w.push(`Large mailbox: ${(s.mailbox.sizeBytes / 1024 ** 3).toFixed(1)} GB (shared mailboxes without a licence hold 50 GB).`);
    if (tasks.has('remove_licences') && !tasks.has('convert_to_shared') && s.mailbox?.type === 'UserMailbox') {
      w.push('Licences are removed but the mailbox is not converted to shared: Exchange deletes it 30 days later.');
    }
    if (!s.manager) w.push('The person has no manager in Microsoft 365: tasks that hand over to “the manager” cannot run.');
    return w;
  }

  // ---- presenting ---------------------------------------------------------------------------
  const presentStep = (s: StepRow): RunStep => {
    const def = task(s.task);
    return {
      id: s.id,
      seq: s.seq,
      phase: s.phase,
      task: s.task,
      title: def.title,
      state: s.state,
      attempts: s.attempts,
      startedAt: s.startedAt?.toISOString() ?? null,
      finishedAt: s.finishedAt?.toISOString() ?? null,
      requestIds: s.requestIds,
      result: s.result ?? null,
      error: s.error,
      skippedReason: s.skippedReason,
      after: s.after,
      undo: def.undo,
    };
  };

  const countsOf = (steps: Pick<StepRow, 'state' | 'phase'>[]) => {
    const d = steps.filter((s) => s.phase === 'do');
    return {
      total: d.length,
      succeeded: d.filter((s) => s.state === 'succeeded').length,
      failed: d.filter((s) => s.state === 'failed').length,
      skipped: d.filter((s) => s.state === 'skipped' || s.state === 'cancelled').length,
    };
  };

  type TenantInfo = { id: string; displayName: string; defaultDomain: string };
  const summaryOf = (r: RunRow, tenant: TenantInfo, steps: Pick<StepRow, 'state' | 'phase'>[]): RunSummary => ({
    id: r.id,
    state: r.state,
    tenant,
    person: r.person,
    when: r.when,
    scheduledAt: r.scheduledAt?.toISOString() ?? null,
    requestedBy: { memberId: r.requestedBy, name: r.requestedByName },
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    bulkId: r.bulkId,
    counts: countsOf(steps),
  });

  function allowed(r: RunRow, steps: StepRow[], settings: OffboardingSettings, caller: { memberId: string | null; role: Role }) {
    const approver = can(caller.role, 'offboarding.approve') && (caller.memberId !== r.requestedBy || settings.allowApproveOwn);
    const trigger = can(caller.role, 'offboarding.trigger');
    return {
      approve: r.state === 'awaiting_approval' && approver,
      reject: r.state === 'awaiting_approval' && approver,
      reschedule: (r.state === 'awaiting_approval' || r.state === 'scheduled') && trigger,
      cancel: ['awaiting_approval', 'scheduled', 'running'].includes(r.state) && !r.cancelRequestedAt && trigger,
      retry: (r.state === 'failed' || r.state === 'partially_failed') && trigger && steps.some((s) => s.phase === 'do' && s.state === 'failed'),
      undo: undoable(r, steps) === null && can(caller.role, 'offboarding.approve'),
      revealPassword: r.password !== null && caller.memberId !== null && caller.memberId === (r.approvedBy ?? r.requestedBy),
    };
  }

  function undoable(r: RunRow, steps: StepRow[]): string | null {
    if (!['succeeded', 'failed', 'partially_failed', 'cancelled'].includes(r.state)) return `A ${r.state.replace('_', ' ')} run cannot be undone.`;
    if (!r.finishedAt || Date.now() - r.finishedAt.getTime() > UNDO_WINDOW_DAYS * 86_400_000) return `Runs can be undone for ${UNDO_WINDOW_DAYS} days after they end.`;
    if (!steps.some((s) => s.phase === 'do' && s.state === 'succeeded')) return 'No step of this run changed anything: there is nothing to undo.';
    return null;
  }

  async function present(r: RunRow, ctx: AuditContext | null): Promise<Run> {
    const [steps, t, settings] = await Promise.all([
      db.select().from(offboardingSteps).where(eq(offboardingSteps.runId, r.id)).orderBy(asc(offboardingSteps.phase), asc(offboardingSteps.seq)),
      db.select({ id: tenants.id, displayName: tenants.displayName, defaultDomain: tenants.defaultDomain }).from(tenants).where(eq(tenants.id, r.tenantRef)),
      settingsOf(r.orgId),
    ]);
    const caller = ctx ? callerOf(ctx) : { memberId: null, role: 'viewer' as Role };
    return {
      ...summaryOf(r, t[0]!, steps),
      approvedBy: r.approvedByName ? { memberId: r.approvedBy, name: r.approvedByName } : null,
      decidedAt: r.decidedAt?.toISOString() ?? null,
      rejectionReason: r.rejectionReason,
      cancelRequestedAt: r.cancelRequestedAt?.toISOString() ?? null,
      undoneAt: r.undoneAt?.toISOString() ?? null,
      steps: steps.map(presentStep),
      preview: r.preview ?? null,
      passwordWaiting: r.password !== null,
      allowed: allowed(r, steps, settings, caller),
    };
  }

  async function rowOf(orgId: string, runId: string): Promise<RunRow> {
    const [r] = await db.select().from(offboardingRuns).where(and(eq(offboardingRuns.orgId, orgId), eq(offboardingRuns.id, runId)));
    if (!r) throw notFound('That offboarding run');
    return r;
  }

  const auditRun = async (tx: Db, ctx: AuditContext, r: RunRow, action: string, details: Record<string, unknown> = {}) => {
    await appendAudit(tx, ctx, { orgId: r.orgId, action, target: { type: 'offboarding_run', id: r.id, label: r.person.displayName }, details });
    await recordRunEvent(tx, ctx, action, r);
  };

  /** Queues the run's job (now or at its time) and records it; the run must be `scheduled`. */
  async function enqueue(r: RunRow): Promise<RunRow> {
    const jobId = r.scheduledAt && r.scheduledAt.getTime() > Date.now() ? await deps.jobs.schedule(r.scheduledAt, RUN_JOB, { runId: r.id }) : await deps.jobs.now(RUN_JOB, { runId: r.id });
    const [updated] = await db.update(offboardingRuns).set({ jobId, updatedAt: new Date() }).where(eq(offboardingRuns.id, r.id)).returning();
    return updated ?? r;
  }

  const emit = (r: RunRow, type: (typeof RUN_EVENTS)[keyof typeof RUN_EVENTS]) => deps.events.emit({ type, orgId: r.orgId, runId: r.id, state: r.state });

  /** Writes a run and its journal in one transaction (nothing half-written), then queues it if it needs no approval. */
  async function insertRun(
    orgId: string,
    e: EmployeeRow,
    plan: PlanStep[],
    when: When,
    preview: Preview | null,
    bulkId: string | null,
    ctx: AuditContext,
    settings: OffboardingSettings,
    opts: { proposal?: boolean } = {},
  ): Promise<RunRow> {
    const scheduledAt = resolveWhen(when);
    const caller = callerOf(ctx);
    const selfApproved = settings.allowApproveOwn && can(caller.role, 'offboarding.approve');
    const needsApproval = opts.proposal === true || (settings.requireApproval && !selfApproved);
    const deps_ = dependencies(plan);
    const row = await db.transaction(async (tx) => {
      const [active] = await tx.select({ id: offboardingRuns.id }).from(offboardingRuns).where(and(eq(offboardingRuns.employeeId, e.id), inArray(offboardingRuns.state, ACTIVE))).limit(1);
      if (active) throw runExists(e, active.id);
      const [r] = await tx
        .insert(offboardingRuns)
        .values({
          orgId,
          tenantRef: e.tenantRef,
          employeeId: e.id,
          person: personOf(e),
          plan,
          preview,
          state: needsApproval ? 'awaiting_approval' : 'scheduled',
          when,
          scheduledAt,
          bulkId,
          requestedBy: ctx.actor.memberId,
          requestedByName: ctx.actor.name,
          ...(needsApproval ? {} : { approvedBy: ctx.actor.memberId, approvedByName: settings.requireApproval ? ctx.actor.name : null, decidedAt: new Date() }),
        })
        .onConflictDoNothing()
        .returning();
      if (!r) throw runExists(e, null); // another request for this person won the race
      await tx.insert(offboardingSteps).values(ordered(plan).map((s, i) => ({ runId: r.id, seq: i + 1, phase: 'do' as const, task: s.task, options: s.options, after: deps_.get(s.task)! })));
      await auditRun(tx, ctx, r!, 'offboarding.run_created', {
        person: e.userPrincipalName,
        tasks: plan.map((s) => s.task),
        when: scheduledAt?.toISOString() ?? 'now',
        approval: needsApproval ? 'required' : settings.requireApproval ? 'approved by the requester' : 'not required',
        ...(bulkId ? { bulkId } : {}),
      });
      return r!;
    });
    emit(row, RUN_EVENTS.created);
    if (needsApproval) {
      emit(row, RUN_EVENTS.approvalRequested);
      return row;
    }
    const queued = await enqueue(row);
    emit(queued, RUN_EVENTS.scheduled);
    return queued;
  }

  async function planFor(orgId: string, tenantRef: string, steps: PlanStep[] | undefined) {
    return steps ? validatePlan(steps) : (await templateOf(orgId, tenantRef)).steps;
  }

  return {
    tasks: () => [...CATALOGUE.values()].map(taskInfo),
    settings: settingsOf,
    async updateSettings(orgId: string, input: OffboardingSettings, ctx: AuditContext) {
      await db.transaction(async (tx) => {
        await tx
          .insert(offboardingSettings)
          .values({ orgId, ...input, updatedAt: new Date() })
          .onConflictDoUpdate({ target: offboardingSettings.orgId, set: { ...input, updatedAt: new Date() } });
        await appendAudit(tx, ctx, { orgId, action: 'offboarding.settings_changed', details: { ...input } });
      });
      if (input.proposeFromLeaveDate) await deps.jobs.now(PROPOSE_JOB, {});
      return settingsOf(orgId);
    },
    template: templateOf,
    async updateTemplate(orgId: string, tenantRef: string, steps: PlanStep[], ctx: AuditContext) {
      const tenant = await tenantOf(orgId, tenantRef);
      const plan = validatePlan(steps);
      await db.transaction(async (tx) => {
        await tx
          .insert(offboardingTemplates)
          .values({ tenantRef, orgId, steps: plan, updatedAt: new Date(), updatedBy: ctx.actor.name })
          .onConflictDoUpdate({ target: offboardingTemplates.tenantRef, set: { steps: plan, updatedAt: new Date(), updatedBy: ctx.actor.name } });
        await appendAudit(tx, ctx, { orgId, action: 'offboarding.template_changed', target: { type: 'tenant', id: tenantRef, label: tenant.displayName }, details: { tasks: plan.map((s) => s.task) } });
      });
      return templateOf(orgId, tenantRef);
    },

    /** Back to the built-in default plan. */
    async resetTemplate(orgId: string, tenantRef: string, ctx: AuditContext) {
      const tenant = await tenantOf(orgId, tenantRef);
      await db.transaction(async (tx) => {
        const gone = await tx.delete(offboardingTemplates).where(eq(offboardingTemplates.tenantRef, tenantRef)).returning();
        if (gone.length) await appendAudit(tx, ctx, { orgId, action: 'offboarding.template_reset', target: { type: 'tenant', id: tenantRef, label: tenant.displayName } });
      });
      return templateOf(orgId, tenantRef);
    },

    async preview(orgId: string, input: { employeeId: string; steps?: PlanStep[] }) {
      const e = await employeeOf(orgId, input.employeeId);
      return previewFor(orgId, e, await planFor(orgId, e.tenantRef, input.steps));
    },

    async create(orgId: string, input: CreateRunInput, ctx: AuditContext): Promise<Run> {
      const e = await employeeOf(orgId, input.employeeId);
      const plan = await planFor(orgId, e.tenantRef, input.steps);
      resolveWhen(input.when);
      const open = await db.select({ id: offboardingRuns.id }).from(offboardingRuns).where(and(eq(offboardingRuns.employeeId, e.id), inArray(offboardingRuns.state, ACTIVE))).limit(1);
      if (open.length) throw runExists(e, open[0]!.id);
      const preview = await previewFor(orgId, e, plan);
      const row = await insertRun(orgId, e, plan, input.when, preview, null, ctx, await settingsOf(orgId));
      return present(row, ctx);
    },

    /** Runs for many people at once, each a run of its own; people that cannot be offboarded are reported by line. */
    async bulk(orgId: string, input: { employeeIds?: string[]; upns?: string[]; lines?: number[]; steps?: PlanStep[]; when: When }, ctx: AuditContext): Promise<BulkResult> {
      resolveWhen(input.when);
      const bulkId = randomUUID();
      const settings = await settingsOf(orgId);
      const errors: BulkResult['errors'] = [];
      const targets: { line: number; value: string; e: EmployeeRow | null }[] = [];
      if (input.employeeIds) {
        const rows = input.employeeIds.length ? await db.select().from(employees).where(and(eq(employees.orgId, orgId), inArray(employees.id, input.employeeIds))) : [];
        const byId = new Map(rows.map((r) => [r.id, r]));
        input.employeeIds.forEach((id, i) => targets.push({ line: i + 1, value: id, e: byId.get(id) ?? null }));
      }
      if (input.upns) {
        const keys = input.upns.map((u) => u.trim().toLowerCase());
        const rows = keys.length
          ? await db.select().from(employees).where(and(eq(employees.orgId, orgId), isNull(employees.removedAt), or(inArray(sql`lower(${employees.userPrincipalName})`, keys), inArray(sql`lower(${employees.mail})`, keys))))
          : [];
        const byKey = new Map<string, EmployeeRow>();
        for (const r of rows) {
          byKey.set(r.userPrincipalName.toLowerCase(), r);
          if (r.mail) byKey.set(r.mail.toLowerCase(), r);
        }
        keys.forEach((k, i) => targets.push({ line: input.lines?.[i] ?? i + 1, value: input.upns![i]!, e: byKey.get(k) ?? null }));
      }
      if (targets.length === 0) throw new UserError(400, 'no_people', 'Give at least one person (employeeIds or upns).');
      if (targets.length > 1000) throw new UserError(400, 'too_many_people', `${targets.length} people in one bulk: at most 1,000.`);
      const plans = new Map<string, PlanStep[]>();
      const seen = new Set<string>();
      const active = new Set(
        (await db.select({ e: offboardingRuns.employeeId }).from(offboardingRuns).where(and(eq(offboardingRuns.orgId, orgId), inArray(offboardingRuns.state, ACTIVE)))).map((r) => r.e),
      );
      const runs: RunSummary[] = [];
      for (const t of targets) {
        if (!t.e) {
          errors.push({ line: t.line, value: t.value, message: 'No synced employee has this id, user principal name or e-mail.' });
          continue;
        }
        if (t.e.removedAt) {
          errors.push({ line: t.line, value: t.value, message: `${t.e.displayName} is no longer in the tenant.` });
          continue;
        }
        if (seen.has(t.e.id) || active.has(t.e.id)) {
          errors.push({ line: t.line, value: t.value, message: seen.has(t.e.id) ? 'Listed twice.' : `${t.e.displayName} already has an offboarding under way.` });
          continue;
        }
        seen.add(t.e.id);
        if (!plans.has(t.e.tenantRef)) plans.set(t.e.tenantRef, await planFor(orgId, t.e.tenantRef, input.steps));
        let row: RunRow;
        try {
          row = await insertRun(orgId, t.e, plans.get(t.e.tenantRef)!, input.when, null, bulkId, ctx, settings);
        } catch (err) {
          if (!(err instanceof UserError && err.code === 'run_exists')) throw err;
          errors.push({ line: t.line, value: t.value, message: err.message });
          continue;
        }
        const [tenant] = await db.select({ id: tenants.id, displayName: tenants.displayName, defaultDomain: tenants.defaultDomain }).from(tenants).where(eq(tenants.id, row.tenantRef));
        runs.push(summaryOf(row, tenant!, plans.get(t.e.tenantRef)!.map(() => ({ state: 'pending' as const, phase: 'do' as const }))));
      }
      return { bulkId, runs, errors };
    },

    async list(orgId: string, f: { state?: RunState; search?: string; from?: Date; to?: Date; bulkId?: string; employeeId?: string; limit: number; offset: number }) {
      const where: SQL | undefined = and(
        eq(offboardingRuns.orgId, orgId),
        f.state ? eq(offboardingRuns.state, f.state) : undefined,
        f.bulkId ? eq(offboardingRuns.bulkId, f.bulkId) : undefined,
        f.employeeId ? eq(offboardingRuns.employeeId, f.employeeId) : undefined,
        f.from ? gte(offboardingRuns.createdAt, f.from) : undefined,
        f.to ? lte(offboardingRuns.createdAt, f.to) : undefined,
        f.search
          ? or(
              sql`${offboardingRuns.person}->>'displayName' ILIKE ${containing(f.search)}`,
              sql`${offboardingRuns.person}->>'userPrincipalName' ILIKE ${containing(f.search)}`,
            )
          : undefined,
      );
      const rows = await db
        .select({ run: offboardingRuns, tenant: { id: tenants.id, displayName: tenants.displayName, defaultDomain: tenants.defaultDomain } })
        .from(offboardingRuns)
        .innerJoin(tenants, eq(tenants.id, offboardingRuns.tenantRef))
        .where(where)
        .orderBy(desc(offboardingRuns.createdAt), desc(offboardingRuns.id))
        .limit(f.limit)
        .offset(f.offset);
      const ids = rows.map((r) => r.run.id);
      const steps = ids.length
        ? await db.select({ runId: offboardingSteps.runId, state: offboardingSteps.state, phase: offboardingSteps.phase }).from(offboardingSteps).where(inArray(offboardingSteps.runId, ids))
        : [];
      const byRun = new Map<string, typeof steps>();
      for (const s of steps) byRun.set(s.runId, [...(byRun.get(s.runId) ?? []), s]);
      const [{ total }] = (await db.select({ total: sql<number>`count(*)::int` }).from(offboardingRuns).where(where)) as [{ total: number }];
      return { runs: rows.map((r) => summaryOf(r.run, r.tenant, byRun.get(r.run.id) ?? [])), total };
    },

    async get(orgId: string, runId: string, ctx: AuditContext | null) {
      return present(await rowOf(orgId, runId), ctx);
    },

    /** When the run last changed (the live stream compares it to find changes made by other replicas). */
    async version(orgId: string, runId: string): Promise<string | null> {
      const [r] = await db.select({ at: offboardingRuns.updatedAt }).from(offboardingRuns).where(and(eq(offboardingRuns.orgId, orgId), eq(offboardingRuns.id, runId)));
      return r ? r.at.toISOString() : null;
    },

    async approve(orgId: string, runId: string, ctx: AuditContext) {
      const r = await rowOf(orgId, runId);
      const settings = await settingsOf(orgId);
      if (r.state !== 'awaiting_approval') throw new UserError(409, 'not_awaiting_approval', `This run is ${r.state.replace('_', ' ')}: there is nothing to approve.`);
      if (r.requestedBy === ctx.actor.memberId && !settings.allowApproveOwn) {
        throw new UserError(403, 'own_request', 'You asked for this offboarding: another Admin or Owner approves it (or allow approving one’s own requests in the settings).');
      }
      if (r.scheduledAt && r.scheduledAt.getTime() < Date.now() - 60_000) {
        // The time passed while it waited: it runs now, and says so.
        log.info({ runId }, 'approved after its time: running now');
      }
      const approved = await db.transaction(async (tx) => {
        const [u] = await tx
          .update(offboardingRuns)
          .set({ state: 'scheduled', approvedBy: ctx.actor.memberId, approvedByName: ctx.actor.name, decidedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(offboardingRuns.id, runId), eq(offboardingRuns.state, 'awaiting_approval')))
          .returning();
        if (!u) throw new UserError(409, 'not_awaiting_approval', 'Someone decided on this run at the same moment.');
        await auditRun(tx, ctx, u, 'offboarding.run_approved', { scheduledAt: u.scheduledAt?.toISOString() ?? 'now' });
        return u;
      });
      const queued = await enqueue(approved);
      emit(queued, RUN_EVENTS.scheduled);
      return present(queued, ctx);
    },

    async reject(orgId: string, runId: string, reason: string, ctx: AuditContext) {
      const r = await rowOf(orgId, runId);
      const settings = await settingsOf(orgId);
      if (r.state !== 'awaiting_approval') throw new UserError(409, 'not_awaiting_approval', `This run is ${r.state.replace('_', ' ')}: there is nothing to reject.`);
      if (r.requestedBy === ctx.actor.memberId && !settings.allowApproveOwn) throw new UserError(403, 'own_request', 'You asked for this offboarding: cancel it instead.');
      const rejected = await db.transaction(async (tx) => {
        const [u] = await tx
          .update(offboardingRuns)
          .set({ state: 'rejected', approvedBy: ctx.actor.memberId, approvedByName: ctx.actor.name, decidedAt: new Date(), rejectionReason: reason, finishedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(offboardingRuns.id, runId), eq(offboardingRuns.state, 'awaiting_approval')))
          .returning();
        if (!u) throw new UserError(409, 'not_awaiting_approval', 'Someone decided on this run at the same moment.');
        await tx.update(offboardingSteps).set({ state: 'cancelled', skippedReason: 'The run was rejected.' }).where(eq(offboardingSteps.runId, runId));
        await auditRun(tx, ctx, u, 'offboarding.run_rejected', { reason });
        return u;
      });
      emit(rejected, RUN_EVENTS.rejected);
      return present(rejected, ctx);
    },

    async reschedule(orgId: string, runId: string, when: When, ctx: AuditContext) {
      const r = await rowOf(orgId, runId);
      if (r.state !== 'awaiting_approval' && r.state !== 'scheduled') throw new UserError(409, 'already_started', `This run is ${r.state.replace('_', ' ')}: only a run that has not started can be rescheduled.`);
      const scheduledAt = resolveWhen(when);
      if (r.state === 'scheduled' && r.jobId && !(await deps.jobs.cancel(r.jobId))) {
        throw new UserError(409, 'already_started', 'The run is starting now: it can no longer be rescheduled.');
      }
      const u = await db.transaction(async (tx) => {
        const [u] = await tx
          .update(offboardingRuns)
          .set({ when, scheduledAt, jobId: null, updatedAt: new Date() })
          .where(and(eq(offboardingRuns.id, runId), inArray(offboardingRuns.state, ['awaiting_approval', 'scheduled'])))
          .returning();
        if (!u) throw new UserError(409, 'already_started', 'The run started meanwhile.');
        await auditRun(tx, ctx, u, 'offboarding.run_rescheduled', { from: r.scheduledAt?.toISOString() ?? 'now', to: scheduledAt?.toISOString() ?? 'now' });
        return u;
      });
      const queued = u.state === 'scheduled' ? await enqueue(u) : u;
      emit(queued, RUN_EVENTS.changed);
      return present(queued, ctx);
    },

    /** Before it starts: cancelled at once. Running: the step in flight finishes, nothing more starts. */
    async cancel(orgId: string, runId: string, ctx: AuditContext) {
      const r = await rowOf(orgId, runId);
      if (r.state === 'running') {
        if (r.cancelRequestedAt) return present(r, ctx);
        const u = await db.transaction(async (tx) => {
          const [u] = await tx.update(offboardingRuns).set({ cancelRequestedAt: new Date(), updatedAt: new Date() }).where(and(eq(offboardingRuns.id, runId), eq(offboardingRuns.state, 'running'))).returning();
          if (!u) throw new UserError(409, 'already_finished', 'The run ended meanwhile.');
          await auditRun(tx, ctx, u, 'offboarding.run_cancel_requested');
          return u;
        });
        emit(u, RUN_EVENTS.changed);
        return present(u, ctx);
      }
      if (r.state !== 'awaiting_approval' && r.state !== 'scheduled') throw new UserError(409, 'not_cancellable', `This run is ${r.state.replace('_', ' ')}: it can no longer be cancelled.`);
      if (r.jobId) await deps.jobs.cancel(r.jobId);
      const u = await db.transaction(async (tx) => {
        const [u] = await tx
          .update(offboardingRuns)
          .set({ state: 'cancelled', cancelRequestedAt: new Date(), finishedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(offboardingRuns.id, runId), inArray(offboardingRuns.state, ['awaiting_approval', 'scheduled'])))
          .returning();
        if (!u) throw new UserError(409, 'already_started', 'The run started meanwhile: cancel it again to stop it after the current step.');
        await tx.update(offboardingSteps).set({ state: 'cancelled', skippedReason: 'The run was cancelled before it started.' }).where(eq(offboardingSteps.runId, runId));
        await auditRun(tx, ctx, u, 'offboarding.run_cancelled');
        return u;
      });
      emit(u, RUN_EVENTS.cancelled);
      return present(u, ctx);
    },

    /** Sends one failed step again (and the steps that were skipped because of it), or every failed step. */
    async retry(orgId: string, runId: string, stepId: string | null, ctx: AuditContext) {
      const r = await rowOf(orgId, runId);
      if (r.state !== 'failed' && r.state !== 'partially_failed') throw new UserError(409, 'not_failed', `This run is ${r.state.replace('_', ' ')}: only failed steps can be retried.`);
      const steps = await db.select().from(offboardingSteps).where(and(eq(offboardingSteps.runId, runId), eq(offboardingSteps.phase, 'do')));
      const chosen = stepId ? steps.filter((s) => s.id === stepId) : steps.filter((s) => s.state === 'failed');
      if (stepId && !chosen.length) throw notFound('That step');
      if (chosen.some((s) => s.state !== 'failed')) throw new UserError(409, 'step_not_failed', `${task(chosen[0]!.task).title} did not fail: only failed steps can be retried.`);
      const u = await db.transaction(async (tx) => {
        const reset = [...chosen.map((s) => s.id), ...steps.filter((s) => s.state === 'skipped').map((s) => s.id)];
        await tx.update(offboardingSteps).set({ state: 'pending', error: null, skippedReason: null, finishedAt: null }).where(inArray(offboardingSteps.id, reset));
        const [u] = await tx
          .update(offboardingRuns)
          .set({ state: 'running', finishedAt: null, cancelRequestedAt: null, updatedAt: new Date() })
          .where(and(eq(offboardingRuns.id, runId), inArray(offboardingRuns.state, ['failed', 'partially_failed'])))
          .returning();
        if (!u) throw new UserError(409, 'not_failed', 'The run changed meanwhile.');
        await auditRun(tx, ctx, u, 'offboarding.retry_requested', { tasks: chosen.map((s) => s.task) });
        return u;
      });
      await deps.jobs.now(RUN_JOB, { runId });
      emit(u, RUN_EVENTS.started);
      return present(u, ctx);
    },

    /** Puts back what the snapshot allows, newest change first; what cannot be undone is journalled as such. */
    async undo(orgId: string, runId: string, ctx: AuditContext) {
      const r = await rowOf(orgId, runId);
      const steps = await db.select().from(offboardingSteps).where(eq(offboardingSteps.runId, runId)).orderBy(desc(offboardingSteps.seq));
      const refusal = undoable(r, steps);
      if (refusal) throw new UserError(409, 'not_undoable', refusal);
      const done = steps.filter((s) => s.phase === 'do' && s.state === 'succeeded');
      const revertible = done.filter((s) => task(s.task).revert).map((s) => s.task);
      const after = undoDependencies(revertible);
      const u = await db.transaction(async (tx) => {
        await tx.insert(offboardingSteps).values(
          done.map((s, i) => {
            const def = task(s.task);
            return def.revert
              ? { runId, seq: i + 1, phase: 'undo' as const, task: s.task, options: s.options, after: after.get(s.task)! }
              : { runId, seq: i + 1, phase: 'undo' as const, task: s.task, options: s.options, after: [], state: 'skipped' as const, skippedReason: `Not undoable: ${def.undo.how}`, finishedAt: new Date() };
          }),
        );
        const [u] = await tx
          .update(offboardingRuns)
          .set({ state: 'undoing', updatedAt: new Date() })
          .where(and(eq(offboardingRuns.id, runId), inArray(offboardingRuns.state, ['succeeded', 'failed', 'partially_failed', 'cancelled'])))
          .returning();
        if (!u) throw new UserError(409, 'not_undoable', 'The run changed meanwhile.');
        await auditRun(tx, ctx, u, 'offboarding.undo_requested', { undo: revertible, notUndoable: done.filter((s) => !task(s.task).revert).map((s) => s.task) });
        return u;
      });
      await deps.jobs.now(RUN_JOB, { runId });
      emit(u, RUN_EVENTS.undoStarted);
      return present(u, ctx);
    },

    /** The password the run set, once, to the approver (or the requester when no approval was needed). */
    async revealPassword(orgId: string, runId: string, ctx: AuditContext): Promise<{ password: string }> {
      return db.transaction(async (tx) => {
        const [r] = await tx.select().from(offboardingRuns).where(and(eq(offboardingRuns.orgId, orgId), eq(offboardingRuns.id, runId))).for('update');
        if (!r) throw notFound('That offboarding run');
        const entitled = r.approvedBy ?? r.requestedBy;
        if (!ctx.actor.memberId || ctx.actor.memberId !== entitled) throw new UserError(403, 'not_the_approver', `Only ${r.approvedByName ?? r.requestedByName} can see this password.`);
        if (!r.password) throw new UserError(410, 'password_gone', 'The password was already shown (it is shown once), or this run set none.');
        const password = deps.box.open(r.password, passwordSealedFor(runId));
        await tx.update(offboardingRuns).set({ password: null, updatedAt: new Date() }).where(eq(offboardingRuns.id, runId));
        await auditRun(tx, ctx, r, 'offboarding.password_shown');
        return { password };
      });
    },

    /** What the compliance report prints: the run, its organisation and tenant, and the audit entry closing its chain. */
    async reportData(orgId: string, runId: string) {
      const r = await rowOf(orgId, runId);
      const [[org], [tenant], [last]] = await Promise.all([
        db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(eq(organisations.id, orgId)),
        db.select({ displayName: tenants.displayName, tenantId: tenants.tenantId, defaultDomain: tenants.defaultDomain }).from(tenants).where(eq(tenants.id, r.tenantRef)),
        db
          .select({ seq: auditEvents.seq, hash: auditEvents.hash })
          .from(auditEvents)
          .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.targetType, 'offboarding_run'), eq(auditEvents.targetId, runId)))
          .orderBy(desc(auditEvents.seq))
          .limit(1),
      ]);
      return { organisation: org!, tenant: tenant!, run: await present(r, null), audit: last ?? null, generatedAt: new Date().toISOString() };
    },

    /**
     * Proposes a run (awaiting approval, at the leave date) for every synced person of an
     * organisation that opted in whose leave date is set in the future and who has no run yet.
     */
    async proposeFromLeaveDates(): Promise<number> {
      const due = await db
        .select({ e: employees })
        .from(employees)
        .innerJoin(offboardingSettings, and(eq(offboardingSettings.orgId, employees.orgId), eq(offboardingSettings.proposeFromLeaveDate, true)))
        .innerJoin(tenants, and(eq(tenants.id, employees.tenantRef), eq(tenants.status, 'connected')))
        .where(
          and(
            isNull(employees.removedAt),
            gte(employees.leaveDate, new Date(Date.now() + 60_000)),
            sql`NOT EXISTS (SELECT 1 FROM ${offboardingRuns} r WHERE r.employee_id = ${employees.id} AND r.state NOT IN ('cancelled', 'rejected'))`,
          ),
        )
        .limit(500);
      let proposed = 0;
      for (const { e } of due) {
        const at = DateTime.fromJSDate(e.leaveDate!, { zone: 'UTC' }).toFormat("yyyy-LL-dd'T'HH:mm:ss");
        const ctx: AuditContext = { actor: { memberId: null, userId: null, name: 'Offramp (leave date)', role: null, tid: null, oid: null }, source: 'job', requestId: null };
        const settings = await settingsOf(e.orgId);
        try {
          await insertRun(e.orgId, e, (await templateOf(e.orgId, e.tenantRef)).steps, { kind: 'at', at, timeZone: 'UTC' }, null, null, ctx, settings, { proposal: true });
          proposed += 1;
        } catch (err) {
          if (!(err instanceof UserError && err.code === 'run_exists')) throw err;
        }
      }
      if (proposed) log.info({ proposed }, 'offboardings proposed from leave dates');
      return proposed;
    },

    /** The job: run (or resume) the run. */
    execute: deps.engine.execute,

    /** The recurring check: runs whose worker died, and scheduled runs whose job was never queued. */
    async recover() {
      const orphaned = await deps.engine.orphans();
      const unqueued = await db
        .select()
        .from(offboardingRuns)
        .where(and(eq(offboardingRuns.state, 'scheduled'), isNull(offboardingRuns.jobId), lte(offboardingRuns.updatedAt, new Date(Date.now() - 60_000))));
      for (const id of orphaned) await deps.jobs.now(RUN_JOB, { runId: id });
      for (const r of unqueued) await enqueue(r);
      return orphaned.length + unqueued.length;
    },
  };
}

export type RunsService = ReturnType<typeof createRunsService>;
