import { boolean, date, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../orgs/orgs.schema.js';

/**
 * Where the bot may speak first: a Teams conversation it was installed in or spoken to in, with
 * the Bot Framework conversation reference it needs to post there. Recorded from authenticated
 * activities only; removed when the bot is uninstalled.
 */
export const botConversations = pgTable(
  'bot_conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: text('conversation_id').notNull(),
    /** personal, groupChat or channel. */
    kind: text('kind').notNull(),
    /** The Microsoft Entra tenant the conversation belongs to. */
    tenantId: text('tenant_id'),
    /** In a personal chat: the person's Entra object id. */
    userObjectId: text('user_object_id'),
    /** The organisation the conversation's people act for, once known. */
    orgId: uuid('org_id').references(() => organisations.id, { onDelete: 'cascade' }),
    reference: jsonb('reference').$type<Record<string, unknown>>().notNull(),
    /** The person's IANA time zone, as Teams last reported it (the digest goes out at 08:00 there). */
    timeZone: text('time_zone'),
    /** The daily "leaving soon" digest, asked for with `digest on`. */
    digest: boolean('digest').notNull().default(false),
    /** The local date the last digest went out (one a day). */
    digestSentOn: date('digest_sent_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('bot_conversations_conversation_key').on(t.conversationId), index('bot_conversations_user_idx').on(t.tenantId, t.userObjectId)],
);

/** A card the bot posted about a run (approval request, progress), so that it can update it in place. */
export const botRunCards = pgTable(
  'bot_run_cards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runId: uuid('run_id').notNull(),
    orgId: uuid('org_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
    conversationId: text('conversation_id').notNull(),
    activityId: text('activity_id').notNull(),
    /** approval or progress. */
    kind: text('kind').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('bot_run_cards_key').on(t.runId, t.conversationId, t.kind), index('bot_run_cards_run_idx').on(t.runId)],
);
