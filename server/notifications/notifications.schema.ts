import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../orgs/orgs.schema.js';

/** Messages Offramp owes people (the manager's notice); the bot delivers them where installed. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    /** One notice per cause: e.g. `run:<id>:manager`. */
    key: text('key').notNull(),
    recipientObjectId: uuid('recipient_object_id'),
    recipientAddress: text('recipient_address'),
    recipientName: text('recipient_name'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    link: text('link'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('notifications_org_key').on(t.orgId, t.key), index('notifications_undelivered_idx').on(t.orgId, t.deliveredAt)],
);
