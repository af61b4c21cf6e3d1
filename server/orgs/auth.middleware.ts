import type { Request, RequestHandler } from 'express';
import { UserError } from '../errors.js';
import type { AuditContext, AuditSource } from '../audit/audit.service.js';
import type { EntraTokenValidator } from './entra-tokens.js';
import type { OrgsService } from './orgs.service.js';
import { can, type Permission } from './permissions.js';
import { SESSION_COOKIE, type Sessions } from './sessions.js';
import { appendAudit } from '../audit/audit.service.js';
import type { Db } from '../db/store.js';
import { GUID } from '../http/params.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const unauthenticated = () => new UserError(401, 'unauthenticated', 'Sign in to use Offramp.');

/**
 * Who is calling: a Teams SSO bearer token (validated as Entra requires), or a browser
 * session cookie — whose state-changing requests must carry the session's CSRF token.
 */
export function createAuthenticate(deps: { validator: EntraTokenValidator; sessions: Sessions; orgs: OrgsService }): RequestHandler {
  return async (req, _res, next) => {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (bearer) {
      const identity = await deps.validator.verifyAccessToken(bearer);
      const user = await deps.orgs.ensureUser(identity);
      req.auth = { user, via: 'teams', csrfToken: null };
      return next();
    }
    const cookie = req.cookies?.[SESSION_COOKIE] as string | undefined;
    const session = cookie ? await deps.sessions.find(cookie) : null;
    if (!session) throw unauthenticated();
    if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== session.csrfToken) {
      throw new UserError(403, 'csrf_failed', 'This request lacks the session’s CSRF token (x-csrf-token). Reload the page and try again.');
    }
    req.auth = { user: session.user, via: session.via, csrfToken: session.csrfToken };
    next();
  };
}

/** Where a request comes from: the tabs and the bot say so; anything else is the API. */
export function sourceOf(req: Request): AuditSource {
  const client = req.headers['x-offramp-client'];
  return client === 'tab' || client === 'bot' ? client : 'api';
}

/** The audit context of a request made by a member in an organisation. */
export function auditContext(req: Request): AuditContext {
  const { auth, member } = req;
  if (!auth || !member) throw new Error('auditContext needs an authenticated member');
  return {
    actor: {
      memberId: member.id,
      userId: auth.user.id,
      name: auth.user.displayName,
      role: member.role,
      tid: auth.user.tenantId,
      oid: auth.user.objectId,
    },
    source: sourceOf(req),
    requestId: String(req.id ?? ''),
  };
}

/**
 * The caller must be a member of the organisation in :orgId (else 404: another
 * organisation's ids are never confirmed to exist) whose role grants `permission` (else 403;
 * a refused change is audited as denied).
 */
export function createMemberGuard(deps: { orgs: OrgsService; db: Db }) {
  return (permission: Permission): RequestHandler =>
    async (req, _res, next) => {
      const orgId = String(req.params.orgId ?? '');
      const user = req.auth?.user;
      if (!user) throw unauthenticated();
      const membership = GUID.test(orgId) ? await deps.orgs.membership(orgId, user.id) : null;
      if (!membership) throw new UserError(404, 'not_found', 'That organisation was not found.');
      req.member = { id: membership.memberId, orgId, orgName: membership.orgName, role: membership.role, permissions: membership.permissions };
      if (!can(membership.role, permission)) {
        if (!SAFE_METHODS.has(req.method)) {
          await deps.db.transaction((tx) =>
            appendAudit(tx, auditContext(req), {
              orgId,
              action: 'permission.denied',
              outcome: 'denied',
              details: { method: req.method, path: req.baseUrl + req.route?.path, permission },
            }),
          );
        }
        throw new UserError(403, 'forbidden', `Your role (${membership.role}) does not allow this (${permission}).`);
      }
      next();
    };
}
