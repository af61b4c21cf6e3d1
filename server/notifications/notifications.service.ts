import { and, asc, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import { notifications } from './notifications.schema.js';

export type Notification = typeof notifications.$inferSelect;

/** A way to reach people (the Teams bot): delivers a notice, or says it cannot reach the person yet. */
export interface NotificationChannel {
  deliver(n: Notification): Promise<'delivered' | 'unreachable'>;
}

export const DELIVER_JOB = 'notifications.deliver';

/** Notices Offramp owes people, delivered through a channel and marked once delivered. */
export function createNotificationsService(db: Db) {
  return {
    /**
     * Delivers what is undelivered (oldest first), each marked delivered only after the channel
     * took it; one the channel cannot deliver yet (the person has no chat with the bot) waits for
     * the next pass. Returns how many were delivered.
     */
    /** The notices addressed to a person in an organisation (by Entra object id, or by address), newest first. */
    async mine(orgId: string, who: { objectId: string; email: string | null }, limit = 20) {
      const rows = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.orgId, orgId), or(eq(notifications.recipientObjectId, who.objectId), who.email ? sql`lower(${notifications.recipientAddress}) = lower(${who.email})` : undefined)))
        .orderBy(desc(notifications.createdAt))
        .limit(limit);
      return rows.map((n) => ({ id: n.id, title: n.title, body: n.body, link: n.link, createdAt: n.createdAt.toISOString(), deliveredByBot: n.deliveredAt !== null }));
    },

    async deliverPending(channel: NotificationChannel, limit = 100): Promise<number> {
      const pending = await db.select().from(notifications).where(isNull(notifications.deliveredAt)).orderBy(asc(notifications.createdAt)).limit(limit);
      let delivered = 0;
      for (const n of pending) {
        if ((await channel.deliver(n)) !== 'delivered') continue;
        await db.update(notifications).set({ deliveredAt: sql`now()` }).where(and(eq(notifications.id, n.id), isNull(notifications.deliveredAt)));
        delivered++;
      }
      return delivered;
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
