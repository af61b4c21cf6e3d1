import type { Caller } from '../auth.js';
import type { SimRuntime } from '../runtime.js';
import type { TenantStore } from '../tenant/store.js';

export type GraphVersion = 'v1.0' | 'beta';
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Which Microsoft service answers a route: decides its throttling limits and error dialect. */
export type GraphService = 'identity' | 'outlook' | 'intune' | 'teams' | 'files' | 'authMethods';

export interface GraphRequest {
  method: string;
  version: GraphVersion;
  /** After the version, normalised (`users('x')` -> `users/x`), starting with '/'. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
  body: unknown;
  requestId: string;
  clientRequestId: string;
  caller: Caller;
  /** Set for a $batch sub-request: the batch's request-id and the sub-request id. */
  batch?: { requestId: string; id: string };
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface GraphContext {
  req: GraphRequest;
  params: Record<string, string>;
  store: TenantStore;
  rt: SimRuntime;
  /** e.g. https://127.0.0.1:4443/v1.0 */
  base: string;
}

export interface Route {
  method: HttpMethod;
  /** e.g. '/users/{id}/manager/$ref'; literal segments match case-insensitively. */
  path: string;
  /** Any one of these application permissions is enough. */
  perms: readonly string[];
  service?: GraphService;
  /** Base resource-unit cost for identity throttling (Microsoft's table; default 1). */
  cost?: number;
  /** Only on these versions (default both). */
  versions?: GraphVersion[];
  /** Extra permissions needed for some requests (e.g. reading employeeLeaveDateTime). */
  extraPerms?: (ctx: GraphContext) => readonly string[] | null;
  handle(ctx: GraphContext): GraphResponse | Promise<GraphResponse>;
}

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (id: string) =>
  new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

export const badRequest = (message: string, code = 'Request_BadRequest') => new GraphError(400, code, message);

export const ok = (body: unknown, status = 200): GraphResponse => ({ status, body });
export const noContent = (): GraphResponse => ({ status: 204 });
