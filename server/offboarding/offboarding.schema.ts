import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { members, organisations } from '../orgs/orgs.schema.js';
import { employees, tenants } from '../m365/m365.schema.js';
import type { SealedSecret } from '../crypto/envelope.js';
import type { Snapshot } from './task.types.js';
import type { PersonRef, PlanStep, Preview, RunState, StepResult, StepState, TaskId, When } from './contract.js';

/** An organisation's offboarding rules (one row per organisation; absent: the defaults). */
export const offboardingSettings = pgTable('offboarding_settings', {
  orgId: uuid('org_id').primaryKey().references(() => organisations.id, { onDelete: 'cascade' }),
  requireApproval: boolean('require_approval').notNull().default(true),
  allowApproveOwn: boolean('allow_approve_own').notNull().default(false),
  proposeFromLeaveDate: boolean('propose_from_leave_date').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A tenant's default plan (absent: the built-in one). */
export const offboardingTemplates = pgTable('offboarding_templates', {
  tenantRef: uuid('tenant_ref').primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
  steps: jsonb('steps').$type<PlanStep[]>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

export const offboardingRuns = pgTable(
  'offboarding_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    tenantRef: uuid('tenant_ref').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    employeeId: uuid('employee_id').references(() => employees.id, { onDelete: 'set null' }),
    /** The person as they were when the run was made (the report names them even after deletion). */
    person: jsonb('person').$type<PersonRef>().notNull(),
    plan: jsonb('plan').$type<PlanStep[]>().notNull(),
    preview: jsonb('preview').$type<Preview>(),
    state: text('state').$type<RunState>().notNull(),
    when: jsonb('when').$type<When>().notNull(),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    jobId: text('job_id'),
    bulkId: uuid('bulk_id'),
    requestedBy: uuid('requested_by').references(() => members.id, { onDelete: 'set null' }),
    requestedByName: text('requested_by_name').notNull(),
    approvedBy: uuid('approved_by').references(() => members.id, { onDelete: 'set null' }),
    approvedByName: text('approved_by_name'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    rejectionReason: text('rejection_reason'),
    snapshot: jsonb('snapshot').$type<Snapshot>(),
    /** The password the run set, sealed for the approver to see once; cleared when shown. */
    password: jsonb('password').$type<SealedSecret>(),
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true }),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('offboarding_runs_org_created_idx').on(t.orgId, t.createdAt),
    index('offboarding_runs_org_state_idx').on(t.orgId, t.state),
    index('offboarding_runs_employee_idx').on(t.employeeId),
    // One offboarding under way per person, whoever starts it (a request, a bulk, a proposal).
    uniqueIndex('offboarding_runs_one_active_key').on(t.employeeId).where(sql`state IN ('awaiting_approval', 'scheduled', 'running', 'undoing')`),
  ],
);

/** The step journal: one row per step of a run (and per undo step). */
export const offboardingSteps = pgTable(
  'offboarding_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runId: uuid('run_id').notNull().references(() => offboardingRuns.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    phase: text('phase', { enum: ['do', 'undo'] }).notNull(),
    task: text('task').$type<TaskId>().notNull(),
    options: jsonb('options').$type<Record<string, unknown>>().notNull(),
    after: jsonb('after').$type<TaskId[]>().notNull(),
    state: text('state').$type<StepState>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    /** When this attempt began: a step found running after a crash re-checks the tenant against it. */
    attemptStartedAt: timestamp('attempt_started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    requestIds: jsonb('request_ids').$type<string[]>().notNull().default([]),
    result: jsonb('result').$type<StepResult>(),
    /** What the undo of this step needs (removed group ids, licences…). */
    undoData: jsonb('undo_data').$type<unknown>(),
    error: text('error'),
    skippedReason: text('skipped_reason'),
  },
  (t) => [uniqueIndex('offboarding_steps_run_seq_key').on(t.runId, t.phase, t.seq), index('offboarding_steps_run_idx').on(t.runId)],
);
