import https from 'node:https';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import type { Logger } from '../log.js';
import { createIdentity, type SimApp, type SimIdentity } from './identity.js';
import { guid, prng, seedDirectory, type SimTenant, type SimUser } from './seed.js';
import { ensureSimulatorTls } from './tls.js';

/**
 * A simulated Microsoft 365 tenant on loopback, over https, with Microsoft's URL shapes.
 * It is how `npm start` runs with no tenant (demo mode) and how tests and benchmarks talk
 * to "Microsoft". Nothing in Offramp branches on it: only the configured URLs differ.
 */

export interface SimulatorOptions {
  tlsDir: string;
  seed: string;
  users: number;
  port?: number;
  log: Logger;
  /** Where browsers reach the sign-in page (Offramp mounts `browserRouter` there). */
  browserBaseUrl: string;
}

export interface Simulator {
  /** https origin, e.g. https://127.0.0.1:40123 */
  readonly url: string;
  readonly tenant: SimTenant;
  readonly identity: SimIdentity;
  /** The app registration Offramp uses in demo mode (multi-tenant app, admin-consented). */
  readonly demoApp: SimApp;
  users(): SimUser[];
  findUser(idOrUpn: string): SimUser | undefined;
  /** Pages a browser must reach without trusting the simulator's certificate: the sign-in page. */
  readonly browserRouter: Router;
  close(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const log = opts.log.child({ module: 'simulator' });
  const tls = await ensureSimulatorTls(opts.tlsDir);
  const directory = seedDirectory({ seed: opts.seed, users: opts.users });
  const byId = new Map(directory.users.map((u) => [u.id, u]));
  const rand = prng(`${opts.seed}:apps`);
  const demoApp: SimApp = {
    clientId: guid(rand),
    // A fresh secret every start: it lives only in this process, like the simulator itself.
    clientSecret: randomBytes(24).toString('base64url'),
    displayName: 'Offramp (demo)',
    appRoles: [],
  };
  let baseUrl = '';
  const identity = await createIdentity({
    tenant: directory.tenant,
    users: () => directory.users,
    findUser: (id) => byId.get(id),
    apps: [demoApp],
    baseUrl: () => baseUrl,
    browserBaseUrl: () => opts.browserBaseUrl,
  });

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.setHeader('request-id', randomBytes(16).toString('hex'));
    next();
  });
  app.use(identity.router);
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'ResourceNotFound', message: `No resource at ${req.method} ${req.path}.` } });
  });

  const server = https.createServer({ cert: tls.cert, key: tls.key }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log.info({ url: baseUrl, tenant: directory.tenant.displayName, users: directory.users.length }, 'simulated Microsoft 365 tenant ready');


  return {
    url: baseUrl,
    tenant: directory.tenant,
    identity,
    demoApp,
    users: () => directory.users,
    findUser: (key) => byId.get(key) ?? directory.users.find((u) => u.userPrincipalName.toLowerCase() === key.toLowerCase()),
    browserRouter: identity.authorizeRouter,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
