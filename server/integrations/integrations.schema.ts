import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../orgs/orgs.schema.js';

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
  },
  (t) => [index('org_events_org_idx').on(t.orgId, t.occurredAt)],
);
