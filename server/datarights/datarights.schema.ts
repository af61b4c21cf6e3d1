import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { members, organisations } from '../orgs/orgs.schema.js';
import type { ExportStatus } from './contract.js';

/** Exports of an organisation's data (a zip in the data folder), kept EXPORT_RETENTION_DAYS. */
export const dataExports = pgTable(
  'data_exports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    requestedBy: uuid('requested_by').references(() => members.id, { onDelete: 'set null' }),
    status: text('status').$type<ExportStatus>().notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    /** The zip's file name in the exports folder (set when ready). */
    fileName: text('file_name'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('data_exports_org_idx').on(t.orgId, t.createdAt), index('data_exports_created_idx').on(t.createdAt)],
);

/** An Owner's request to delete every piece of the organisation's data, cancellable until purge_after. */
export const deletionRequests = pgTable(
  'deletion_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    requestedBy: uuid('requested_by').references(() => members.id, { onDelete: 'set null' }),
    requestedByName: text('requested_by_name'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    purgeAfter: timestamp('purge_after', { withTimezone: true }).notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelledBy: uuid('cancelled_by').references(() => members.id, { onDelete: 'set null' }),
  },
  (t) => [
    // One pending request per organisation.
    uniqueIndex('deletion_requests_pending_key').on(t.orgId).where(sql`cancelled_at IS NULL`),
    index('deletion_requests_due_idx').on(t.purgeAfter).where(sql`cancelled_at IS NULL`),
  ],
);

/**
 * What is left of a purged organisation: that it existed, when deletion was asked for and done,
 * how many rows each table lost, and the audit chain's last hash (proof of what the trail was).
 * Nothing personal: no names, no emails. No foreign key: the organisation is gone.
 */
export const orgTombstones = pgTable('org_tombstones', {
  orgId: uuid('org_id').primaryKey(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
  purgedAt: timestamp('purged_at', { withTimezone: true }).notNull(),
  rowsRemoved: jsonb('rows_removed').$type<Record<string, number>>().notNull(),
  auditEntries: integer('audit_entries').notNull(),
  /** The hash of the organisation's last audit entry (the genesis hash when it had none). */
  auditLastHash: text('audit_last_hash').notNull(),
});
