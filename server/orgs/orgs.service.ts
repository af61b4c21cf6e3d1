import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import { UserError, notFound } from '../errors.js';
import { appendAudit, type AuditContext } from '../audit/audit.service.js';
import type { EntraIdentity } from './entra-tokens.js';
import { invites, members, organisations, users, type Role } from './orgs.schema.js';
import { permissionsOf, type Permission } from './permissions.js';

/** Organisations, their members and invitations. Every change is audited in its own transaction. */

export type UserRow = typeof users.$inferSelect;
/** The parts of a person the services need. */
export type Person = Pick<UserRow, 'id' | 'tenantId' | 'objectId' | 'displayName' | 'email'>;
export type MemberRow = typeof members.$inferSelect;

export interface Membership {
  orgId: string;
  orgName: string;
  memberId: string;
  role: Role;
  permissions: Permission[];
}

export const INVITE_LIFETIME_MS = 7 * 24 * 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const conflict = (code: string, message: string) => new UserError(409, code, message);

export function createOrgsService(db: Db) {
  async function memberOf(orgId: string, memberId: string): Promise<MemberRow & { displayName: string; email: string | null }> {
    const [row] = await db
      .select({ m: members, displayName: users.displayName, email: users.email })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(and(eq(members.orgId, orgId), eq(members.id, memberId)))
      .limit(1);
    if (!row) throw notFound('That member');
    return { ...row.m, displayName: row.displayName, email: row.email };
  }

  async function ownerCount(tx: Db, orgId: string): Promise<number> {
    // Locks the organisation's owners so that two concurrent demotions cannot both pass the check.
    const rows = await tx.execute(sql`SELECT id FROM members WHERE org_id = ${orgId} AND role = 'owner' FOR UPDATE`);
    return rows.rows.length;
  }

  const label = (m: { displayName: string; email: string | null }) => (m.email ? `${m.displayName} <${m.email}>` : m.displayName);

  return {
    /** Records (or refreshes) the person behind a verified token. */
    async ensureUser(identity: EntraIdentity): Promise<UserRow> {
      const [row] = await db
        .insert(users)
        .values({ tenantId: identity.tenantId, objectId: identity.objectId, displayName: identity.name, email: identity.email, lastSignInAt: new Date() })
        .onConflictDoUpdate({
          target: [users.tenantId, users.objectId],
          set: { displayName: identity.name, email: identity.email, lastSignInAt: new Date() },
        })
        .returning();
      return row!;
    },

    /** The person a Microsoft Entra identity (tenant id, object id) belongs to, if they ever signed in. */
    async userByIdentity(tenantId: string, objectId: string): Promise<UserRow | null> {
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
      if (!uuid.test(tenantId) || !uuid.test(objectId)) return null;
      const [row] = await db.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.objectId, objectId))).limit(1);
      return row ?? null;
    },

    async memberships(userId: string): Promise<Membership[]> {
      const rows = await db
        .select({ orgId: organisations.id, orgName: organisations.name, memberId: members.id, role: members.role })
        .from(members)
        .innerJoin(organisations, eq(organisations.id, members.orgId))
        .where(eq(members.userId, userId))
        .orderBy(asc(organisations.name));
      return rows.map((r) => ({ ...r, permissions: permissionsOf(r.role) }));
    },

    /** The caller's membership of an organisation, or null (which callers answer as 404). */
    async membership(orgId: string, userId: string): Promise<(Membership & { memberId: string }) | null> {
      const [row] = await db
        .select({ orgId: organisations.id, orgName: organisations.name, memberId: members.id, role: members.role })
        .from(members)
        .innerJoin(organisations, eq(organisations.id, members.orgId))
        .where(and(eq(members.orgId, orgId), eq(members.userId, userId)))
        .limit(1);
      return row ? { ...row, permissions: permissionsOf(row.role) } : null;
    },

    /** The audit actor for a member (for changes finished outside their request, e.g. a consent callback). */
    async actorOf(orgId: string, memberId: string) {
      const m = await memberOf(orgId, memberId);
      const [u] = await db.select().from(users).where(eq(users.id, m.userId)).limit(1);
      return { memberId: m.id, userId: m.userId, name: m.displayName, role: m.role, tid: u?.tenantId ?? null, oid: u?.objectId ?? null };
    },

    async createOrganisation(user: Person, name: string, ctx: Omit<AuditContext, 'actor'>) {
      return db.transaction(async (tx) => {
        const [org] = await tx.insert(organisations).values({ name, createdBy: user.id }).returning();
        const [owner] = await tx.insert(members).values({ orgId: org!.id, userId: user.id, role: 'owner' }).returning();
        const actor = { memberId: owner!.id, userId: user.id, name: user.displayName, role: 'owner', tid: user.tenantId, oid: user.objectId };
        await appendAudit(tx, { ...ctx, actor }, { orgId: org!.id, action: 'org.created', target: { type: 'organisation', id: org!.id, label: name } });
        return { id: org!.id, name, createdAt: org!.createdAt, role: 'owner' as Role, permissions: permissionsOf('owner') };
      });
    },

    async getOrganisation(orgId: string) {
      const [org] = await db.select().from(organisations).where(eq(organisations.id, orgId)).limit(1);
      if (!org) throw notFound('That organisation');
      return org;
    },

    async renameOrganisation(orgId: string, name: string, ctx: AuditContext) {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(organisations).where(eq(organisations.id, orgId)).limit(1);
        if (!before) throw notFound('That organisation');
        await tx.update(organisations).set({ name }).where(eq(organisations.id, orgId));
        await appendAudit(tx, ctx, { orgId, action: 'org.renamed', target: { type: 'organisation', id: orgId, label: name }, details: { from: before.name, to: name } });
        return { ...before, name };
      });
    },

    async listMembers(orgId: string) {
      return db
        .select({ id: members.id, userId: members.userId, role: members.role, joinedAt: members.createdAt, name: users.displayName, email: users.email })
        .from(members)
        .innerJoin(users, eq(users.id, members.userId))
        .where(eq(members.orgId, orgId))
        .orderBy(asc(users.displayName));
    },

    async changeRole(orgId: string, memberId: string, role: Role, actorRole: Role, ctx: AuditContext) {
      const target = await memberOf(orgId, memberId);
      if ((role === 'owner' || target.role === 'owner') && actorRole !== 'owner') {
        throw new UserError(403, 'forbidden', 'Only an Owner can make someone an Owner or change an Owner’s role.');
      }
      if (target.role === role) return { ...target, role };
      return db.transaction(async (tx) => {
        if (target.role === 'owner' && (await ownerCount(tx, orgId)) <= 1) {
          throw conflict('last_owner', 'An organisation must keep at least one Owner: make someone else an Owner first.');
        }
        await tx.update(members).set({ role }).where(eq(members.id, memberId));
        await appendAudit(tx, ctx, {
          orgId,
          action: 'member.role_changed',
          target: { type: 'member', id: memberId, label: label(target) },
          details: { from: target.role, to: role },
        });
        return { ...target, role };
      });
    },

    async removeMember(orgId: string, memberId: string, actorRole: Role, ctx: AuditContext) {
      const target = await memberOf(orgId, memberId);
      if (target.role === 'owner' && actorRole !== 'owner') throw new UserError(403, 'forbidden', 'Only an Owner can remove an Owner.');
      await db.transaction(async (tx) => {
        if (target.role === 'owner' && (await ownerCount(tx, orgId)) <= 1) {
          throw conflict('last_owner', 'An organisation must keep at least one Owner: make someone else an Owner first.');
        }
        await tx.delete(members).where(eq(members.id, memberId));
        await appendAudit(tx, ctx, {
          orgId,
          action: 'member.removed',
          target: { type: 'member', id: memberId, label: label(target) },
          details: { role: target.role },
        });
      });
    },

    async listInvites(orgId: string) {
      return db
        .select({ id: invites.id, email: invites.email, role: invites.role, createdAt: invites.createdAt, expiresAt: invites.expiresAt, invitedBy: users.displayName })
        .from(invites)
        .innerJoin(members, eq(members.id, invites.createdBy))
        .innerJoin(users, eq(users.id, members.userId))
        .where(and(eq(invites.orgId, orgId), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, new Date())))
        .orderBy(asc(invites.createdAt));
    },

    /** Makes an invitation; the returned token goes into the link and is never stored. */
    async invite(orgId: string, email: string, role: Role, actorRole: Role, ctx: AuditContext) {
      if (role === 'owner' && actorRole !== 'owner') throw new UserError(403, 'forbidden', 'Only an Owner can invite an Owner.');
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + INVITE_LIFETIME_MS);
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(invites)
          .values({ orgId, email, role, tokenHash: sha256(token), createdBy: ctx.actor.memberId!, expiresAt })
          .returning();
        await appendAudit(tx, ctx, { orgId, action: 'invite.created', target: { type: 'invite', id: row!.id, label: email }, details: { role } });
        return { id: row!.id, email, role, expiresAt, token };
      });
    },

    async revokeInvite(orgId: string, inviteId: string, ctx: AuditContext) {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(invites)
          .set({ revokedAt: new Date() })
          .where(and(eq(invites.orgId, orgId), eq(invites.id, inviteId), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
          .returning();
        if (!row) throw notFound('That pending invitation');
        await appendAudit(tx, ctx, { orgId, action: 'invite.revoked', target: { type: 'invite', id: inviteId, label: row.email }, details: { role: row.role } });
      });
    },

    async previewInvite(token: string) {
      const [row] = await db
        .select({ i: invites, orgName: organisations.name, invitedBy: users.displayName })
        .from(invites)
        .innerJoin(organisations, eq(organisations.id, invites.orgId))
        .innerJoin(members, eq(members.id, invites.createdBy))
        .innerJoin(users, eq(users.id, members.userId))
        .where(eq(invites.tokenHash, sha256(token)))
        .limit(1);
      if (!row) throw notFound('That invitation');
      const status = row.i.acceptedAt ? 'accepted' : row.i.revokedAt ? 'revoked' : row.i.expiresAt < new Date() ? 'expired' : 'pending';
      return { orgName: row.orgName, role: row.i.role, email: row.i.email, expiresAt: row.i.expiresAt, invitedBy: row.invitedBy, status } as const;
    },

    /** Binds the signed-in person to the invitation's organisation with its role. */
    async acceptInvite(token: string, user: Person, ctx: Omit<AuditContext, 'actor'>) {
      return db.transaction(async (tx) => {
        const [invite] = await tx
          .select()
          .from(invites)
          .where(eq(invites.tokenHash, sha256(token)))
          .for('update')
          .limit(1);
        if (!invite) throw notFound('That invitation');
        if (invite.revokedAt) throw new UserError(410, 'invite_revoked', 'This invitation was withdrawn. Ask for a new one.');
        if (invite.acceptedAt) throw new UserError(410, 'invite_used', 'This invitation has already been accepted.');
        if (invite.expiresAt < new Date()) throw new UserError(410, 'invite_expired', 'This invitation has expired. Ask for a new one.');
        const [existing] = await tx.select().from(members).where(and(eq(members.orgId, invite.orgId), eq(members.userId, user.id))).limit(1);
        if (existing) throw conflict('already_member', 'You are already a member of this organisation.');
        const [member] = await tx.insert(members).values({ orgId: invite.orgId, userId: user.id, role: invite.role }).returning();
        await tx.update(invites).set({ acceptedAt: new Date(), acceptedBy: user.id }).where(eq(invites.id, invite.id));
        const actor = { memberId: member!.id, userId: user.id, name: user.displayName, role: invite.role, tid: user.tenantId, oid: user.objectId };
        await appendAudit(tx, { ...ctx, actor }, {
          orgId: invite.orgId,
          action: 'member.joined',
          target: { type: 'member', id: member!.id, label: label(user) },
          details: { role: invite.role, inviteId: invite.id, invitedEmail: invite.email },
        });
        return { orgId: invite.orgId, role: invite.role };
      });
    },
  };
}

export type OrgsService = ReturnType<typeof createOrgsService>;
