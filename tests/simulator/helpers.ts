import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGraphMetadata, type GraphMetadata } from '../../server/simulator/graph-metadata.js';
import type { SimApp } from '../../server/simulator/identity.js';
import type { RealismOptions } from '../../server/simulator/realism.js';
import { startSimulator, type Simulator } from '../../server/simulator/simulator.js';
import { silentLog } from '../support/stores.js';

/** Starting a simulated tenant in a test, and talking to it with plain fetch as a client would. */

export async function startTestSimulator(opts: { seed?: string; users?: number; realism?: RealismOptions } = {}): Promise<Simulator> {
  const sim = await startSimulator({
    tlsDir: process.env.SIMULATOR_TLS_DIR!,
    seed: opts.seed ?? 'fidelity',
    users: opts.users ?? 200,
    log: silentLog,
    browserBaseUrl: 'http://127.0.0.1:1',
    realism: 'none',
  });
  if (opts.realism) sim.configure(opts.realism);
  return sim;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // text/plain ($count)
  }
  return { status: res.status, headers: res.headers, body };
}

/** A Graph client bound to one app's token (the demo app, with every permission, by default). */
export async function graphClient(sim: Simulator, app?: SimApp) {
  const token = await sim.appToken('graph', app);
  const call = async (method: string, pathOrUrl: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${sim.url}/v1.0${pathOrUrl}`;
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return reply(res);
  };
  return {
    token,
    get: (p: string, headers?: Record<string, string>) => call('GET', p, undefined, headers),
    post: (p: string, body?: unknown, headers?: Record<string, string>) => call('POST', p, body ?? {}, headers),
    patch: (p: string, body: unknown) => call('PATCH', p, body),
    put: (p: string, body: unknown) => call('PUT', p, body),
    del: (p: string) => call('DELETE', p),
    /** Follows @odata.nextLink to the end; returns every item and the last page. */
    async all(p: string, headers?: Record<string, string>) {
      const items: any[] = [];
      let next: string | undefined = p;
      let last: Reply | undefined;
      while (next) {
        last = await call('GET', next, undefined, headers);
        if (last.status !== 200) throw new Error(`GET ${next}: ${last.status} ${JSON.stringify(last.body)}`);
        items.push(...last.body.value);
        next = last.body['@odata.nextLink'];
      }
      return { items, last: last! };
    },
  };
}

export type GraphClient = Awaited<ReturnType<typeof graphClient>>;

/** An Exchange admin API client (InvokeCommand). */
export async function exchangeClient(sim: Simulator, app?: SimApp) {
  const token = await sim.appToken('exchange', app);
  const invoke = async (cmdlet: string, parameters: Record<string, unknown> = {}, opts: { url?: string; headers?: Record<string, string> } = {}): Promise<Reply> => {
    const res = await fetch(opts.url ?? `${sim.url}/adminapi/beta/${sim.tenant.id}/InvokeCommand`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...opts.headers },
      body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
    });
    return reply(res);
  };
  return { token, invoke };
}

/** The shape every Graph error has: code, message, innerError with request ids and date. */
export function expectGraphError(r: Reply, status: number, code: string, message?: RegExp | string): void {
  expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status, code });
  expect(r.body.error.innerError).toEqual({ date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/), 'request-id': expect.any(String), 'client-request-id': expect.any(String) });
  if (message) expect(r.body.error.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
}

/** The shape of an Exchange admin API error, and its "{tag}|{exception}|{message}" detail. */
export function expectExchangeError(r: Reply, status: number, exception: string, message?: RegExp): void {
  expect(r.status).toBe(status);
  expect(r.body.error.message).toBe('Error executing cmdlet');
  const [tag, type, text] = String(r.body.error.details[0].message).split('|');
  expect(tag).toMatch(/^Ex[0-9A-F]{6}$/);
  expect(type).toContain(exception);
  if (message) expect(text).toMatch(message);
}

/**
 * Microsoft's Graph description next to the repository (../shared/graph, or GRAPH_METADATA_DIR),
 * or why it is not there.
 */
export function graphMetadata(): { meta: GraphMetadata } | { missing: string } {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  return loadGraphMetadata(process.env.GRAPH_METADATA_DIR ?? path.resolve(root, '..', 'shared', 'graph'));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
