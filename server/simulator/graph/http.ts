import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { SimRuntime } from '../runtime.js';
import { errorBody, JSON_TYPE, normalisePath, type Dispatcher } from './dispatch.js';
import type { GraphResponse, GraphVersion } from './types.js';

/**
 * The https front door of Microsoft Graph (`/v1.0/…`, `/beta/…`): request ids, the JSON body,
 * the bearer token, connection-level faults, then the dispatcher.
 */

export function graphRouter(rt: () => SimRuntime, dispatcher: Dispatcher): Router {
  const router = express.Router();
  router.all(/^\/(v1\.0|beta)(\/.*)?$/, express.raw({ type: () => true, limit: '4mb' }), async (req: Request, res: Response) => {
    const r = rt();
    const version = req.params[0] as GraphVersion;
    const requestId = randomUUID();
    const clientRequestId = req.header('client-request-id') ?? requestId;
    res.setHeader('request-id', requestId);
    res.setHeader('client-request-id', clientRequestId);
    res.setHeader('x-ms-ags-diagnostic', JSON.stringify({ ServerInfo: { DataCenter: 'Simulated', Slice: 'E', Ring: '5', ScaleUnit: '000', RoleInstance: 'SIM' } }));
    const ids = { requestId, clientRequestId };
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) => send(res, { status, headers, body: errorBody(ids, code, message) });

    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let body: unknown;
    if (raw.trim()) {
      try {
        body = JSON.parse(raw);
      } catch {
        return fail(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
      }
    }
    const auth = await r.verify(req.header('authorization'), 'graph');
    if (!auth.ok) {
      return fail(401, 'InvalidAuthenticationToken', auth.message, {
        'WWW-Authenticate': `Bearer realm="", authorization_uri="${r.url}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      });
    }
    const url = new URL(req.originalUrl, 'https://graph.invalid');
    const path = normalisePath(url.pathname.replace(/^\/(v1\.0|beta)/, ''));
    const fault = r.realism.fault('graph', path);
    if (fault === 'reset') return req.socket.destroy();
    if (fault === 'timeout') {
      await new Promise((ok) => setTimeout(ok, r.realism.config.faults?.timeoutMs ?? 10_000));
      return req.socket.destroy();
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]));
    const out = await dispatcher.dispatch(
      { method: req.method.toUpperCase(), version, path, query: url.searchParams, headers, body, requestId, clientRequestId, caller: auth.caller },
      { fault, latency: true },
    );
    if (fault === 'lost-response') return req.socket.destroy();
    send(res, out);
  });
  return router;
}

function send(res: Response, out: GraphResponse): void {
  res.status(out.status);
  for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, v);
  if (out.body === undefined) {
    res.end();
    return;
  }
  if (typeof out.body === 'string') {
    res.end(out.body);
    return;
  }
  if (!res.getHeader('content-type')) res.setHeader('content-type', JSON_TYPE);
  res.end(JSON.stringify(out.body));
}
