import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { openStore, type Store } from './db/store.js';
import { createAgendaQueue } from './jobs/agenda.queue.js';
import type { JobQueue } from './jobs/job-queue.js';
import { createHttpApp } from './http/app.js';
import { metaRouter } from './system/meta.routes.js';

/**
 * The composition root: config -> store -> drivers -> jobs -> http.
 * The only place that picks implementations.
 */

export interface Offramp {
  readonly config: Config;
  readonly log: Logger;
  readonly store: Store;
  readonly jobs: JobQueue;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3978 */
  readonly url: string;
  /** Graceful stop: not ready, stop taking jobs (finish or release them), close HTTP, close the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Runs before the job queue starts: tests and tools add their own job definitions here. */
  setup?: (parts: { jobs: JobQueue; store: Store }) => Promise<void> | void;
}

export async function startOfframp(config: Config, opts: StartOptions = {}): Promise<Offramp> {
  const log = opts.log ?? createLogger(config.log);
  const started = Date.now();
  const store = await openStore(config.store, log);

  const jobs = createAgendaQueue({
    pool: store.pool,
    notifications: store.kind === 'server' ? 'postgres' : 'in-process',
    name: `${os.hostname()}:${process.pid}`,
    processEveryMs: config.jobs.processEveryMs,
    lockLifetimeMs: config.jobs.lockLifetimeMs,
    maxConcurrency: config.jobs.maxConcurrency,
    log,
  });

  let closing = false;
  const app = createHttpApp({
    config,
    log,
    apiRouters: [metaRouter(config)],
    readiness: async () => {
      if (closing) throw new Error('Shutting down.');
      await store.ping();
      if (config.jobs.enabled && !jobs.running) throw new Error('The job queue is not running.');
      return { store: 'ok', jobs: 'ok' };
    },
  });

  const server = http.createServer(app);
  try {
    await opts.setup?.({ jobs, store });
    if (config.jobs.enabled) await jobs.start();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.port, config.http.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await jobs.stop(0).catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = config.http.host && config.http.host !== '0.0.0.0' && config.http.host !== '::' ? config.http.host : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  log.info(
    { url, mode: config.mode, store: store.kind, jobs: config.jobs.enabled, ms: Date.now() - started },
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
      // Requests still open after the job queue stopped are cut: their clients retry elsewhere.
      const cut = setTimeout(() => server.closeAllConnections(), 2_000);
      await httpClosed;
      clearTimeout(cut);
      await store.close();
      log.info({ unfinishedJobs: unfinished }, 'stopped');
    })());

  return { config, log, store, jobs, url, close };
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
  let offramp: Offramp;
  try {
    offramp = await startOfframp(config, { ...opts, log });
  } catch (err) {
    log.fatal({ err }, 'Offramp could not start');
    process.exit(1);
  }
  if (config.mode === 'demo') {
    log.info(`Open ${config.http.publicUrl}/tabs/ (demo mode: no Microsoft 365 app configured)`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'signal received');
    offramp.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  return offramp;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runMain();
}
