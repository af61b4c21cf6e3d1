import { startOfframp, type Offramp, type StartOptions } from '../../server/main.js';
import { freshServerDatabase } from './databases.js';
import { serverStoreUrl, testConfig } from './env.js';

/**
 * The real app on port 0: the embedded store in memory, or a fresh database on the
 * PostgreSQL server in the server-store pass. `close()` stops it and drops that database.
 */
export async function startTestApp(
  env: Record<string, string | undefined> = {},
  opts: StartOptions = {},
): Promise<Offramp> {
  const database = serverStoreUrl && !('DATABASE_URL' in env) ? await freshServerDatabase(serverStoreUrl) : undefined;
  const config = testConfig({ ...(database ? { DATABASE_URL: database.url } : {}), ...env });
  let app: Offramp;
  try {
    app = await startOfframp(config, opts);
  } catch (err) {
    await database?.drop();
    throw err;
  }
  return {
    ...app,
    url: app.url,
    async close() {
      await app.close();
      await database?.drop();
    },
  };
}
