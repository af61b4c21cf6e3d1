import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Caller } from '../auth.js';
import type { SimRuntime } from '../runtime.js';
import { deviceCmdlets } from './cmdlets/devices.js';
import { folderCmdlets } from './cmdlets/folders.js';
import { groupCmdlets } from './cmdlets/groups.js';
import { mailboxCmdlets } from './cmdlets/mailbox.js';
import { permissionCmdlets } from './cmdlets/permissions.js';
import { bindingError, ExchangeError } from './errors.js';
import { resolveMailbox } from './recipients.js';
import { COMMON, type Cmdlet, type Output, type ParamSpec, type Params } from './types.js';

/**
 * The Exchange Online admin API: POST /adminapi/beta/{tenantId}/InvokeCommand with
 * `{"CmdletInput":{"CmdletName":"Get-Mailbox","Parameters":{…}}}`, answered as the REST-based
 * ExchangeOnlineManagement module receives it: `{"@odata.context", "value": [...]}`, warnings
 * in `@adminapi.warnings`, pages of `Prefer: odata.maxpagesize` (default 1000) followed by
 * POSTing the same body to `@odata.nextLink`. Needs an app-only token for
 * https://outlook.office365.com with the Exchange.ManageAsApp role.
 */

export const CMDLETS: Cmdlet[] = [...mailboxCmdlets, ...permissionCmdlets, ...folderCmdlets, ...groupCmdlets, ...deviceCmdlets];
const byName = new Map(CMDLETS.map((c) => [c.name.toLowerCase(), c]));

function coerce(name: string, spec: ParamSpec, value: unknown): unknown {
  const bad = () => bindingError(`Cannot bind parameter '${name}'. Cannot convert value "${String(value)}" to the type the parameter needs.`);
  switch (spec.type) {
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (/^\$?(true|false)$/i.test(String(value))) return /true/i.test(String(value));
      throw bad();
    case 'strings':
      if (Array.isArray(value)) return value.map(String);
      if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
      throw bad();
    case 'resultSize':
      if (/^unlimited$/i.test(String(value))) return 'Unlimited';
      if (Number.isInteger(Number(value)) && Number(value) > 0) return Number(value);
      throw bad();
    case 'string': {
      if (value === null || typeof value === 'object') throw bad();
      const s = String(value);
      if (spec.values && !spec.values.some((v) => v.toLowerCase() === s.toLowerCase())) {
        throw bindingError(`Cannot validate argument on parameter '${name}'. The argument "${s}" does not belong to the set "${spec.values.join(',')}" specified by the ValidateSet attribute.`);
      }
      return s;
    }
    default:
      return value;
  }
}

function bind(cmdlet: Cmdlet, given: unknown): Params {
  if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) throw bindingError('Parameters must be an object.');
  const specs = { ...COMMON, ...cmdlet.params };
  const out: Params = {};
  for (const [key, value] of Object.entries((given ?? {}) as Record<string, unknown>)) {
    const name = Object.keys(specs).find((k) => k.toLowerCase() === key.toLowerCase());
    if (!name) throw bindingError(`A parameter cannot be found that matches parameter name '${key}'.`);
    out[name] = coerce(name, specs[name]!, value);
  }
  const missing = Object.entries(cmdlet.params).filter(([k, s]) => s.required && out[k] === undefined).map(([k]) => k);
  if (missing.length) throw bindingError(`Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`);
  return out;
}

interface Invocation {
  cmdlet: Cmdlet;
  params: Params;
}

function parseInput(body: unknown): Invocation {
  const input = (body as { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } } | undefined)?.CmdletInput;
  if (!input || typeof input.CmdletName !== 'string') {
    throw new ExchangeError(400, 'BadRequest', 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', "The request body must be {\"CmdletInput\":{\"CmdletName\":…,\"Parameters\":{…}}}.");
  }
  const cmdlet = byName.get(input.CmdletName.toLowerCase());
  if (!cmdlet) {
    throw new ExchangeError(400, 'BadRequest', 'System.Management.Automation.CommandNotFoundException', `The term '${input.CmdletName}' is not recognized as the name of a cmdlet, function, script file, or operable program.`);
  }
  return { cmdlet, params: bind(cmdlet, input.Parameters) };
}

export function exchangeRouter(rt: () => SimRuntime): Router {
  const router = express.Router();
  router.post('/adminapi/beta/:tenant/InvokeCommand', express.raw({ type: () => true, limit: '1mb' }), async (req: Request, res: Response) => {
    const r = rt();
    const requestId = randomUUID();
    res.setHeader('request-id', requestId);
    res.setHeader('X-CalculatedBETarget', 'AM0PR01MB0001.eurprd01.prod.outlook.com');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      res.status(status).type('application/json; odata.metadata=minimal; charset=utf-8').send(JSON.stringify(body));
    };
    const tenant = String(req.params.tenant).toLowerCase();
    if (tenant !== r.tenant.id && tenant !== r.tenant.defaultDomain && !tenant.endsWith('.onmicrosoft.com')) {
      return send(404, { error: { code: 'NotFound', message: `The tenant '${req.params.tenant}' was not found.` } });
    }
    const auth = await r.verify(req.header('authorization'), 'exchange');
    if (!auth.ok) {
      res.setHeader('WWW-Authenticate', `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", error="invalid_token"`);
      return send(401, { error: { code: 'Unauthorized', message: auth.message } });
    }
    if (!auth.caller.permissions.has('Exchange.ManageAsApp')) {
      return send(403, { error: { code: 'Forbidden', message: "The role assigned to application isn't supported in this scenario. Grant the Exchange.ManageAsApp application permission." } });
    }
    let invocation: Invocation | undefined;
    let status = 200;
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      let body: unknown;
      try {
        body = raw.trim() ? JSON.parse(raw) : undefined;
      } catch {
        throw new ExchangeError(400, 'BadRequest', 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', 'The request body is not valid JSON.');
      }
      invocation = parseInput(body);
      const fault = r.realism.fault('exchange', invocation.cmdlet.name);
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === 'timeout') {
        await new Promise((ok) => setTimeout(ok, r.realism.config.faults?.timeoutMs ?? 10_000));
        return void req.socket.destroy();
      }
      const out = await run(r, auth.caller, invocation, fault, req);
      if (fault === 'lost-response') {
        log(r, auth.caller, invocation, 200, requestId);
        return void req.socket.destroy();
      }
      send(200, out.body, out.headers);
    } catch (err) {
      const e = err instanceof ExchangeError ? err : new ExchangeError(500, 'InternalServerError', 'System.Exception', 'An internal error occurred.');
      if (!(err instanceof ExchangeError)) console.error('simulated Exchange: unexpected error', err);
      status = e.status;
      send(e.status, e.body(), e.headers);
    }
    if (invocation) log(r, auth.caller, invocation, status, requestId);
  });
  return router;
}

function log(r: SimRuntime, caller: Caller, inv: Invocation, status: number, requestId: string): void {
  if (inv.cmdlet.name.startsWith('Get-')) return;
  r.log.add({ service: 'exchange', method: 'POST', cmdlet: inv.cmdlet.name, parameters: inv.params, status, requestId, clientRequestId: null, appId: caller.appId });
}

async function run(r: SimRuntime, caller: Caller, inv: Invocation, fault: string | null, req: Request): Promise<{ body: unknown; headers: Record<string, string> }> {
  const retry = String(r.realism.config.faults?.retryAfterSeconds ?? 1);
  if (fault === '429') throw new ExchangeError(429, 'TooManyRequests', 'Microsoft.Exchange.Data.Storage.ServerBusyException', 'The server is busy. Please try again later.', { 'Retry-After': retry });
  if (fault === '503') throw new ExchangeError(503, 'ServiceUnavailable', 'Microsoft.Exchange.Data.Storage.ConnectionFailedTransientException', 'The service is temporarily unavailable. Please try again later.', { 'Retry-After': retry });
  if (fault === '504') throw new ExchangeError(504, 'GatewayTimeout', 'System.TimeoutException', 'The operation has timed out.');

  // Per-mailbox budget: the mailbox the cmdlet targets (or the anchor mailbox the module sends).
  const limits = r.realism.config.throttle;
  const target = inv.cmdlet.target ? inv.params[inv.cmdlet.target] : undefined;
  let key: string | null = null;
  if (limits) {
    let mailbox = req.header('x-anchormailbox') ?? 'organization';
    if (target !== undefined) {
      try {
        mailbox = resolveMailbox(r.store, String(target).split(':\\')[0]).user.id;
      } catch {
        // an unknown mailbox fails in the cmdlet itself
      }
    }
    key = `exchange:${caller.appId}:${mailbox}`;
    const busy = (seconds: number) =>
      new ExchangeError(429, 'TooManyRequests', 'Microsoft.Exchange.Data.Storage.ServerBusyException', `Exchange is busy processing requests for this mailbox. Retry after ${seconds} seconds.`, { 'Retry-After': String(seconds) });
    const short = r.realism.throttle.take([{ key, limit: limits.exchangePerMailbox, cost: 1 }]);
    if (short) throw busy(short.retryAfterSeconds);
    if (!r.realism.throttle.enter(key, limits.exchangeConcurrency)) throw busy(1);
  }
  try {
    await r.realism.sleep();
    const warnings: string[] = [];
    const output: Output = inv.cmdlet.run({ store: r.store, rt: r, caller, params: inv.params, warnings });
    return page(r, req, output, warnings);
  } finally {
    if (key) r.realism.throttle.leave(key);
  }
}

function page(r: SimRuntime, req: Request, out: Output, warnings: string[]): { body: unknown; headers: Record<string, string> } {
  const url = new URL(req.originalUrl, r.url);
  const offset = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
  const size = Math.max(1, Math.min(1000, Number(req.header('prefer')?.match(/odata\.maxpagesize\s*=\s*(\d+)/i)?.[1] ?? 1000)));
  const select = url.searchParams.get('$select')?.split(',').map((s) => s.trim()).filter(Boolean);
  const value = out.rows.slice(offset, offset + size).map((row) => {
    const o = out.render(row);
    return select ? Object.fromEntries(select.map((k) => [k, o[k] ?? null])) : o;
  });
  const body: Record<string, unknown> = { '@odata.context': `${r.url}/adminapi/beta/${r.tenant.id}/$metadata#Collection(Exchange.GenericHashTable)` };
  if (offset + size < out.rows.length) {
    url.searchParams.set('$skiptoken', String(offset + size));
    body['@odata.nextLink'] = `${r.url}${url.pathname}?${url.searchParams.toString().replace(/%24/g, '$')}`;
  }
  if (warnings.length) {
    body['adminapi.warnings@odata.type'] = '#Collection(String)';
    body['@adminapi.warnings'] = warnings;
  }
  body.value = value;
  return { body, headers: {} };
}
