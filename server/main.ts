import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { openStore, type Store } from './db/store.js';
import { createAgendaQueue } from './jobs/agenda.queue.js';
import type { JobQueue } from './jobs/job-queue.js';
import { createHttpApp, type HttpApp } from './http/app.js';
import { createBotFront, type BotFront } from '../bot/index.js';
import { createConversationsService, type ConversationsService } from './conversations/conversations.service.js';
import { defineConversationJobs, scheduleConversationJobs } from './conversations/conversations.jobs.js';
import { createPeopleService } from './m365/people.service.js';
import { defineNotificationJobs, scheduleNotificationJobs } from './notifications/notifications.jobs.js';
import { DELIVER_JOB, createNotificationsService } from './notifications/notifications.service.js';
import { createRateLimits } from './http/rate-limit.js';
import { registerMetaRoutes } from './system/meta.routes.js';
import { startSimulator, type Simulator } from './simulator/simulator.js';
import { createEntraTokenValidator } from './orgs/entra-tokens.js';
import { createSessions } from './orgs/sessions.js';
import { createOrgsService, type OrgsService } from './orgs/orgs.service.js';
import { createSignIn } from './orgs/sign-in.js';
import { createAuthenticate, createMemberGuard } from './orgs/auth.middleware.js';
import { registerAuthRoutes, registerOrgRoutes } from './orgs/orgs.routes.js';
import { registerAuditRoutes } from './audit/audit.routes.js';
import { SecretBox } from './crypto/envelope.js';
import { loadDataKey } from './crypto/data-key.js';
import { createTransport } from './m365/transport.js';
import { createTenantsService, type TenantsService } from './m365/tenants.service.js';
import { defineM365Jobs, scheduleM365Jobs } from './m365/m365.jobs.js';
import { registerTenantRoutes } from './m365/tenants.routes.js';
import { RUN_EVENTS, RunEvents } from './offboarding/events.js';
import { createEngine, type EngineOptions } from './offboarding/engine.js';
import { createRunsService, type RunsService } from './offboarding/runs.service.js';
import { defineOffboardingJobs, scheduleOffboardingJobs } from './offboarding/offboarding.jobs.js';
import { registerOffboardingRoutes } from './offboarding/offboarding.routes.js';
import { createAssetsService } from './assets/assets.service.js';
import { createAssetsSync } from './assets/assets.sync.js';
import { createQueueService } from './assets/queue.service.js';
import { registerAssetsRoutes } from './assets/assets.routes.js';
import { registerNotificationRoutes } from './notifications/notifications.routes.js';
import { createDeliveriesService, DISPATCH_JOB, systemClock, type Clock, type DeliveriesService } from './integrations/deliveries.service.js';
import { defineIntegrationJobs, scheduleIntegrationJobs } from './integrations/integrations.jobs.js';
import { registerIntegrationRoutes } from './integrations/integrations.routes.js';
import { createRulesService, type RulesService } from './integrations/rules.service.js';
import { registerBillingRoutes, writableGuard } from './billing/billing.routes.js';
import { createBillingService, type BillingService } from './billing/billing.service.js';
import { createStripeGateway } from './billing/stripe.gateway.js';
import { startStripeStandin, type StripeStandin } from './simulator/stripe/stripe-standin.js';
// Data rights: export and deletion of an organisation's data.
import { createExportsService, exportsDirOf } from './datarights/exports.service.js';
import { createDeletionService } from './datarights/deletion.service.js';
import { defineDataRightsJobs, scheduleDataRightsJobs } from './datarights/datarights.jobs.js';
import { registerDataRightsRoutes } from './datarights/datarights.routes.js';

/**
 * The composition root: config -> store -> drivers -> services -> jobs -> http.
 * The only place that picks implementations.
 */

export interface Offramp {
  readonly config: Config;
  readonly log: Logger;
  readonly store: Store;
  readonly jobs: JobQueue;
  readonly orgs: OrgsService;
  readonly tenants: TenantsService;
  readonly runs: RunsService;
  /** Every change of an offboarding run, as it happens (the bot and integrations listen). */
  readonly runEvents: RunEvents;
  /** The Teams bot (POST /api/messages). */
  readonly bot: BotFront;
  readonly conversations: ConversationsService;
  /** Automation rules and their deliveries. */
  readonly integrations: { rules: RulesService; deliveries: DeliveriesService };
  readonly billing: BillingService;
  /** The local Stripe stand-in (demo mode without Stripe keys). */
  readonly stripeStandin: StripeStandin | null;
  /** The simulated Microsoft 365 tenant (demo mode only). */
  readonly simulator: Simulator | null;
  readonly http: HttpApp;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3978 */
  readonly url: string;
  /** Where people reach it (PUBLIC_URL, or `url`). */
  readonly publicUrl: string;
  /** Graceful stop: not ready, stop taking jobs (finish or release them), close HTTP, close the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Runs before the job queue starts: tests and tools add their own job definitions here. */
  setup?: (parts: { jobs: JobQueue; store: Store }) => Promise<void> | void;
  /** Called at every step boundary of a run (the crash tests stop the process there). */
  onRunBoundary?: EngineOptions['onBoundary'];
  /** Every Microsoft call a run's step makes (benchmarks). */
  onRunCall?: EngineOptions['onCall'];
  /** The clock of integrations and billing (tests move it: retry schedules, trials, grace periods). */
  clock?: Clock;
}

export async function startOfframp(config: Config, opts: StartOptions = {}): Promise<Offramp> {
  const log = opts.log ?? createLogger(config.log);
  const started = Date.now();
  const store = await openStore(config.store, log);

  // Listen first (answering 503 until ready), so that the public address is known when PORT=0.
  let handler: http.RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(JSON.stringify({ error: { code: 'starting', message: 'Offramp is starting.' } }));
  };
  const server = http.createServer((req, res) => handler(req, res));
  let simulator: Simulator | null = null;
  const jobs = createAgendaQueue({
    pool: store.pool,
    notifications: store.kind === 'server' ? 'postgres' : 'in-process',
    name: `${os.hostname()}:${process.pid}`,
    processEveryMs: config.jobs.processEveryMs,
    lockLifetimeMs: config.jobs.lockLifetimeMs,
    maxConcurrency: config.jobs.maxConcurrency,
    log,
  });
  const abort = async (err: unknown): Promise<never> => {
    server.close();
    await jobs.stop(0).catch(() => undefined);
    await simulator?.close().catch(() => undefined);
    await stripeStandin?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  };

  let closing = false;
  let httpApp: HttpApp;
  let url: string;
  let publicUrl: string;
  let orgs: OrgsService;
  let tenantsService: TenantsService;
  let runs: RunsService;
  let bot: BotFront;
  let conversations: ConversationsService;
  let integrations: Offramp['integrations'];
  let billing: BillingService;
  let stripeStandin: StripeStandin | null = null;
  const runEvents = new RunEvents();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.port, config.http.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = config.http.host && config.http.host !== '0.0.0.0' && config.http.host !== '::' ? config.http.host : '127.0.0.1';
    url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    publicUrl = config.http.publicUrl ?? url;

    // Microsoft 365: the customer's multi-tenant Entra app, or in demo mode the simulated tenant's.
    if (config.mode === 'demo') {
      simulator = await startSimulator({
        tlsDir: config.simulator.tlsDir,
        seed: config.simulator.seed,
        users: config.simulator.users,
        port: config.simulator.port,
        log,
        browserBaseUrl: `${publicUrl}/simulator`,
      });
    }
    const entra = simulator
      ? {
          clientId: simulator.demoApp.clientId,
          clientSecret: simulator.demoApp.clientSecret,
          authorityHost: simulator.url,
          v1IssuerHost: `${simulator.url}/sts`,
          apiAudience: null,
        }
      : config.entra!;
    const validator = createEntraTokenValidator({
      authorityHost: entra.authorityHost,
      v1IssuerHost: entra.v1IssuerHost,
      clientId: entra.clientId,
      apiAudiences: [entra.clientId, entra.apiAudience ?? `api://${new URL(publicUrl).host}/${entra.clientId}`],
    });
    const sessions = createSessions(store.db, config.sessions.ttlMs);
    orgs = createOrgsService(store.db);
    const signIn = createSignIn({
      authorityHost: entra.authorityHost,
      clientId: entra.clientId,
      clientSecret: entra.clientSecret,
      redirectUri: `${publicUrl}/auth/callback`,
      validator,
      db: store.db,
      log,
    });
    const limits = createRateLimits(store.pool, config.rateLimits);

    // Microsoft 365: one transport (tokens, caps, retries) for Graph and Exchange.
    const transport = createTransport({
      endpoints: simulator
        ? { authorityHost: simulator.url, graphBaseUrl: simulator.url, exchangeBaseUrl: simulator.url }
        : { authorityHost: entra.authorityHost, graphBaseUrl: config.m365.graphBaseUrl, exchangeBaseUrl: config.m365.exchangeBaseUrl },
      perTenantConcurrency: config.m365.tenantConcurrency,
      globalConcurrency: config.m365.globalConcurrency,
      log,
    });
    const box = new SecretBox(await loadDataKey(config.dataKey, config.dataDir));
    // Billing: Stripe, or in demo mode a local stand-in of it (its checkout and portal pages included).
    let stripeConfig = config.stripe;
    if (!stripeConfig && config.mode === 'demo') {
      stripeStandin = await startStripeStandin({ webhookUrl: `${url}/api/stripe/webhook` });
      stripeConfig = { secretKey: stripeStandin.secretKey, webhookSecret: stripeStandin.webhookSecret, apiBase: stripeStandin.url };
    }
    billing = createBillingService({ db: store.db, log, gateway: stripeConfig ? createStripeGateway(stripeConfig) : null, prices: config.stripePrices, publicUrl, now: opts.clock ? () => opts.clock!.now() : undefined });
    tenantsService = createTenantsService({
      db: store.db,
      box,
      transport,
      jobs,
      app: { clientId: entra.clientId, clientSecret: entra.clientSecret, authorityHost: entra.authorityHost },
      demoTenant: simulator ? { tenantId: simulator.tenant.id } : null,
      publicUrl,
      syncIntervalMs: config.m365.syncIntervalMs,
      log,
      afterSync: createAssetsSync(store.db, { demoAssets: config.simulator.demoAssets }),
      limits: { beforeConnect: (orgId) => billing.assertCanConnectTenant(orgId), employeeLimit: (orgId) => billing.employeeLimit(orgId) },
    });
    defineM365Jobs(jobs, tenantsService);
    const engine = createEngine({
      db: store.db,
      box,
      tenants: tenantsService,
      events: runEvents,
      log,
      leaseMs: config.offboarding.leaseMs,
      concurrency: config.offboarding.stepConcurrency,
      stepAttempts: config.offboarding.stepAttempts,
      stepRetryDelayMs: config.offboarding.stepRetryDelayMs,
      onBoundary: opts.onRunBoundary,
      onCall: opts.onRunCall,
    });
    runs = createRunsService({ db: store.db, box, jobs, tenants: tenantsService, engine, events: runEvents, log });
    defineOffboardingJobs(jobs, runs, config.offboarding.leaseMs);
    conversations = createConversationsService(store.db);
    bot = createBotFront(config.bot, { orgs, runs, people: createPeopleService(store.db), conversations, events: runEvents, log, publicUrl });
    const notices = createNotificationsService(store.db);
    defineNotificationJobs(jobs, notices, bot.channel);
    defineConversationJobs(jobs, conversations, bot.digests, log);
    const deliverNow = () => {
      if (jobs.running) void jobs.now(DELIVER_JOB, {}).catch((err: unknown) => log.warn({ err }, 'could not queue notice delivery'));
    };
    const assets = createAssetsService({ db: store.db, runs, log });
    const queue = createQueueService({
      db: store.db,
      assets,
      onCompleted: () => {
        deliverNow();
        dispatchNow();
      },
    });
    // A run's end may owe someone a notice (the manager's): delivered now rather than within the minute.
    // If it removed licences, the person's seats are free.
    const clock = opts.clock ?? systemClock;
    const policy = { ...config.webhooks };
    const deliveries = createDeliveriesService({ db: store.db, box, jobs, log, clock, policy, publicUrl });
    integrations = { deliveries, rules: createRulesService({ db: store.db, box, deliveries, clock, policy, publicUrl }) };
    defineIntegrationJobs(jobs, deliveries);
    // Data rights: the Owner's export of everything, and the purge of an organisation that asked to be deleted.
    const exportsDir = exportsDirOf(config);
    const dataRights = {
      exports: createExportsService({ store, jobs, runs, dir: exportsDir, log }),
      deletion: createDeletionService({ store, exportsDir, log }),
    };
    defineDataRightsJobs(jobs, dataRights);
    // A run change or a completed checklist wrote an event: dispatched now rather than within 10 s.
    // Many changes at once (a bulk) make one dispatch job, not one each.
    let dispatchSoon: NodeJS.Timeout | null = null;
    const dispatchNow = () => {
      dispatchSoon ??= setTimeout(() => {
        dispatchSoon = null;
        if (jobs.running) void jobs.now(DISPATCH_JOB, {}).catch((err: unknown) => log.warn({ err }, 'could not queue event dispatch'));
      }, 100).unref();
    };
    const eventful: string[] = [RUN_EVENTS.created, RUN_EVENTS.approvalRequested, RUN_EVENTS.scheduled, RUN_EVENTS.started, RUN_EVENTS.finished, RUN_EVENTS.undone];
    runEvents.on((e) => {
      if (eventful.includes(e.type)) dispatchNow();
    });
    const ends: string[] = [RUN_EVENTS.finished, RUN_EVENTS.cancelled, RUN_EVENTS.rejected];
    runEvents.on((e) => {
      if (!ends.includes(e.type)) return;
      if (e.type === RUN_EVENTS.finished) deliverNow();
      void assets.afterRun(e.runId).catch((err: unknown) => log.warn({ err, runId: e.runId }, 'could not update seats after the run'));
    });

    httpApp = createHttpApp({
      config,
      log,
      guards: {
        authenticate: createAuthenticate({ validator, sessions, orgs }),
        member: createMemberGuard({ orgs, db: store.db }),
        destructiveLimit: limits.destructiveLimit,
        writable: writableGuard(billing),
      },
      botHandler: bot.handler,
      register: [
        ({ api }) => registerMetaRoutes(api, config),
        ({ api, root }) =>
          registerAuthRoutes(root, api, {
            signIn,
            sessions,
            orgs,
            secureCookies: publicUrl.startsWith('https:'),
            sessionTtlMs: config.sessions.ttlMs,
            via: simulator ? 'demo' : 'microsoft',
            signInLimit: limits.signInLimit,
          }),
        ({ api }) => registerOrgRoutes(api, { orgs, publicUrl }),
        ({ api }) => registerAuditRoutes(api, { db: store.db }),
        ({ api, root }) =>
          registerTenantRoutes(api, root, {
            tenants: tenantsService,
            db: store.db,
            consentContext: async (orgId, memberId) => ({ actor: await orgs.actorOf(orgId, memberId), source: 'tab', requestId: null }),
          }),
        ({ api }) => registerOffboardingRoutes(api, { runs, events: runEvents }),
        ({ api }) => registerAssetsRoutes(api, { db: store.db, assets, queue }),
        ({ api }) => registerNotificationRoutes(api, { notices }),
        ({ api }) => registerIntegrationRoutes(api, integrations),
        ({ api, root }) => registerBillingRoutes(api, root, { billing }),
        ({ api }) => registerDataRightsRoutes(api, dataRights),
      ],
      mounts: simulator ? [{ path: '/simulator', router: simulator.browserRouter }] : [],
      readiness: async () => {
        if (closing) throw new Error('Shutting down.');
        await store.ping();
        if (config.jobs.enabled && !jobs.running) throw new Error('The job queue is not running.');
        return { store: 'ok', jobs: 'ok' };
      },
    });

    await opts.setup?.({ jobs, store });
    if (config.jobs.enabled) {
      await jobs.start();
      await scheduleM365Jobs(jobs);
      await scheduleOffboardingJobs(jobs);
      await scheduleNotificationJobs(jobs);
      await scheduleConversationJobs(jobs);
      await scheduleIntegrationJobs(jobs);
      await scheduleDataRightsJobs(jobs);
    }
  } catch (err) {
    return abort(err);
  }
  handler = httpApp.app;
  log.info(
    { url, publicUrl, mode: config.mode, store: store.kind, jobs: config.jobs.enabled, ms: Date.now() - started },
    'Offramp is ready',
  );

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      closing = true;
      log.info('shutting down');
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const { unfinished } = await jobs.stop(config.shutdownTimeoutMs);
      await bot.close();
      // Requests still open after the job queue stopped are cut: their clients retry elsewhere.
      const cut = setTimeout(() => server.closeAllConnections(), 2_000);
      await httpClosed;
      clearTimeout(cut);
      await simulator?.close();
      await stripeStandin?.close();
      await store.close();
      log.info({ unfinishedJobs: unfinished }, 'stopped');
    })());

  return { config, log, store, jobs, orgs, tenants: tenantsService, runs: runs!, runEvents, bot: bot!, conversations: conversations!, integrations: integrations!, billing: billing!, stripeStandin, simulator, http: httpApp, url, publicUrl, close };
}

/** Runs the process: configuration from the environment, stop on SIGTERM / SIGINT. */
export async function runMain(opts: Omit<StartOptions, 'log'> = {}): Promise<Offramp> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = createLogger(config.log);
  // Signals are heard from the first moment: jobs start during startup, and a SIGTERM then must
  // still stop gracefully (once startup has finished) rather than kill the process mid-job.
  let offramp: Offramp | null = null;
  let stopping = false;
  const shutDown = (o: Offramp) =>
    o.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'signal received');
    if (offramp) void shutDown(offramp);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    offramp = await startOfframp(config, { ...opts, log });
  } catch (err) {
    log.fatal({ err }, 'Offramp could not start');
    process.exit(1);
  }
  if (stopping) void shutDown(offramp);
  else if (config.mode === 'demo') {
    log.info(`Open ${offramp.publicUrl}/tabs/ (demo mode: the simulated Microsoft 365 tenant stands in for yours)`);
  }
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  return offramp;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runMain();
}
