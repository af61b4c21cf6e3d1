import { errorBody, normalisePath, type Dispatcher } from './dispatch.js';
import { GRAPH_ROLES } from '../tenant/catalogue.js';
import { badRequest, GraphError, ok, type GraphContext, type GraphRequest, type GraphResponse, type Route } from './types.js';

/**
 * JSON batching (POST /$batch): up to 20 requests, each answered with its own status, headers
 * and body; `dependsOn` orders them (a request whose dependency failed gets 424). Requests
 * without dependencies run concurrently. Each sub-request is authorised, throttled and logged
 * on its own; the batch answers 200 even when some of its requests fail.
 */

interface SubRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

export const MAX_BATCH = 20;

function parseBatch(body: unknown): SubRequest[] {
  const requests = (body as { requests?: unknown } | undefined)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  if (requests.length > MAX_BATCH) throw new GraphError(400, 'BadRequest', `Invalid batch payload format: a batch can hold at most ${MAX_BATCH} requests.`);
  const ids = new Set<string>();
  for (const r of requests as SubRequest[]) {
    if (!r || typeof r.id !== 'string' || !r.id || typeof r.method !== 'string' || typeof r.url !== 'string') {
      throw new GraphError(400, 'BadRequest', 'Invalid batch payload format: every request needs an id, a method and a url.');
    }
    if (ids.has(r.id)) throw new GraphError(400, 'BadRequest', `Invalid batch payload format: request id '${r.id}' is used twice.`);
    ids.add(r.id);
  }
  for (const r of requests as SubRequest[]) {
    for (const d of r.dependsOn ?? []) if (!ids.has(d) || d === r.id) throw new GraphError(400, 'BadRequest', `Invalid batch payload format: request '${r.id}' depends on unknown request '${d}'.`);
  }
  return requests as SubRequest[];
}

function toGraphRequest(outer: GraphRequest, sub: SubRequest): GraphRequest {
  const url = new URL(sub.url.replace(new RegExp(`^/?${outer.version.replace('.', '\\.')}(?=/)`), ''), 'https://graph.invalid/');
  const headers = Object.fromEntries(Object.entries(sub.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    method: sub.method.toUpperCase(),
    version: outer.version,
    path: normalisePath(url.pathname),
    query: url.searchParams,
    headers,
    body: sub.body,
    requestId: outer.requestId,
    clientRequestId: outer.clientRequestId,
    caller: outer.caller,
    batch: { requestId: outer.requestId, id: sub.id },
  };
}

function subResponse(id: string, res: GraphResponse) {
  const headers: Record<string, string> = { ...(res.headers ?? {}) };
  if (res.body !== undefined) headers['Content-Type'] = 'application/json';
  return { id, status: res.status, headers, ...(res.body !== undefined ? { body: res.body } : {}) };
}

export function batchRoute(dispatcher: () => Dispatcher): Route {
  return {
    method: 'POST',
    path: '/$batch',
    perms: [...GRAPH_ROLES],
    handle: async (ctx: GraphContext) => {
      const subs = parseBatch(ctx.req.body);
      const results = new Map<string, Promise<GraphResponse>>();
      const run = (sub: SubRequest): Promise<GraphResponse> => {
        let p = results.get(sub.id);
        if (p) return p;
        p = (async () => {
          const deps = await Promise.all((sub.dependsOn ?? []).map((d) => run(subs.find((s) => s.id === d)!)));
          const req = toGraphRequest(ctx.req, sub);
          const fail = (status: number, code: string, message: string): GraphResponse => ({ status, body: errorBody(req, code, message) });
          if (deps.some((d) => d.status >= 400)) return fail(424, 'FailedDependency', 'The request could not run because a request it depends on failed.');
          if (req.path === '/$batch') return fail(400, 'BadRequest', 'A batch cannot contain another batch.');
          if (sub.body !== undefined && !req.headers['content-type']) return fail(400, 'BadRequest', 'A request with a body needs a Content-Type header.');
          return dispatcher().dispatch(req, { fault: ctx.rt.realism.fault('graph', req.path, true) });
        })();
        results.set(sub.id, p);
        return p;
      };
      const cyclic = subs.some((s) => dependsOnItself(subs, s.id));
      if (cyclic) throw badRequest('Invalid batch payload format: the dependsOn chain has a cycle.', 'BadRequest');
      const responses = await Promise.all(subs.map(async (s) => subResponse(s.id, await run(s))));
      return ok({ responses });
    },
  };
}

function dependsOnItself(subs: SubRequest[], start: string): boolean {
  const seen = new Set<string>();
  const walk = (id: string): boolean => {
    for (const d of subs.find((s) => s.id === id)?.dependsOn ?? []) {
      if (d === start) return true;
      if (!seen.has(d)) {
        seen.add(d);
        if (walk(d)) return true;
      }
    }
    return false;
  };
  return walk(start);
}
