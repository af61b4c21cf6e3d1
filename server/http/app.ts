import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { apiNotFound, errorMiddleware } from './errors.middleware.js';

export interface HttpDeps {
  config: Config;
  log: Logger;
  /** Resolves when the process can serve traffic; rejects naming what is not ready. */
  readiness: () => Promise<Record<string, 'ok'>>;
  /** Feature routers mounted under /api/v1. */
  apiRouters: Router[];
  /** The Bot Framework endpoint, when the bot is enabled. */
  botHandler?: express.RequestHandler;
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

export function createHttpApp(deps: HttpDeps): Express {
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

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    try {
      const checks = await deps.readiness();
      res.json({ status: 'ready', checks });
    } catch (err) {
      res.status(503).json({
        error: { code: 'not_ready', message: (err as Error).message, requestId: String(req.id) },
      });
    }
  });

  const api = express.Router();
  api.use(express.json({ limit: config.http.bodyLimit }));
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  for (const router of deps.apiRouters) api.use(router);
  api.use(apiNotFound);
  app.use('/api/v1', api);

  // Reserved for the Teams bot (Bot Framework activities).
  app.post(
    '/api/messages',
    deps.botHandler ??
      ((req, res) => {
        res.status(501).json({
          error: { code: 'bot_not_enabled', message: 'The Teams bot is not enabled on this server.', requestId: String(req.id) },
        });
      }),
  );

  app.use(tabsRouter(config.http.tabsDir));
  app.get('/', (_req, res) => res.redirect(302, '/tabs/'));
  app.use(apiNotFound);
  app.use(errorMiddleware);
  return app;
}

/** The built tab pages under /tabs/, with every deep link answered by the single page app. */
function tabsRouter(tabsDir: string): Router {
  const router = express.Router();
  const index = path.join(tabsDir, 'index.html');
  router.use('/tabs', express.static(tabsDir, { index: false, maxAge: '1h', immutable: false }));
  router.get(['/tabs', '/tabs/{*rest}'], (req, res, next) => {
    if (path.extname(req.path) && !req.path.endsWith('.html')) return next(); // a missing asset: 404
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The tab pages are not built yet: run `npm run build`, then reload.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
