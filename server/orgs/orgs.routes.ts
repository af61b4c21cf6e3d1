import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ApiRoutes } from '../http/api-router.js';
import { uuidParam } from '../http/params.js';
import { UserError } from '../errors.js';
import { auditContext, sourceOf } from './auth.middleware.js';
import { ROLES } from './orgs.schema.js';
import type { OrgsService } from './orgs.service.js';
import { permissionsOf } from './permissions.js';
import { safeReturnTo, type SignIn } from './sign-in.js';
import { SESSION_COOKIE, type Sessions } from './sessions.js';
import type { RequestHandler } from 'express';

const orgName = z.string().trim().min(2, 'must be at least 2 characters').max(100, 'must be at most 100 characters');
const role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
const email = z.string().trim().toLowerCase().email('must be an email address').max(254);

const user = (req: Request) => {
  const auth = req.auth!;
  return { id: auth.user.id, name: auth.user.displayName, email: auth.user.email, tenantId: auth.user.tenantId };
};

const plainContext = (req: Request) => ({ source: sourceOf(req), requestId: String(req.id ?? '') });

/** Organisations, members and invitations: /api/v1/me, /api/v1/orgs/…, /api/v1/invites/…. */
export function registerOrgRoutes(api: ApiRoutes, deps: { orgs: OrgsService; publicUrl: string }): void {
  const { orgs } = deps;

  api.get('/me', 'signed-in', async (req) => ({ user: user(req), memberships: await orgs.memberships(req.auth!.user.id) }));

  api.post('/orgs', 'signed-in', async (req, res) => {
    const body = z.object({ name: orgName }).parse(req.body);
    const org = await orgs.createOrganisation(req.auth!.user, body.name, plainContext(req));
    res.status(201).json(org);
  });

  api.get('/orgs/:orgId', 'org.read', async (req) => {
    const org = await orgs.getOrganisation(req.member!.orgId);
    return { id: org.id, name: org.name, createdAt: org.createdAt, role: req.member!.role, permissions: req.member!.permissions };
  });

  api.patch('/orgs/:orgId', 'org.update', async (req) => {
    const body = z.object({ name: orgName }).parse(req.body);
    const org = await orgs.renameOrganisation(req.member!.orgId, body.name, auditContext(req));
    return { id: org.id, name: org.name, createdAt: org.createdAt, role: req.member!.role, permissions: req.member!.permissions };
  });

  api.get('/orgs/:orgId/members', 'members.read', async (req) =>
    (await orgs.listMembers(req.member!.orgId)).map((m) => ({ ...m, isYou: m.userId === req.auth!.user.id })),
  );

  api.patch(
    '/orgs/:orgId/members/:memberId',
    'members.manage',
    async (req) => {
      const body = z.object({ role }).parse(req.body);
      const m = await orgs.changeRole(req.member!.orgId, uuidParam(req, 'memberId'), body.role, req.member!.role, auditContext(req));
      return { id: m.id, userId: m.userId, role: m.role, name: m.displayName, email: m.email, joinedAt: m.createdAt };
    },
    { destructive: true },
  );

  api.delete(
    '/orgs/:orgId/members/:memberId',
    'members.manage',
    async (req, res) => {
      await orgs.removeMember(req.member!.orgId, uuidParam(req, 'memberId'), req.member!.role, auditContext(req));
      res.status(204).end();
    },
    { destructive: true },
  );

  api.get('/orgs/:orgId/invites', 'members.read', async (req) => orgs.listInvites(req.member!.orgId));

  api.post(
    '/orgs/:orgId/invites',
    'members.invite',
    async (req, res) => {
      const body = z.object({ email, role }).parse(req.body);
      const invite = await orgs.invite(req.member!.orgId, body.email, body.role, req.member!.role, auditContext(req));
      res.status(201).json({
        id: invite.id,
        email: invite.email,
        role: invite.role,
        expiresAt: invite.expiresAt,
        link: `${deps.publicUrl}/tabs/invite/${invite.token}`,
      });
    },
    { destructive: true },
  );

  api.delete(
    '/orgs/:orgId/invites/:inviteId',
    'members.invite',
    async (req, res) => {
      await orgs.revokeInvite(req.member!.orgId, uuidParam(req, 'inviteId'), auditContext(req));
      res.status(204).end();
    },
    { destructive: true },
  );

  api.get('/invites/:token', 'signed-in', async (req) => orgs.previewInvite(tokenParam(req)));

  api.post('/invites/:token/accept', 'signed-in', async (req) => {
    const accepted = await orgs.acceptInvite(tokenParam(req), req.auth!.user, plainContext(req));
    return { ...accepted, permissions: permissionsOf(accepted.role) };
  });
}

function tokenParam(req: Request): string {
  const value = String(req.params.token ?? '');
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(value)) throw new UserError(404, 'not_found', 'That invitation was not found.');
  return value;
}

export interface AuthRouteDeps {
  signIn: SignIn;
  sessions: Sessions;
  orgs: OrgsService;
  secureCookies: boolean;
  sessionTtlMs: number;
  via: 'demo' | 'microsoft';
  signInLimit: RequestHandler;
}

/** Browser sign-in (outside Teams): /auth/signin, /auth/callback, /auth/signout, and the session API. */
export function registerAuthRoutes(root: ApiRoutes, api: ApiRoutes, deps: AuthRouteDeps): void {
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies, path: '/' };

  const limited = { before: [deps.signInLimit] };
  root.get(
    '/auth/signin',
    'public',
    async (req: Request, res: Response) => res.redirect(302, await deps.signIn.start(safeReturnTo(req.query.returnTo))),
    limited,
  );

  root.get('/auth/callback', 'public', async (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    const { identity, returnTo } = await deps.signIn.finish(q);
    const person = await deps.orgs.ensureUser(identity);
    const session = await deps.sessions.create(person.id, deps.via);
    res.cookie(SESSION_COOKIE, session.cookieValue, { ...cookieOptions, expires: session.expiresAt });
    res.redirect(302, returnTo);
  }, limited);

  root.post('/auth/signout', 'signed-in', async (req: Request, res: Response) => {
    const cookie = req.cookies?.[SESSION_COOKIE] as string | undefined;
    if (cookie) await deps.sessions.destroy(cookie);
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });

  api.get('/auth/session', 'signed-in', async (req) => ({ user: user(req), csrfToken: req.auth!.csrfToken, via: req.auth!.via }));
}
