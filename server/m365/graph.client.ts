import { Client, GraphError, HTTPMessageHandler, type Context, type Middleware, type MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { M365Error, M365Unavailable, type CallRecord, type TenantCredentials } from './m365.types.js';
import type { Transport } from './transport.js';

/**
 * A @microsoft/microsoft-graph-client Client for one tenant whose middleware does what the
 * transport promises: the tenant's app-only token, the concurrency caps, retries with
 * Retry-After and jitter, and a call record with Microsoft's request-id.
 */

/** Per-request option: the object was just written; a 404 may be Graph's replication lag. */
export class ReadAfterWrite implements MiddlewareOptions {}
/** Per-request option: this POST may be sent twice without harm (see SendOptions.resendable). */
export class Resendable implements MiddlewareOptions {}

class OfframpMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(
    private readonly transport: Transport,
    private readonly creds: TenantCredentials,
    private readonly onCall: ((call: CallRecord) => void) | undefined,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const method = context.options?.method ?? 'GET';
    const target = new URL(url).pathname.replace(/^\/(v1\.0|beta)(?=\/)/, '');
    const retryNotFound = Boolean(context.middlewareControl?.getMiddlewareOptions(ReadAfterWrite));
    const resendable = method.toUpperCase() !== 'POST' || Boolean(context.middlewareControl?.getMiddlewareOptions(Resendable));
    const resource = this.transport.resourceFor('graph');
    await carried(() => this.transport.withRetries(this.creds.tenantId, { service: 'graph', method, target, retryNotFound, resendable, onCall: this.onCall }, async (signal) => {
      const token = await this.transport.token(this.creds, resource);
      const options = (context.options ??= {});
      const headers = new Headers(options.headers as HeadersInit | undefined);
      headers.set('Authorization', `Bearer ${token}`);
      headers.set('client-request-id', crypto.randomUUID());
      options.headers = Object.fromEntries(headers.entries());
      options.signal = signal;
      await this.next!.execute(context);
      return context.response!;
    }));
  }
}

/**
 * The Graph client turns whatever a middleware throws into a GraphError holding only the
 * error's name and `toString()`. Our errors travel through it as JSON and come back whole
 * in `fromGraphError` (status, code, request id: a refused credential stays a refusal).
 */
const CARRIED = 'OfframpCarriedError';
class CarriedError extends Error {
  constructor(readonly original: M365Error | M365Unavailable) {
    super(original.message);
    this.name = CARRIED;
  }
  override toString(): string {
    const o = this.original;
    return JSON.stringify(o instanceof M365Error ? { kind: 'error', status: o.status, code: o.code, message: o.message, requestId: o.requestId } : { kind: 'unavailable', message: o.message, requestId: o.requestId });
  }
}

async function carried<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof M365Error || err instanceof M365Unavailable) throw new CarriedError(err);
    throw err;
  }
}

export function graphClient(transport: Transport, creds: TenantCredentials, onCall?: (call: CallRecord) => void): Client {
  const base = new URL(transport.endpoints.graphBaseUrl);
  const first = new OfframpMiddleware(transport, creds, onCall);
  first.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({
    middleware: first,
    baseUrl: `${base.origin}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([base.hostname]),
  });
}

/** Runs a Graph client call, turning its errors into ours. */
export async function graph<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw fromGraphError(err);
  }
}

export function fromGraphError(err: unknown): Error {
  if (err instanceof M365Error || err instanceof M365Unavailable) return err;
  if (err instanceof GraphError) {
    if (err.code === CARRIED) {
      const o = JSON.parse(String(err.body)) as { kind: string; status: number; code: string; message: string; requestId: string | null };
      return o.kind === 'error' ? new M365Error(o.status, o.code, o.message, o.requestId) : new M365Unavailable(o.message, o.requestId, { cause: err });
    }
    if (err.statusCode === -1) {
      // No answer at all (the client could not send the request).
      const text = String(err.body ?? err.message).replace(/^M365\w+: /, '');
      return new M365Unavailable(text || 'Microsoft Graph could not be reached.', err.requestId ?? null, { cause: err });
    }
    const requestId = err.requestId ?? err.headers?.get('request-id') ?? null;
    if ([429, 503, 504].includes(err.statusCode)) return new M365Unavailable(err.message, requestId, { cause: err });
    return new M365Error(err.statusCode, err.code ?? 'error', err.message, requestId);
  }
  return err instanceof Error ? err : new Error(String(err));
}
