import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import { members, users } from '../orgs/orgs.schema.js';
import { ROLES, can, type Permission } from '../orgs/permissions.js';
import { botConversations, botRunCards } from './conversations.schema.js';

/** A Bot Framework conversation reference, as botbuilder's TurnContext.getConversationReference gives it. */
export type ConversationRef = Record<string, unknown> & { conversation?: { id?: string } };

export interface ConversationInput {
  reference: ConversationRef;
  timeZone?: string | null;
  kind: string;
  tenantId: string | null;
  userObjectId: string | null;
  orgId: string | null;
}

/** Where the bot may post first (install, personal chats), and the cards it posted about runs. */
export function createConversationsService(db: Db) {
  return {
    /** Records (or refreshes) a conversation the bot was installed in or spoken to in. */
    async record(input: ConversationInput) {
      const conversationId = input.reference.conversation?.id;
      if (!conversationId) return;
      await db
        .insert(botConversations)
        .values({ conversationId, kind: input.kind, tenantId: input.tenantId, userObjectId: input.userObjectId, orgId: input.orgId, reference: input.reference, timeZone: input.timeZone ?? null })
        .onConflictDoUpdate({
          target: botConversations.conversationId,
          set: {
            reference: input.reference,
            updatedAt: new Date(),
            timeZone: sql`coalesce(${input.timeZone ?? null}::text, ${botConversations.timeZone})`,
            // A known organisation is kept when a later activity cannot tell it.
            orgId: sql`coalesce(${input.orgId}::uuid, ${botConversations.orgId})`,
          },
        });
    },

    /** The bot was uninstalled (or removed from the team): it may not post there any more. */
    async remove(conversationId: string) {
      await db.delete(botConversations).where(eq(botConversations.conversationId, conversationId));
    },

    async get(conversationId: string) {
      const [row] = await db.select().from(botConversations).where(eq(botConversations.conversationId, conversationId));
      return row ?? null;
    },

    /**
     * Personal chats with the organisation's members whose role grants a permission (e.g. the
     * approvers), optionally leaving one member out.
     */
    async personalChatsOf(orgId: string, permission: Permission, exceptUserId: string | null = null) {
      const roles = ROLES.filter((r) => can(r, permission));
      const rows = await db
        .select({ userId: users.id, reference: botConversations.reference, conversationId: botConversations.conversationId })
        .from(members)
        .innerJoin(users, eq(users.id, members.userId))
        .innerJoin(botConversations, and(eq(botConversations.kind, 'personal'), eq(botConversations.tenantId, sql`${users.tenantId}::text`), eq(botConversations.userObjectId, sql`${users.objectId}::text`)))
        .where(and(eq(members.orgId, orgId), inArray(members.role, roles)));
      return rows.filter((r) => r.userId !== exceptUserId);
    },

    /** The personal chat of a person (by Entra object id) with the bot, if they have one. */
    async personalChatOf(objectId: string) {
      const [row] = await db
        .select()
        .from(botConversations)
        .where(and(eq(botConversations.kind, 'personal'), eq(botConversations.userObjectId, objectId.toLowerCase())))
        .orderBy(desc(botConversations.updatedAt))
        .limit(1);
      return row ?? null;
    },

    /** Turns the daily "leaving soon" digest on or off for a conversation. */
    async setDigest(conversationId: string, on: boolean) {
      const [row] = await db.update(botConversations).set({ digest: on, updatedAt: new Date() }).where(eq(botConversations.conversationId, conversationId)).returning();
      return row ?? null;
    },

    /**
     * Conversations whose digest is due: asked for, tied to an organisation, past 08:00 in the
     * person's time zone (UTC when unknown) and not yet sent on that local date.
     */
    async dueDigests(now = new Date()) {
      const local = sql`(${now.toISOString()}::timestamptz AT TIME ZONE coalesce(${botConversations.timeZone}, 'UTC'))`;
      return db
        .select({ conversationId: botConversations.conversationId, orgId: botConversations.orgId, reference: botConversations.reference, timeZone: botConversations.timeZone, localDate: sql<string>`(${local})::date::text` })
        .from(botConversations)
        .where(and(eq(botConversations.digest, true), sql`${botConversations.orgId} IS NOT NULL`, sql`extract(hour from ${local}) >= 8`, sql`(${botConversations.digestSentOn} IS NULL OR ${botConversations.digestSentOn} < (${local})::date)`));
    },

    async digestSent(conversationId: string, localDate: string) {
      await db.update(botConversations).set({ digestSentOn: localDate }).where(eq(botConversations.conversationId, conversationId));
    },

    /** Remembers a card posted about a run, to update it in place later. */
    async saveCard(card: { runId: string; orgId: string; conversationId: string; activityId: string; kind: 'approval' | 'progress' }) {
      await db
        .insert(botRunCards)
        .values(card)
        .onConflictDoUpdate({ target: [botRunCards.runId, botRunCards.conversationId, botRunCards.kind], set: { activityId: card.activityId } });
    },

    async cardsOf(runId: string) {
      return db
        .select({ kind: botRunCards.kind, activityId: botRunCards.activityId, conversationId: botRunCards.conversationId, reference: botConversations.reference })
        .from(botRunCards)
        .innerJoin(botConversations, eq(botConversations.conversationId, botRunCards.conversationId))
        .where(eq(botRunCards.runId, runId));
    },
  };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
