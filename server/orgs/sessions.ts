import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import { sessions, users } from './orgs.schema.js';

export const SESSION_COOKIE = 'offramp_session';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface SessionRecord {
  userId: string;
  csrfToken: string;
  via: 'demo' | 'microsoft';
  expiresAt: Date;
}

/** Browser sessions: a random id in an HttpOnly cookie, its sha256 in the store. */
export function createSessions(db: Db, ttlMs: number) {
  return {
    async create(userId: string, via: 'demo' | 'microsoft'): Promise<{ cookieValue: string; csrfToken: string; expiresAt: Date }> {
      const cookieValue = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const expiresAt = new Date(Date.now() + ttlMs);
      await db.insert(sessions).values({ idHash: sha256(cookieValue), userId, csrfToken, via, expiresAt });
      // Expired sessions of anyone are swept as new ones are made.
      await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
      return { cookieValue, csrfToken, expiresAt };
    },
    async find(cookieValue: string): Promise<(SessionRecord & { user: typeof users.$inferSelect }) | null> {
      const [row] = await db
        .select({ s: sessions, u: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.idHash, sha256(cookieValue)), gt(sessions.expiresAt, new Date())))
        .limit(1);
      return row ? { userId: row.s.userId, csrfToken: row.s.csrfToken, via: row.s.via, expiresAt: row.s.expiresAt, user: row.u } : null;
    },
    async destroy(cookieValue: string): Promise<void> {
      await db.delete(sessions).where(eq(sessions.idHash, sha256(cookieValue)));
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
