import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../server/db/store.js';
import { silentLog } from '../support/stores.js';

const fileStore = (dataDir: string) =>
  openStore({ kind: 'embedded', dataDir, port: 0, maxConnections: 8, poolMax: 4 }, silentLog);

describe('the embedded store in a data folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'offramp-embedded-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keeps its rows when closed and opened again', async () => {
    const dataDir = path.join(dir, 'keep');
    const first = await fileStore(dataDir);
    await first.pool.query('CREATE TABLE kept (v text)');
    await first.pool.query(`INSERT INTO kept VALUES ('still here')`);
    await first.close();

    const second = await fileStore(dataDir);
    try {
      const { rows } = await second.pool.query('SELECT v FROM kept');
      expect(rows).toEqual([{ v: 'still here' }]);
    } finally {
      await second.close();
    }
  });

  it('refuses a second owner of the same folder, naming the folder and what to do', async () => {
    const dataDir = path.join(dir, 'locked');
    const owner = await fileStore(dataDir);
    try {
      await expect(fileStore(dataDir)).rejects.toMatchObject({
        code: 'store_locked',
        message: expect.stringContaining(dataDir),
      });
      // The owner is untouched by the refused attempt.
      await expect(owner.ping()).resolves.toBeUndefined();
    } finally {
      await owner.close();
    }
  });
});
