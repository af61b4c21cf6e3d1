import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { members, organisations } from '../orgs/orgs.schema.js';
import { employees, tenants } from '../m365/m365.schema.js';
import { HARDWARE_STATUSES, REQUEST_STATUSES, RETURN_CONDITIONS, RETURN_STATUSES, SEAT_STATUSES } from './contract.js';

/**
 * Hardware an organisation owns: Intune managed devices synced from a tenant (linked by the
 * device id) and assets entered by hand or imported. A device is "held" while `assigned_to` is set.
 */
export const hardware = pgTable(
  'hardware',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    source: text('source', { enum: ['intune', 'manual'] }).notNull(),
    tenantRef: uuid('tenant_ref').references(() => tenants.id, { onDelete: 'set null' }),
    /** Intune's managedDevice id (intune only). */
    intuneDeviceId: text('intune_device_id'),
    /** Intune's primary user as last synced: the assignment follows it only when it changes. */
    intuneUserObjectId: uuid('intune_user_object_id'),
    /** Set when the device was no longer in Intune at a sync (retired and removed): the hardware still exists. */
    intuneGoneAt: timestamp('intune_gone_at', { withTimezone: true }),
    name: text('name'),
    assetTag: text('asset_tag'),
    serial: text('serial'),
    model: text('model').notNull(),
    manufacturer: text('manufacturer'),
    location: text('location'),
    status: text('status', { enum: HARDWARE_STATUSES }).notNull(),
    assignedTo: uuid('assigned_to').references(() => employees.id, { onDelete: 'set null' }),
    assignedSince: timestamp('assigned_since', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('hardware_org_intune_key').on(t.orgId, t.intuneDeviceId).where(sql`intune_device_id IS NOT NULL`),
    uniqueIndex('hardware_org_tag_key').on(t.orgId, sql`lower(asset_tag)`).where(sql`asset_tag IS NOT NULL`),
    index('hardware_assigned_idx').on(t.assignedTo),
    index('hardware_org_idx').on(t.orgId, t.status),
  ],
);

/** Returns of hardware: what came back, in what state, and who took it. */
export const hardwareReturns = pgTable(
  'hardware_returns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    hardwareId: uuid('hardware_id').notNull().references(() => hardware.id, { onDelete: 'cascade' }),
    employeeId: uuid('employee_id').references(() => employees.id, { onDelete: 'set null' }),
    condition: text('condition', { enum: RETURN_CONDITIONS }).notNull(),
    nextStatus: text('next_status', { enum: RETURN_STATUSES }).notNull(),
    note: text('note'),
    recordedBy: uuid('recorded_by').references(() => members.id, { onDelete: 'set null' }),
    recordedByName: text('recorded_by_name').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('hardware_returns_hardware_idx').on(t.hardwareId), index('hardware_returns_employee_idx').on(t.employeeId)],
);

/**
 * Software seats: Microsoft 365 licences (from sync, one per person and SKU) and other SaaS
 * seats entered by hand or imported. A seat is open while it has a holder; revoking frees it.
 */
export const seats = pgTable(
  'seats',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    source: text('source', { enum: ['m365', 'manual'] }).notNull(),
    tenantRef: uuid('tenant_ref').references(() => tenants.id, { onDelete: 'set null' }),
    /** m365: `<employee id>:<SKU part number>`, so the licence's seat is found again at each sync. */
    syncKey: text('sync_key'),
    product: text('product').notNull(),
    vendor: text('vendor').notNull(),
    holderId: uuid('holder_id').references(() => employees.id, { onDelete: 'set null' }),
    status: text('status', { enum: SEAT_STATUSES }).notNull(),
    assignedSince: timestamp('assigned_since', { withTimezone: true }),
    /** Monthly cost in minor units (cents) of `currency`. */
    costCents: integer('cost_cents'),
    currency: text('currency').notNull().default('USD'),
    /** The offboarding run removing the licence, while a Microsoft 365 seat is being revoked. */
    revokeRunId: uuid('revoke_run_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('seats_org_sync_key').on(t.orgId, t.syncKey).where(sql`sync_key IS NOT NULL`),
    index('seats_holder_idx').on(t.holderId),
    index('seats_org_idx').on(t.orgId, t.status),
  ],
);

/** Requests for assets (a laptop for a new starter, a licence for a project…). */
export const assetRequests = pgTable(
  'asset_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    employeeId: uuid('employee_id').references(() => employees.id, { onDelete: 'set null' }),
    what: text('what').notNull(),
    status: text('status', { enum: REQUEST_STATUSES }).notNull().default('pending'),
    requestedBy: uuid('requested_by').references(() => members.id, { onDelete: 'set null' }),
    requestedByName: text('requested_by_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedByName: text('resolved_by_name'),
    resolution: text('resolution'),
  },
  (t) => [index('asset_requests_employee_idx').on(t.employeeId, t.status), index('asset_requests_org_idx').on(t.orgId, t.status)],
);

/** Each member's chosen look-ahead for the queue (absent: 30 days). */
export const queuePreferences = pgTable('queue_preferences', {
  memberId: uuid('member_id')
    .primaryKey()
    .references(() => members.id, { onDelete: 'cascade' }),
  windowDays: integer('window_days').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
