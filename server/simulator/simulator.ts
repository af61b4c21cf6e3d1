import https from 'node:https';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import type { Logger } from '../log.js';
import { createAdmin, type SimAdmin } from './admin.js';
import { AppRegistry, type AppRegistration } from './apps.js';
import { createTokenVerifier } from './auth.js';
import { exchangeRouter } from './exchange/invoke.js';
import { graphRouter } from './graph/http.js';
import { graphDispatcher } from './graph/index.js';
import { createIdentity, type SimApp, type SimIdentity } from './identity.js';
import { groupState, inspectRouter, snapshot, userState } from './inspect.js';
import { MutationLog, type MutationEntry } from './mutations.js';
import { DEMO_REALISM, NO_REALISM, Realism, type RealismConfig, type RealismOptions } from './realism.js';
import type { SimRuntime } from './runtime.js';
import type { SimTenant, SimUser } from './seed.js';
import { EXCHANGE_ROLES, GRAPH_ROLES } from './tenant/catalogue.js';
import type { DirUser } from './tenant/model.js';
import { seedTenant } from './tenant/seed-tenant.js';
import type { TenantStore } from './tenant/store.js';
import { ensureSimulatorTls } from './tls.js';

/**
 * A simulated Microsoft 365 tenant on loopback, over https, with Microsoft's URL shapes:
 * Entra ID (sign-in, tokens, keys), Microsoft Graph (/v1.0, /beta, $batch), the Exchange Online
 * admin API (/adminapi/beta/{tenant}/InvokeCommand), and a state inspection API (/_sim/…).
 * It is how `npm start` runs with no tenant (demo mode) and how tests and benchmarks talk to
 * "Microsoft". Nothing in Offramp branches on it: only the configured URLs differ.
 */

export interface SimulatorOptions {
  tlsDir: string;
  seed: string;
  /** People in the seeded directory (shared mailboxes come on top). */
  users: number;
  port?: number;
  log: Logger;
  /** Where browsers reach the sign-in page (Offramp mounts `browserRouter` there). */
  browserBaseUrl: string;
  /** Latency, throttling, faults, read-after-write delay: 'demo' (the default), 'none', or options. */
  realism?: RealismOptions | 'demo' | 'none';
  /** Further app registrations (the demo app, with every permission, is always there). */
  apps?: AppRegistration[];
}

export interface Simulator {
  /** https origin, e.g. https://127.0.0.1:40123 */
  readonly url: string;
  readonly tenant: SimTenant;
  readonly identity: SimIdentity;
  /** The app registration Offramp uses in demo mode (multi-tenant app, admin-consented to every permission). */
  readonly demoApp: SimApp;
  /** Live users in creation order (people first, then shared-mailbox accounts). */
  users(): DirUser[];
  findUser(idOrUpn: string): DirUser | undefined;
  /** Pages a browser must reach without trusting the simulator's certificate: the sign-in page. */
  readonly browserRouter: Router;

  /** The tenant's current state (replaced by `reset()`: read it when needed, do not keep it). */
  readonly state: TenantStore;
  /** Mutating Graph and Exchange calls, in order (after `since`, a seq). */
  mutations(since?: number): MutationEntry[];
  /** Changes latency, throttling, faults, consistency delay at run time; returns what is in force. */
  configure(realism: RealismOptions): RealismConfig;
  readonly realism: RealismConfig;
  /** Changes "in the tenant" as an admin would make them (not logged as API calls). */
  readonly admin: SimAdmin;
  /** Registers an app (admin-consented to `roles`); its token is for client credentials. */
  registerApp(reg: AppRegistration): SimApp;
  /** Replaces an app's consented application permissions. */
  setAppRoles(clientId: string, roles: string[]): SimApp;
  /** What GET /_sim/state returns. */
  snapshot(opts?: { summary?: boolean }): ReturnType<typeof snapshot>;
  /** What GET /_sim/state/users/{id} returns. */
  userState(idOrUpn: string): ReturnType<typeof userState>;
  groupState(id: string): ReturnType<typeof groupState>;
  /** An app-only access token from the simulator's own token endpoint (for tests). */
  appToken(resource?: 'graph' | 'exchange', app?: SimApp): Promise<string>;
  /** Back to the seeded tenant: state re-seeded, log cleared, apps and realism kept. */
  reset(): void;
  close(): Promise<void>;
}

export const ALL_ROLES = [...GRAPH_ROLES, ...EXCHANGE_ROLES];

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const log = opts.log.child({ module: 'simulator' });
  const tls = await ensureSimulatorTls(opts.tlsDir);
  const seedNow = new Date();
  let store = seedTenant({ seed: opts.seed, users: opts.users, now: seedNow });
  const apps = new AppRegistry(opts.seed);
  const demoApp = apps.register({ displayName: 'Offramp (demo)', roles: ALL_ROLES });
  for (const reg of opts.apps ?? []) apps.register(reg);
  const mutationLog = new MutationLog();
  const realism = new Realism(opts.seed, () => Date.now(), (ms) => (store.replica.delayMs = ms));
  realism.configure(opts.realism === 'none' ? NO_REALISM : opts.realism === 'demo' || opts.realism === undefined ? DEMO_REALISM : opts.realism);

  let baseUrl = '';
  const identity = await createIdentity({
    tenant: store.tenant,
    users: () => [...store.liveUsers()],
    findUser: (id) => store.user(id),
    apps: apps.list,
    baseUrl: () => baseUrl,
    browserBaseUrl: () => opts.browserBaseUrl,
  });
  const verify = createTokenVerifier(identity, store.tenant);
  const runtime: SimRuntime = {
    get url() {
      return baseUrl;
    },
    tenant: store.tenant,
    get store() {
      return store;
    },
    apps,
    realism,
    log: mutationLog,
    verify,
  };
  const rt = () => runtime;
  const admin = createAdmin(() => store);
  const configure = (o: RealismOptions) => realism.configure(o);
  const reset = () => {
    store = seedTenant({ seed: opts.seed, users: opts.users, now: seedNow });
    store.replica.delayMs = realism.config.consistencyDelayMs;
    mutationLog.clear();
    realism.throttle.reset();
  };
  const registerApp = (reg: AppRegistration) => apps.register(reg);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use((req, res, next) => {
    if (!res.hasHeader('request-id')) res.setHeader('request-id', randomBytes(16).toString('hex'));
    next();
  });
  app.use(identity.router);
  app.use(graphRouter(rt, graphDispatcher(rt)));
  app.use(exchangeRouter(rt));
  app.use(inspectRouter({ rt, admin, configure, reset, registerApp }));
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'ResourceNotFound', message: `No resource at ${req.method} ${req.path}.` } });
  });

  const server = https.createServer({ cert: tls.cert, key: tls.key }, app);
  // Microsoft's front doors keep idle connections far longer than Node's 5-s default; a short
  // one races clients reusing a pooled connection on a busy machine (ECONNRESET).
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log.info({ url: baseUrl, tenant: store.tenant.displayName, users: store.users.size }, 'simulated Microsoft 365 tenant ready');

  const appToken = async (resource: 'graph' | 'exchange' = 'graph', as: SimApp = demoApp) => {
    const scope = resource === 'graph' ? 'https://graph.microsoft.com/.default' : 'https://outlook.office365.com/.default';
    const res = await fetch(`${baseUrl}/${store.tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: as.clientId, client_secret: as.clientSecret, scope }),
    });
    const body = (await res.json()) as { access_token?: string; error_description?: string };
    if (!body.access_token) throw new Error(`token request failed: ${body.error_description ?? res.status}`);
    return body.access_token;
  };

  return {
    url: baseUrl,
    tenant: store.tenant,
    identity,
    demoApp,
    users: () => [...store.liveUsers()],
    findUser: (key) => store.user(key),
    browserRouter: identity.authorizeRouter,
    get state() {
      return store;
    },
    mutations: (since) => mutationLog.list(since),
    configure,
    get realism() {
      return realism.config;
    },
    admin,
    registerApp,
    setAppRoles: (clientId, roles) => apps.setRoles(clientId, roles),
    snapshot: (o = {}) => snapshot(store, runtime, o.summary),
    userState: (key) => userState(store, key),
    groupState: (id) => groupState(store, id),
    appToken,
    reset,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type { SimUser };
