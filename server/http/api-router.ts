import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Permission } from '../orgs/permissions.js';

/**
 * API routes declare who may call them, in one place, as they are written: `public`,
 * `signed-in` (any signed-in person) or a permission (a member of the organisation in the
 * path's :orgId whose role grants it). Registration fails for an org route without :orgId.
 */

export type Access = 'public' | 'signed-in' | Permission;
export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface RouteSpec {
  method: Method;
  path: string;
  access: Access;
  /** Destructive actions are rate limited per member and per organisation. */
  destructive: boolean;
}

/** Marks the guard every route carries, so a test can find it in Express's own route stack. */
export const ROUTE_ACCESS = Symbol('offramp.routeAccess');
export type GuardHandler = RequestHandler & { [ROUTE_ACCESS]?: RouteSpec };

export interface Guards {
  authenticate: RequestHandler;
  member: (permission: Permission) => RequestHandler;
  destructiveLimit: RequestHandler;
  /** Refuses changes while the organisation is read-only (billing); runs after `member`. */
  writable?: RequestHandler;
}

/** Changes still allowed to a read-only organisation: paying, and its data rights. */
const ALWAYS_WRITABLE = new Set<string>(['billing.manage', 'billing.read', 'org.delete']);

type Handler = (req: Request, res: Response) => Promise<unknown> | unknown;

export interface RouteOptions {
  destructive?: boolean;
  /** Middleware run after the guards (e.g. a rate limit of its own). */
  before?: RequestHandler[];
}

type Register = (path: string, access: Access, handler: Handler, opts?: RouteOptions) => void;

export interface ApiRoutes {
  router: express.Router;
  specs: RouteSpec[];
  get: Register;
  post: Register;
  patch: Register;
  put: Register;
  delete: Register;
}

export function createApiRoutes(guards: Guards): ApiRoutes {
  const router = express.Router();
  const specs: RouteSpec[] = [];

  const add =
    (method: Method): Register =>
    (path, access, handler, opts = {}) => {
    const spec: RouteSpec = { method, path, access, destructive: opts.destructive ?? false };
    if (access !== 'public' && access !== 'signed-in' && !path.includes(':orgId')) {
      throw new Error(`Route ${method.toUpperCase()} ${path} needs ${access} in an organisation but has no :orgId`);
    }
    const chain: RequestHandler[] = [];
    if (access !== 'public') chain.push(guards.authenticate);
    if (access !== 'public' && access !== 'signed-in') {
      chain.push(guards.member(access));
      if (method !== 'get' && guards.writable && !ALWAYS_WRITABLE.has(access)) chain.push(guards.writable);
    }
    if (spec.destructive) chain.push(guards.destructiveLimit);
    chain.push(...(opts.before ?? []));
    const marker: GuardHandler = (_req, _res, next) => next();
    marker[ROUTE_ACCESS] = spec;
    specs.push(spec);
    router[method](path, marker, ...chain, async (req, res) => {
      const result = await handler(req, res);
      if (!res.headersSent && result !== undefined) res.json(result);
    });
  };

  return { router, specs, get: add('get'), post: add('post'), patch: add('patch'), put: add('put'), delete: add('delete') };
}
