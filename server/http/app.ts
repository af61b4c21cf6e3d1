import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type Express, type Request, type Response, type Router } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createApiRoutes, ROUTE_ACCESS, type ApiRoutes, type Guards, type RouteSpec } from './api-router.js';
import { apiNotFound, errorMiddleware } from './errors.middleware.js';
import './request-context.js';

export interface HttpDeps {
  config: Config;
  log: Logger;
  /** Resolves when the process can serve traffic; rejects naming what is not ready. */
  readiness: () => Promise<Record<string, 'ok'>>;
  guards: Guards;
  /** Features add their routes: `api` is mounted at /api/v1, `root` at /. */
  register: ((routes: { api: ApiRoutes; root: ApiRoutes }) => void)[];
  /** Routers mounted as they are (the simulated tenant's sign-in page in demo mode). */
  mounts?: { path: string; router: Router }[];
  /** The Bot Framework endpoint, when the bot is enabled. */
  botHandler?: (req: Request, res: Response) => Promise<void> | void;
}

export interface HttpApp {
  app: Express;
  /** Every route with the access it declares (API and root). */
  routes: { api: ApiRoutes; root: ApiRoutes };
}

/** Hosts that frame our tabs (Teams on the web and desktop, Outlook, the Microsoft 365 app). */
const TEAMS_FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.teams.microsoft.us',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://*.skype.com',
];

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

export function createHttpApp(deps: HttpDeps): HttpApp {
  const { config, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(
    pinoHttp({
      logger: log.child({ module: 'http' }),
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customErrorMessage: (req, res) => `${req.method} ${req.url?.split('?')[0]} answered ${res.statusCode}`,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );
  app.use(
    helmet({
      // Teams shows the tabs in an iframe: X-Frame-Options would block it; CSP names who may frame us.
      frameguard: false,
      // Teams opens sign-in pop-ups from the tab (authentication.authenticate) and reads their result.
      crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          // Fluent UI (Griffel) inserts style elements at run time.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'", 'https://res.cdn.office.net'],
          'frame-ancestors': TEAMS_FRAME_ANCESTORS,
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );

  app.use(cookieParser());

  const root = createApiRoutes(deps.guards);
  const api = createApiRoutes(deps.guards);

  root.get('/healthz', 'public', () => ({ status: 'ok' }));
  root.get('/readyz', 'public', async (req, res) => {
    try {
      const checks = await deps.readiness();
      res.json({ status: 'ready', checks });
    } catch (err) {
      res.status(503).json({
        error: { code: 'not_ready', message: (err as Error).message, requestId: String(req.id) },
      });
    }
  });

  // The Teams bot (Bot Framework activities, authenticated by its adapter); 501 when composed without one.
  root.post(
    '/api/messages',
    'public',
    deps.botHandler ??
      ((req, res) => {
        res.status(501).json({
          error: { code: 'bot_not_enabled', message: 'The Teams bot is not enabled on this server.', requestId: String(req.id) },
        });
      }),
  );

  for (const register of deps.register) register({ api, root });
  registerTabs(root, config.http.tabsDir);

  const apiMount = express.Router();
  apiMount.use(express.json({ limit: config.http.bodyLimit }));
  apiMount.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  apiMount.use(api.router);
  apiMount.use(apiNotFound);
  app.use('/api/v1', apiMount);

  for (const m of deps.mounts ?? []) {
    // A mounted router is declared public as a whole (route-coverage tests skip what it holds).
    const mounted = express.Router() as Router & { [ROUTE_ACCESS]?: RouteSpec };
    mounted.use(m.router);
    mounted[ROUTE_ACCESS] = { method: 'get', path: `${m.path}/*`, access: 'public', destructive: false };
    app.use(m.path, mounted);
  }
  app.use('/tabs', express.static(config.http.tabsDir, { index: false, maxAge: '1h' }));
  app.use(root.router);
  app.use(apiNotFound);
  app.use(errorMiddleware);
  return { app, routes: { api, root } };
}

/** The built tab pages under /tabs/, with every deep link answered by the single page app. */
function registerTabs(root: ApiRoutes, tabsDir: string): void {
  const index = path.join(tabsDir, 'index.html');
  root.get('/', 'public', (_req, res) => res.redirect(302, '/tabs/'));
  root.get('/tabs{/*rest}', 'public', (req, res) => {
    if (path.extname(req.path) && !req.path.endsWith('.html')) {
      res.status(404).type('text/plain').send('Not found.'); // a missing asset
      return;
    }
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The tab pages are not built yet: run `npm run build`, then reload.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
