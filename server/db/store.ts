import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { StoreConfig } from '../config.js';
import type { Logger } from '../log.js';
import { OperationalError } from '../errors.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import { migrateStore } from './migrate.js';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema>;

/**
 * The one store of the process: a `pg` pool on an embedded PostgreSQL (PGlite behind a
 * loopback socket) or on a PostgreSQL server, with the schema migrated. Every feature,
 * and the job queue, uses this pool; the code paths are the same for both kinds.
 */
export interface Store {
  readonly kind: 'embedded' | 'server';
  readonly pool: pg.Pool;
  readonly db: Db;
  /** Connection URL another process can use to share this store (never log it: it may hold a password). */
  readonly url: string;
  /** Runs `fn` in one transaction on one connection. Never wait on another connection inside it. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Throws an OperationalError when the store cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Timestamps come back as Date, bigint counts as numbers (they stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openStore(config: StoreConfig, log: Logger): Promise<Store> {
  const storeLog = log.child({ module: 'store' });
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  if (config.kind === 'embedded') {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.port,
      maxConnections: config.maxConnections,
      log: storeLog,
    });
    url = embedded.url;
  } else {
    url = config.url;
  }

  const pool = new pg.Pool({
    connectionString: url,
    max: config.poolMax,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'offramp',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => storeLog.warn({ err: err.message }, 'idle store connection lost'));

  try {
    await migrateStore(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await embedded?.close().catch(() => undefined);
    throw new OperationalError('store_unavailable', `Could not prepare the ${config.kind} store: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const db = drizzle(pool, { schema });
  let closed = false;

  return {
    kind: config.kind,
    pool,
    db,
    url,
    transaction: (fn) => db.transaction(fn),
    async ping() {
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        throw new OperationalError('store_unavailable', 'The store does not answer.', { cause: err });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await embedded?.close();
      storeLog.info('store closed');
    },
  };
}
