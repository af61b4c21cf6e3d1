import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import lockfile from 'proper-lockfile';
import type { Logger } from '../log.js';
import { OperationalError } from '../errors.js';
import { loadClusterSeed } from './cluster-seed.js';
import { keepQueriesWhole } from './pglite-queue.js';

export interface EmbeddedPostgres {
  /** Connection URL of the loopback socket that serves the database. */
  url: string;
  close(): Promise<void>;
}

/** How long a lock left by a killed process lives before another process may take it. */
const LOCK_STALE_MS = 5_000;

/**
 * Starts PGlite (in memory, or in `dataDir`) and serves it over the PostgreSQL wire
 * protocol on a loopback port, so that the whole process talks to it through `pg`
 * exactly as it talks to a PostgreSQL server. Only one process may own a data folder:
 * a lock file guards it (two PGlite instances on one folder lose writes).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string | null;
  port: number;
  maxConnections: number;
  log: Logger;
}): Promise<EmbeddedPostgres> {
  let releaseLock: (() => Promise<void>) | undefined;
  if (opts.dataDir) {
    await fs.mkdir(opts.dataDir, { recursive: true });
    try {
      releaseLock = await lockfile.lock(opts.dataDir, {
        lockfilePath: path.join(path.dirname(opts.dataDir), `${path.basename(opts.dataDir)}.lock`),
        stale: LOCK_STALE_MS,
        update: LOCK_STALE_MS / 5,
        // A process that was just killed leaves a lock that turns stale within LOCK_STALE_MS.
        retries: { retries: 8, minTimeout: 250, maxTimeout: 1_000, factor: 1.5 },
        onCompromised: (err) => opts.log.error({ err }, 'embedded store lock compromised'),
      });
    } catch (err) {
      throw new OperationalError(
        'store_locked',
        `The embedded database folder ${opts.dataDir} is in use by another Offramp process. ` +
          'Stop it, or set DATA_DIR to another folder, or DATABASE_URL to share a PostgreSQL server.',
        { cause: err },
      );
    }
  }
  const started = Date.now();
  try {
    const isNew = !opts.dataDir || !(await fs.stat(path.join(opts.dataDir, 'PG_VERSION')).catch(() => null));
    const db = await PGlite.create(opts.dataDir ?? 'memory://', isNew ? { loadDataDir: await loadClusterSeed() } : {});
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: opts.port,
      maxConnections: opts.maxConnections,
    });
    keepQueriesWhole(server);
    await server.start();
    const conn = server.getServerConn();
    opts.log.info(
      { dataDir: opts.dataDir ?? 'memory', created: isNew, conn, ms: Date.now() - started },
      'embedded PostgreSQL ready',
    );
    return {
      url: `postgresql://postgres@${conn}/postgres?sslmode=disable`,
      async close() {
        await server.stop();
        await db.close();
        await releaseLock?.();
      },
    };
  } catch (err) {
    await releaseLock?.();
    throw err;
  }
}
