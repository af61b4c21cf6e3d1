import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { members, organisations } from '../orgs/orgs.schema.js';
import type { SealedSecret } from '../crypto/envelope.js';

export type SyncState = 'never' | 'queued' | 'running' | 'succeeded' | 'failed';
export interface SyncResult {
  added: number;
  updated: number;
  removed: number;
  total: number;
}

/** A Microsoft 365 tenant an organisation connected (by admin consent, or the demo tenant). */
export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id').notNull(),
    displayName: text('display_name').notNull(),
    defaultDomain: text('default_domain').notNull(),
    demo: boolean('demo').notNull().default(false),
    status: text('status', { enum: ['connected', 'disconnected'] }).notNull().default('connected'),
    connectedAt: timestamp('connected_at', { withTimezone: true }).notNull().defaultNow(),
    connectedBy: uuid('connected_by').references(() => members.id, { onDelete: 'set null' }),
    disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
    /** The app credentials Offramp uses in this tenant, sealed (AES-256-GCM envelope, bound to this row). */
    credentials: jsonb('credentials').$type<SealedSecret>().notNull(),
    grantedPermissions: jsonb('granted_permissions').$type<string[]>().notNull().default([]),
    scopeKind: text('scope_kind', { enum: ['all', 'group'] }).notNull().default('all'),
    scopeGroupId: uuid('scope_group_id'),
    scopeGroupName: text('scope_group_name'),
    usersDeltaLink: text('users_delta_link'),
    groupDeltaLink: text('group_delta_link'),
    syncState: text('sync_state').$type<SyncState>().notNull().default('never'),
    syncFull: boolean('sync_full').notNull().default(true),
    syncStartedAt: timestamp('sync_started_at', { withTimezone: true }),
    syncFinishedAt: timestamp('sync_finished_at', { withTimezone: true }),
    syncProcessed: integer('sync_processed').notNull().default(0),
    syncTotal: integer('sync_total'),
    syncResult: jsonb('sync_result').$type<SyncResult>(),
    syncError: text('sync_error'),
  },
  (t) => [uniqueIndex('tenants_org_tenant_key').on(t.orgId, t.tenantId)],
);

/** People synced from a tenant: what the queue, the wizard and the bot work from. */
export const employees = pgTable(
  'employees',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    tenantRef: uuid('tenant_ref').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    objectId: uuid('object_id').notNull(),
    userPrincipalName: text('user_principal_name').notNull(),
    mail: text('mail'),
    displayName: text('display_name').notNull(),
    givenName: text('given_name'),
    surname: text('surname'),
    department: text('department'),
    jobTitle: text('job_title'),
    managerObjectId: uuid('manager_object_id'),
    leaveDate: timestamp('leave_date', { withTimezone: true }),
    hireDate: timestamp('hire_date', { withTimezone: true }),
    accountEnabled: boolean('account_enabled').notNull(),
    onPremisesSynced: boolean('on_premises_synced').notNull().default(false),
    licences: jsonb('licences').$type<string[]>().notNull().default([]),
    devicesCount: integer('devices_count').notNull().default(0),
    /** Offramp's own: 'offboarded' once someone completed the checklist (never set by sync). */
    status: text('status', { enum: ['active', 'offboarded'] }).notNull().default('active'),
    offboardedAt: timestamp('offboarded_at', { withTimezone: true }),
    offboardedBy: text('offboarded_by'),
    /** Set when the person left the tenant or the sync scope; cleared if they come back. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('employees_tenant_object_key').on(t.tenantRef, t.objectId),
    index('employees_org_idx').on(t.orgId),
    index('employees_org_leave_idx').on(t.orgId, t.leaveDate),
    index('employees_org_offboarded_idx').on(t.orgId).where(sql`status = 'offboarded'`),
  ],
);

/** Admin consents under way: the state between sending the admin to Microsoft and the callback. */
export const consentAttempts = pgTable('consent_attempts', {
  state: text('state').primaryKey(),
  orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
  memberId: uuid('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
