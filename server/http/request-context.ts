import type { Role } from '../orgs/orgs.schema.js';
import type { Permission } from '../orgs/permissions.js';

/** What the authentication and permission guards learn about a request. */
export interface AuthContext {
  user: { id: string; tenantId: string; objectId: string; displayName: string; email: string | null };
  /** teams: a bearer SSO token (no cookie, no CSRF); demo / microsoft: a browser session. */
  via: 'teams' | 'demo' | 'microsoft';
  /** The session's CSRF token (browser sessions only). */
  csrfToken: string | null;
}

export interface MemberContext {
  id: string;
  orgId: string;
  orgName: string;
  role: Role;
  permissions: Permission[];
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
    member?: MemberContext;
  }
}

export {};
