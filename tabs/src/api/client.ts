/**
 * The tabs' only way to the server: JSON over fetch to the same origin's /api/v1.
 * Every failure becomes an ApiError with a message fit to show a person, whether the
 * server answered with its error body `{ error: { code, message, details } }`, answered
 * with something else, or could not be reached at all.
 */

export const API_BASE = '/api/v1';

/** How long a request may take before it fails with code 'timeout'. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The error body every /api route sends with a 4xx or 5xx. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status, or 0 when no answer came (network failure, timeout). */
    readonly status: number,
    /** Machine-readable: the server's code, or network_error / timeout / invalid_response / http_error. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** The server's request id, to quote when reporting a problem. */
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True when the server was never reached (or did not answer in time). */
  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

/** A message for any thrown value, for showing to a person. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  if (typeof err === 'string' && err) return err;
  return 'Something went wrong.';
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  /** Query-string parameters; null and undefined values are left out. */
  query?: Record<string, QueryValue | readonly QueryValue[]>;
  headers?: HeadersInit;
  signal?: AbortSignal;
  /** Defaults to DEFAULT_TIMEOUT_MS; 0 for none. */
  timeoutMs?: number;
  /**
   * A 401 answer is expected (e.g. asking whether there is a session): do not tell the
   * app that the person was signed out.
   */
  expectUnauthenticated?: boolean;
}

// ---- how requests are authenticated ------------------------------------------------------
//
// Inside Teams the SessionProvider hands us a Teams SSO token: every call sends it as a
// bearer token and a 401 fetches a fresh one once. Outside Teams the browser's cookie
// session carries the person; every call that changes something sends the session's
// CSRF token in `x-csrf-token`.

interface AuthState {
  bearer: string | null;
  refreshBearer: (() => Promise<string | null>) | null;
  csrfToken: string | null;
}

const auth: AuthState = { bearer: null, refreshBearer: null, csrfToken: null };
const unauthenticatedListeners = new Set<(err: ApiError) => void>();

/** Sends `Authorization: Bearer <token>` from now on; `refresh` gets a new token after a 401. */
export function setBearerAuth(token: string, refresh: () => Promise<string | null>): void {
  auth.bearer = token;
  auth.refreshBearer = refresh;
  auth.csrfToken = null;
}

/** Uses the cookie session from now on, sending `csrfToken` with every non-GET call. */
export function setCookieAuth(csrfToken: string | null): void {
  auth.bearer = null;
  auth.refreshBearer = null;
  auth.csrfToken = csrfToken;
}

/** Which credentials calls carry now. */
/** Any failure as an ApiError, so that every page shows errors the same way. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'unexpected', err instanceof Error ? err.message : 'Something went wrong.', undefined, undefined, { cause: err });
}

export function authTransport(): 'bearer' | 'cookie' {
  return auth.bearer ? 'bearer' : 'cookie';
}

/** The headers that authenticate a request of `method`: for fetches made outside apiGet & co. */
export function authHeaders(method = 'GET'): Record<string, string> {
  if (auth.bearer) return { Authorization: `Bearer ${auth.bearer}` };
  if (method !== 'GET' && method !== 'HEAD' && auth.csrfToken) return { 'x-csrf-token': auth.csrfToken };
  return {};
}

/** Called when the server answers 401 to a call that expected a session (the person was signed out). */
export function onUnauthenticated(listener: (err: ApiError) => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** `/meta` or `meta` or `/api/v1/meta` -> `/api/v1/meta`, with the query appended. */
export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const clean = path.startsWith(API_BASE + '/') || path === API_BASE ? path : `${API_BASE}/${path.replace(/^\/+/, '')}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) if (v !== null && v !== undefined) params.append(key, String(v));
  }
  const qs = params.toString();
  return qs ? `${clean}${clean.includes('?') ? '&' : '?'}${qs}` : clean;
}

function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

function isTimeoutError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'TimeoutError';
}

function combineSignals(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal | undefined {
  const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
  if (!signal) return timeout;
  if (!timeout) return signal;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([signal, timeout]);
  return signal;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

function statusText(res: Response): string {
  return `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
}

/** The ApiError for a 4xx/5xx answer, from the server's error body when it sent one. */
function errorFromResponse(method: string, url: string, res: Response, text: string, requestId?: string): ApiError {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    const { code, message, details } = body.error;
    return new ApiError(res.status, code, message, details, body.error.requestId || requestId);
  }
  const route = `${method} ${url.split('?')[0]}`;
  let message: string;
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    message = `The Offramp server is not available right now (${statusText(res)}). Try again in a moment.`;
  } else if (res.status === 401 || res.status === 403) {
    message = `You are not allowed to do this (${statusText(res)} for ${route}). Sign in again or ask an admin.`;
  } else if (res.status === 404) {
    message = `The server has no ${route} (${statusText(res)}). The server and these pages may be different versions: reload the page.`;
  } else {
    message = `The server could not complete ${route} (${statusText(res)}).`;
  }
  return new ApiError(res.status, 'http_error', message, undefined, requestId);
}

async function request<T>(method: string, path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
  const bearerUsed = auth.bearer;
  try {
    return await send<T>(method, path, body, opts);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    // A Teams token expires after about an hour: get a fresh one and try once more.
    if (bearerUsed && auth.refreshBearer) {
      const fresh = await auth.refreshBearer().catch(() => null);
      if (fresh) {
        auth.bearer = fresh;
        try {
          return await send<T>(method, path, body, opts);
        } catch (again) {
          if (again instanceof ApiError && again.status === 401 && !opts.expectUnauthenticated) {
            for (const listener of unauthenticatedListeners) listener(again);
          }
          throw again;
        }
      }
    }
    if (!opts.expectUnauthenticated) for (const listener of unauthenticatedListeners) listener(err);
    throw err;
  }
}

async function send<T>(method: string, path: string, body: unknown, opts: RequestOptions): Promise<T> {
  const url = apiUrl(path, opts.query);
  const headers = new Headers(opts.headers);
  for (const [name, value] of Object.entries(authHeaders(method))) if (!headers.has(name)) headers.set(name, value);
  headers.set('Accept', 'application/json');
  // The audit trail records where a change came from: these pages say "tab".
  headers.set('x-offramp-client', 'tab');
  let payload: string | undefined;
  if (body instanceof CsvBody) {
    headers.set('Content-Type', 'text/csv');
    payload = body.text;
  } else if (body !== undefined) {
    headers.set('Content-Type', 'application/json');
    payload = JSON.stringify(body);
  }
  const signal = combineSignals(opts.signal, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', signal });
    text = await res.text();
  } catch (err) {
    if (opts.signal?.aborted) throw err; // the caller cancelled: not an error to show
    if (isTimeoutError(err) || isAbortError(err)) {
      throw new ApiError(0, 'timeout', 'The Offramp server took too long to answer. Try again in a moment.', undefined, undefined, {
        cause: err,
      });
    }
    throw new ApiError(
      0,
      'network_error',
      'Could not reach the Offramp server. Check your connection and try again.',
      undefined,
      undefined,
      { cause: err },
    );
  }

  const requestId = res.headers.get('x-request-id') ?? undefined;
  if (!res.ok) throw errorFromResponse(method, url, res, text, requestId);
  if (res.status === 204 || text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new ApiError(
      res.status,
      'invalid_response',
      `The answer to ${method} ${url.split('?')[0]} was not JSON. Is the Offramp API running at this address?`,
      undefined,
      requestId,
      { cause: err },
    );
  }
}

/** A body sent as it is, as text/csv (file imports), rather than as JSON. */
class CsvBody {
  constructor(readonly text: string) {}
}

export const apiGet = <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts);
export const apiPost = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body, opts);
export const apiPut = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body, opts);
export const apiPatch = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts);
export const apiDelete = <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts);
export const apiPostCsv = <T>(path: string, csv: string, opts?: RequestOptions) => request<T>('POST', path, new CsvBody(csv), opts);

// ---- typed calls -----------------------------------------------------------------------

/** GET /api/v1/meta: what the server is and how it runs. */
export interface Meta {
  name: 'Offramp';
  version: string;
  /** demo: a simulated Microsoft 365 tenant stands in for a real one. */
  mode: 'demo' | 'production';
  store: 'embedded' | 'server';
  /** The server's clock, ISO 8601. */
  time: string;
  /** How people sign in: through Microsoft Entra, or as a person of the simulated tenant. */
  auth?: { mode: 'demo' | 'microsoft' };
}

export async function getMeta(opts?: RequestOptions): Promise<Meta> {
  const meta = await apiGet<Meta>('/meta', opts);
  if (
    typeof meta !== 'object' ||
    meta === null ||
    typeof meta.version !== 'string' ||
    (meta.mode !== 'demo' && meta.mode !== 'production')
  ) {
    throw new ApiError(200, 'invalid_response', 'The server answered /api/v1/meta with something that is not Offramp metadata.');
  }
  return meta;
}
