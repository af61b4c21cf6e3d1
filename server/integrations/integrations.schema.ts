import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { SealedSecret } from '../crypto/envelope.js';
import { employees } from '../m365/m365.schema.js';
import { members, organisations } from '../orgs/orgs.schema.js';
import type { ActionKind, DeliveryStatus, ServiceNowTable, Trigger } from './contract.js';

/**
 * Things that happened in an organisation that integrations deliver (webhooks, Teams, Slack,
 * Jira, ServiceNow): written in the same transaction as the change, so none is lost or invented.
 */
export const orgEvents = pgTable(
  'org_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set once the rules it triggers have their deliveries (the dispatcher's mark). */
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (t) => [index('org_events_org_idx').on(t.orgId, t.occurredAt), index('org_events_undispatched_idx').on(t.occurredAt).where(sql`dispatched_at IS NULL`)],
);

/** The credentials of a rule's target, sealed together: never shown again, never logged. */
export interface RuleSecrets {
  /** The webhook URL (Teams, Slack, Jira, signed webhook) or the ServiceNow instance URL. */
  url: string;
  authValue?: string;
  /** Signed webhooks: newest first; an older one signs too until it expires (rotation overlap). */
  signing?: { id: string; secret: string; createdAt: string; expiresAt: string | null }[];
}

/** Automation rules: when <trigger> happens, <action>. */
export const integrationRules = pgTable(
  'integration_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    trigger: text('trigger').$type<Trigger>().notNull(),
    kind: text('kind').$type<ActionKind>().notNull(),
    /** The target with its secret parts hidden (what people see). */
    target: text('target').notNull(),
    secrets: jsonb('secrets').$type<SealedSecret>().notNull(),
    table: text('table').$type<ServiceNowTable>(),
    authHeader: text('auth_header'),
    closeOn: text('close_on').$type<Trigger>(),
    queueWindowDays: integer('queue_window_days'),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    /** Since when every delivery has failed (cleared by a success): five days of it disables the rule. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => members.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('integration_rules_org_idx').on(t.orgId, t.trigger)],
);

/** One message to one rule's target, tried on the retry schedule until it lands or runs out. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id').notNull().references(() => integrationRules.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').references(() => orgEvents.id, { onDelete: 'set null' }),
    trigger: text('trigger').$type<Trigger>().notNull(),
    /** The `webhook-id`, the same on every attempt: receivers drop repeats by it. */
    messageId: text('message_id').notNull(),
    /** The event's facts the message is built from (built again at each attempt; secrets are not here). */
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    test: boolean('test').notNull().default(false),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** Held by the worker sending it (until then): no two send the same attempt. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_rule_event_key').on(t.ruleId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_rule_idx').on(t.ruleId, t.createdAt),
  ],
);

/** The delivery log: every attempt, its answer and how long it took. */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id').notNull().references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    status: integer('status'),
    latencyMs: integer('latency_ms').notNull(),
    response: text('response'),
    error: text('error'),
  },
  (t) => [index('delivery_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
);

/** ServiceNow records a rule opened, by person: closed when the rule's closing trigger comes. */
export const serviceNowRecords = pgTable(
  'servicenow_records',
  {
    ruleId: uuid('rule_id').notNull().references(() => integrationRules.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    sysId: text('sys_id').notNull(),
    number: text('number'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.subject] })],
);

/** Leavers a queue-window rule has told of (once each). */
export const queueNotices = pgTable(
  'queue_notices',
  {
    ruleId: uuid('rule_id').notNull().references(() => integrationRules.id, { onDelete: 'cascade' }),
    employeeId: uuid('employee_id').notNull().references(() => employees.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.employeeId] })],
);
