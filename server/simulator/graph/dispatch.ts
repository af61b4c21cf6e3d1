import type { FaultKind } from '../realism.js';
import type { SimRuntime } from '../runtime.js';
import { identityLimitFor, type ThrottleCheck } from '../throttle.js';
import { GraphError, type GraphContext, type GraphRequest, type GraphResponse, type Route } from './types.js';

/**
 * One Graph request, from a matched route to a response: permissions, throttling, injected
 * status faults, latency, the handler, Microsoft's error body, and the mutation log. The
 * https front door and $batch both come through here.
 */

interface CompiledRoute {
  route: Route;
  segs: string[];
}

export interface Dispatcher {
  dispatch(req: GraphRequest, opts?: { fault?: FaultKind | null; latency?: boolean }): Promise<GraphResponse>;
  routes: readonly Route[];
}

export const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** `users('x')/delta()` -> `/users/x/delta`; `servicePrincipals(appId='x')` -> `/servicePrincipals/appId=x`. */
export function normalisePath(path: string): string {
  return (
    '/' +
    path
      .replace(/^\/+|\/+$/g, '')
      .replace(/\(\)/g, '')
      .replace(/\((\w+)='([^']*)'\)/g, '/$1=$2')
      .replace(/\('([^']*)'\)/g, '/$1')
      .split('/')
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      })
      .join('/')
  );
}

export function errorBody(req: Pick<GraphRequest, 'requestId' | 'clientRequestId'>, code: string, message: string) {
  return {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': req.requestId, 'client-request-id': req.clientRequestId },
    },
  };
}

export function errorResponse(req: GraphRequest, err: GraphError): GraphResponse {
  return { status: err.status, headers: err.headers, body: errorBody(req, err.code, err.message) };
}

export function createDispatcher(rt: () => SimRuntime, routes: Route[]): Dispatcher {
  const compiled: CompiledRoute[] = routes.map((route) => ({ route, segs: route.path.split('/').filter(Boolean) }));

  function match(req: GraphRequest): { route: Route; params: Record<string, string> } {
    const segs = req.path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const c of compiled) {
      if (c.segs.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let okay = true;
      for (let i = 0; i < segs.length && okay; i++) {
        const p = c.segs[i]!;
        if (p.startsWith('{')) params[p.slice(1, -1)] = segs[i]!;
        else okay = p.toLowerCase() === segs[i]!.toLowerCase();
      }
      if (!okay || (c.route.versions && !c.route.versions.includes(req.version))) continue;
      pathMatched = true;
      if (c.route.method === req.method) return { route: c.route, params };
    }
    if (pathMatched) throw new GraphError(405, 'Request_BadRequest', `The HTTP method '${req.method}' is not allowed for the request target.`);
    const first = segs.find((s, i) => !compiled.some((c) => c.segs[i] !== undefined && (c.segs[i]!.startsWith('{') || c.segs[i]!.toLowerCase() === s.toLowerCase())));
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${first ?? segs[segs.length - 1] ?? ''}'.`);
  }

  function throttleChecks(ctx: GraphContext, route: Route): { checks: ThrottleCheck[]; concurrency?: { key: string; max: number; code: string } } {
    const r = ctx.rt;
    const limits = r.realism.config.throttle;
    // A batch is not metered itself: each of its requests is.
    if (!limits || route.path === '/$batch') return { checks: [] };
    const app = ctx.req.caller.appId;
    const write = ctx.req.method !== 'GET';
    const service = route.service ?? 'identity';
    switch (service) {
      case 'identity':
      case 'authMethods': {
        const q = ctx.req.query;
        let cost = route.cost ?? 1;
        if (q.has('$select')) cost--;
        if (q.has('$expand')) cost++;
        if (q.has('$top') && Number(q.get('$top')) < 20) cost--;
        const checks: ThrottleCheck[] = [{ key: `identity:${app}`, limit: limits.identityResourceUnits ?? identityLimitFor(ctx.store.users.size), cost: Math.max(1, cost) }];
        if (write) checks.push({ key: `identity-write:${app}`, limit: limits.identityWrites, cost: 1 });
        return { checks };
      }
      case 'outlook': {
        const mailbox = ctx.store.user(ctx.params.id ?? '')?.id ?? ctx.params.id ?? '';
        return {
          checks: [{ key: `outlook:${app}:${mailbox}`, limit: limits.outlookPerMailbox, cost: 1 }],
          concurrency: { key: `outlook:${app}:${mailbox}`, max: limits.outlookConcurrency, code: 'MailboxConcurrency' },
        };
      }
      case 'intune':
        return { checks: [{ key: `intune:${app}`, limit: limits.intune, cost: 1 }, ...(write ? [{ key: `intune-write:${app}`, limit: limits.intuneWrites, cost: 1 }] : [])] };
      case 'teams':
        return { checks: [{ key: `teams:${app}`, limit: limits.teams, cost: 1 }] };
      case 'files':
        return { checks: [{ key: `files:${app}`, limit: limits.files, cost: route.cost ?? 1 }] };
    }
  }

  function throttled(route: Route, retryAfter: number, scope: string): GraphError {
    if (route.service === 'outlook') {
      return new GraphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'Retry-After': String(retryAfter) });
    }
    return new GraphError(429, 'TooManyRequests', `Too many requests. Please retry after ${retryAfter} seconds.`, {
      'Retry-After': String(retryAfter),
      'x-ms-throttle-scope': scope,
      'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
    });
  }

  function statusFault(kind: FaultKind, retryAfter: number): GraphError | null {
    if (kind === '429') return new GraphError(429, 'TooManyRequests', 'Too many requests. Please retry after some time.', { 'Retry-After': String(retryAfter) });
    if (kind === '503') return new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry after a delay.', { 'Retry-After': String(retryAfter) });
    if (kind === '504') return new GraphError(504, 'timeout', 'The operation timed out before it could be completed.');
    return null;
  }

  async function run(req: GraphRequest, opts: { fault?: FaultKind | null; latency?: boolean }): Promise<GraphResponse> {
    const r = rt();
    const { route, params } = match(req);
    const ctx: GraphContext = { req, params, store: r.store, rt: r, base: `${r.url}/${req.version}` };
    const perms = req.caller.permissions;
    const extra = route.extraPerms?.(ctx);
    if (!route.perms.some((p) => perms.has(p)) || (extra && !extra.some((p) => perms.has(p)))) {
      throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    }
    const { checks, concurrency } = throttleChecks(ctx, route);
    const short = r.realism.throttle.take(checks);
    if (short) throw throttled(route, short.retryAfterSeconds, `Tenant_Application/${req.method === 'GET' ? 'Read' : 'ReadWrite'}/${req.caller.appId}/${r.tenant.id}`);
    const fault = opts.fault && r.realism.config.faults ? statusFault(opts.fault, r.realism.config.faults.retryAfterSeconds) : null;
    if (fault) throw fault;
    if (concurrency && !r.realism.throttle.enter(concurrency.key, concurrency.max)) throw throttled(route, 1, concurrency.key);
    try {
      if (opts.latency) await r.realism.sleep();
      return await route.handle(ctx);
    } finally {
      if (concurrency) r.realism.throttle.leave(concurrency.key);
    }
  }

  return {
    routes,
    async dispatch(req, opts = {}) {
      let res: GraphResponse;
      try {
        res = await run(req, opts);
      } catch (err) {
        if (!(err instanceof GraphError)) {
          console.error('simulated Graph: unexpected error', err);
          err = new GraphError(500, 'generalException', 'An internal server error occurred.');
        }
        res = errorResponse(req, err as GraphError);
      }
      if (req.method !== 'GET' && req.path !== '/$batch') {
        rt().log.add({
          service: 'graph',
          method: req.method,
          path: req.path + (req.query.size ? `?${req.query}` : ''),
          parameters: req.body ?? null,
          status: res.status,
          requestId: req.batch?.requestId ?? req.requestId,
          clientRequestId: req.clientRequestId,
          appId: req.caller.appId,
          ...(req.batch ? { batch: req.batch } : {}),
        });
      }
      return res;
    },
  };
}
