import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The append-only audit trail. Each entry carries the hash of the previous entry of its
 * organisation (a hash chain), so a changed or removed entry is detectable; a trigger
 * (migration 0002) refuses UPDATE, DELETE and TRUNCATE.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id').notNull(),
    /** 1, 2, 3… within the organisation: the chain's order. */
    seq: integer('seq').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorMemberId: uuid('actor_member_id'),
    actorUserId: uuid('actor_user_id'),
    actorName: text('actor_name'),
    actorRole: text('actor_role'),
    actorTid: uuid('actor_tid'),
    actorOid: uuid('actor_oid'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    targetLabel: text('target_label'),
    source: text('source', { enum: ['tab', 'bot', 'api', 'job'] }).notNull(),
    outcome: text('outcome', { enum: ['success', 'failure', 'denied'] }).notNull(),
    requestId: text('request_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [uniqueIndex('audit_events_org_seq_key').on(t.orgId, t.seq), index('audit_events_org_at_idx').on(t.orgId, t.at)],
);
