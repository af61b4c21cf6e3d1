import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfidentialClientApplication } from '@azure/msal-node';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../log.js';
import { M365Error, M365Unavailable, type CallRecord, type TenantCredentials } from './m365.types.js';

/**
 * The one way Offramp talks to Microsoft: app-only tokens per tenant (MSAL client
 * credentials, cached until expiry), a concurrency cap per tenant and a global one, and
 * retries of 429/503/504 and network failures honouring Retry-After, with backoff and jitter.
 * Every call is recorded with Microsoft's request-id.
 */

export interface M365Endpoints {
  /** https://login.microsoftonline.com (or the simulated tenant) */
  authorityHost: string;
  /** https://graph.microsoft.com */
  graphBaseUrl: string;
  /** https://outlook.office365.com */
  exchangeBaseUrl: string;
}

/**
 * The resources tokens are asked for (`{resource}/.default`): Microsoft's application ID URIs,
 * which stay the same wherever the calls go (the simulated tenant checks them as Entra does).
 */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const EXCHANGE_RESOURCE = 'https://outlook.office365.com';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** Retries of a 404 right after a write (read-after-write delay). */
  notFoundRetries: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 400, maxDelayMs: 30_000, timeoutMs: 30_000, notFoundRetries: 4 };

export interface TransportOptions {
  endpoints: M365Endpoints;
  retry?: Partial<RetryPolicy>;
  perTenantConcurrency?: number;
  globalConcurrency?: number;
  log: Logger;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
  requestId: string | null;
}

export interface SendOptions {
  service: 'graph' | 'exchange';
  method: string;
  url: string;
  /** What the call record names: a path without query, or a cmdlet. */
  target: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Retry a 404 a few times: the object was just written and may not be readable yet. */
  retryNotFound?: boolean;
  /**
   * Whether sending the request twice does no harm (default: every method but POST). One that
   * is not — a device retire, a licence change, an Add-/Remove- cmdlet — is not sent again when
   * its answer may have been lost after Microsoft carried it out (a reset connection, a timeout,
   * a 504): the caller gets M365Unavailable and re-reads the tenant before trying again.
   */
  resendable?: boolean;
  onCall?: (call: CallRecord) => void;
}

const RETRYABLE = new Set([429, 503, 504]);
/** Network failures that happen before a request reaches anybody: always safe to send again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

function neverSent(err: Error): boolean {
  const code = (err as { code?: string }).code ?? ((err as { cause?: { code?: string } }).cause?.code);
  return Boolean(code && NOT_SENT.has(code));
}

/** Full jitter: a random wait up to the exponential bound (AWS architecture blog's recommendation). */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

export function retryAfterMs(headers: Headers): number | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

export function createTransport(opts: TransportOptions) {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const log = opts.log.child({ module: 'm365' });
  const global = pLimit(opts.globalConcurrency ?? 32);
  const perTenant = new Map<string, LimitFunction>();
  const apps = new Map<string, ConfidentialClientApplication>();

  function app(creds: TenantCredentials): ConfidentialClientApplication {
    // Keyed by a digest: the secret itself is not kept as a map key.
    const key = createHash('sha256').update(JSON.stringify([creds.tenantId, creds.clientId, creds.clientSecret ?? null, creds.certificate ?? null])).digest('hex');
    let cca = apps.get(key);
    if (!cca) {
      cca = new ConfidentialClientApplication({
        auth: {
          clientId: creds.clientId,
          ...(creds.certificate
            ? { clientCertificate: { thumbprintSha256: creds.certificate.thumbprintSha256, privateKey: creds.certificate.privateKeyPem } }
            : { clientSecret: creds.clientSecret }),
          authority: `${opts.endpoints.authorityHost}/${creds.tenantId}`,
          knownAuthorities: [new URL(opts.endpoints.authorityHost).host],
        },
        system: { loggerOptions: { piiLoggingEnabled: false, loggerCallback: () => undefined } },
      });
      apps.set(key, cca);
    }
    return cca;
  }

  /** An app-only access token for a resource (MSAL keeps it until it expires). */
  async function token(creds: TenantCredentials, resource: string): Promise<string> {
    try {
      const result = await app(creds).acquireTokenByClientCredential({ scopes: [`${resource}/.default`] });
      if (!result?.accessToken) throw new Error('no token');
      return result.accessToken;
    } catch (err) {
      const code = (err as { errorCode?: string }).errorCode ?? '';
      if (/invalid_client|unauthorized_client|invalid_tenant|AADSTS/.test(`${code} ${(err as Error).message}`)) {
        throw new M365Error(401, 'consent_or_credentials', `Microsoft refused Offramp's credentials for tenant ${creds.tenantId}: ${(err as Error).message}`, null);
      }
      throw new M365Unavailable(`Could not get a token for tenant ${creds.tenantId}: ${(err as Error).message}`, null, { cause: err });
    }
  }

  /** The resource a service's tokens are for. */
  function resourceFor(service: 'graph' | 'exchange'): string {
    return service === 'graph' ? GRAPH_RESOURCE : EXCHANGE_RESOURCE;
  }

  function limiter(tenantId: string): LimitFunction {
    let l = perTenant.get(tenantId);
    if (!l) {
      l = pLimit(opts.perTenantConcurrency ?? 8);
      perTenant.set(tenantId, l);
    }
    return l;
  }

  /**
   * Runs `attempt` (one request) under the tenant's and the global concurrency caps, again and
   * again while it is worth it: 429/503/504 (after Retry-After, or a jittered backoff), network
   * failures and timeouts, and — when asked — a 404 right after a write. Records the final call.
   */
  async function withRetries(
    tenantId: string,
    meta: Pick<SendOptions, 'service' | 'method' | 'target' | 'retryNotFound' | 'resendable' | 'onCall'>,
    attempt: (signal: AbortSignal) => Promise<{ status: number; headers: Headers }>,
  ): Promise<{ status: number; headers: Headers; attempts: number }> {
    const started = Date.now();
    let notFoundLeft = meta.retryNotFound ? policy.notFoundRetries : 0;
    let lastRequestId: string | null = null;
    let lastProblem = '';
    const resendable = meta.resendable ?? meta.method.toUpperCase() !== 'POST';
    /** The call's record, once it has ended (status 0: no answer). */
    const record = (status: number, attempts: number) =>
      meta.onCall?.({ service: meta.service, method: meta.method, target: meta.target, status, requestId: lastRequestId, attempts, ms: Date.now() - started });
    const answerLost = (n: number, problem: string) => {
      record(0, n);
      return new M365Unavailable(`The answer to ${meta.target} was lost (${problem}); Microsoft may have carried it out, so Offramp did not send it again.`, lastRequestId);
    };
    for (let n = 1; n <= policy.maxAttempts; n++) {
      const outcome = await limiter(tenantId)(() =>
        global(() => attempt(AbortSignal.timeout(policy.timeoutMs)).catch((err: unknown) => ({ error: err as Error }))),
      );
      if ('error' in outcome) {
        if (outcome.error instanceof M365Error) throw outcome.error;
        lastProblem = outcome.error.name === 'TimeoutError' ? 'timed out' : outcome.error.message;
        if (!resendable && !neverSent(outcome.error)) throw answerLost(n, lastProblem);
        log.debug({ target: meta.target, attempt: n, problem: lastProblem }, 'retrying after a network failure');
        if (n < policy.maxAttempts) await sleep(backoffMs(n, policy));
        continue;
      }
      lastRequestId = outcome.headers.get('request-id');
      const last = n === policy.maxAttempts;
      if (outcome.status === 504 && !resendable) throw answerLost(n, 'HTTP 504');
      if (RETRYABLE.has(outcome.status) && !last) {
        const wait = retryAfterMs(outcome.headers) ?? backoffMs(n, policy);
        lastProblem = `HTTP ${outcome.status}`;
        log.debug({ target: meta.target, status: outcome.status, attempt: n, waitMs: Math.round(wait) }, 'throttled or unavailable: retrying');
        await sleep(Math.min(wait, policy.maxDelayMs));
        continue;
      }
      if (outcome.status === 404 && notFoundLeft > 0 && !last) {
        notFoundLeft--;
        await sleep(backoffMs(n, policy) + 200);
        continue;
      }
      record(outcome.status, n);
      if (RETRYABLE.has(outcome.status)) {
        throw new M365Unavailable(`Microsoft kept answering ${outcome.status} to ${meta.target} after ${n} attempts.`, lastRequestId);
      }
      // A fetch Response keeps status and headers on its prototype: copy them, do not spread it.
      return { status: outcome.status, headers: outcome.headers, attempts: n };
    }
    record(0, policy.maxAttempts);
    throw new M365Unavailable(`Microsoft could not be reached for ${meta.target} (${lastProblem}) after ${policy.maxAttempts} attempts.`, lastRequestId);
  }

  /** A JSON request with retries (the Exchange admin API, and Graph's $batch). */
  async function send(creds: TenantCredentials, req: SendOptions): Promise<RawResponse> {
    const resource = resourceFor(req.service);
    let body: unknown = null;
    const res = await withRetries(creds.tenantId, req, async (signal) => {
      const accessToken = await token(creds, resource);
      const r = await fetch(req.url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          accept: 'application/json',
          'client-request-id': crypto.randomUUID(),
          ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...req.headers,
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
        redirect: 'manual',
      });
      const text = await r.text();
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      return r;
    });
    const requestId = res.headers.get('request-id');
    if (res.status >= 400) {
      const error = errorOf(body);
      throw new M365Error(res.status, error.code, error.message, requestId);
    }
    return { status: res.status, headers: res.headers, body, requestId };
  }

  return { send, withRetries, token, resourceFor, endpoints: opts.endpoints, policy };
}

export type Transport = ReturnType<typeof createTransport>;

/**
 * Graph's `{error:{code,message}}` and Exchange's error shapes, as one. Exchange's admin API says
 * only "Error executing cmdlet" at the top; what PowerShell would show is in
 * `details[0].message` as "{tag}|{exception type}|{message}": the exception's short name becomes
 * the code (e.g. ManagementObjectNotFoundException) and its message the message.
 */
export function errorOf(body: unknown): { code: string; message: string } {
  const e = (body as { error?: { code?: string; message?: string; details?: { message?: string }[] } } | null)?.error;
  if (e && typeof e === 'object') {
    const detail = Array.isArray(e.details) ? e.details[0]?.message : undefined;
    const parts = typeof detail === 'string' ? detail.split('|') : [];
    if (parts.length >= 3) {
      return { code: parts[1]!.split('.').pop() || (e.code ?? 'error'), message: parts.slice(2).join('|') };
    }
    return { code: e.code ?? 'error', message: e.message ?? 'Microsoft returned an error.' };
  }
  return { code: 'error', message: typeof body === 'string' && body ? body.slice(0, 300) : 'Microsoft returned an error.' };
}
