import type pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { sourcePath } from '../paths.js';

export const migrationsFolder = sourcePath('server', 'db', 'migrations');

/** Any constant shared by every replica: the key of the advisory lock held while migrating. */
const MIGRATION_LOCK_KEY = 0x0ff_4a3f;

/**
 * Applies every migration not yet applied. Replicas that start together take turns:
 * the first holds a session advisory lock on one connection while it migrates,
 * the others wait for it and then find nothing left to do.
 */
export async function migrateStore(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder, migrationsSchema: 'public', migrationsTable: 'schema_migrations' });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
