import { pino } from 'pino';
import { openStore, type Store } from '../../server/db/store.js';
import { freshServerDatabase } from './databases.js';
import { serverStoreUrl } from './env.js';

export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export type StoreKind = 'embedded' | 'server';

/** The stores a contract suite runs on: always the embedded one, and the server when the pass has one. */
export const storeKinds: StoreKind[] = serverStoreUrl ? ['embedded', 'server'] : ['embedded'];

export async function openTestStore(kind: StoreKind): Promise<Store> {
  if (kind === 'embedded') {
    return openStore({ kind: 'embedded', dataDir: null, port: 0, maxConnections: 32, poolMax: 10 }, silentLog);
  }
  const database = await freshServerDatabase(serverStoreUrl!);
  const store = await openStore({ kind: 'server', url: database.url, poolMax: 10 }, silentLog);
  return {
    ...store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
