import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../server/paths.js';
import { json } from '../support/json.js';

/**
 * What `npm start` runs after building: the compiled server, on the embedded defaults with a
 * new data folder, as on a fresh clone. (`npm test` builds first.)
 */
describe('the compiled server started as `npm start` starts it (dist/server/start.js)', () => {
  it('serves /readyz, the tabs and the API on a new data folder, then stops cleanly on SIGTERM', async () => {
    const main = path.join(repoRoot, 'dist', 'server', 'start.js');
    await expect(fs.access(main)).resolves.toBeUndefined();
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'offramp-start-'));
    const port = 39_000 + Math.floor(Math.random() * 900);
    const child = spawn(process.execPath, [main], {
      cwd: repoRoot,
      // As on a fresh machine: nothing trusted beforehand; start.js trusts the simulator's certificate.
      env: { PATH: process.env.PATH, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 90_000; // a liveness bound, not a speed target (tests/bench/startup measures that)
      let ready = 0;
      while (ready !== 200) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`not ready; stderr:\n${stderr}`);
        ready = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
        if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      const page = await fetch(`${base}/tabs/queue`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<div id="root">/);
      expect(await json(await fetch(`${base}/api/v1/meta`))).toMatchObject({ mode: 'demo', store: 'embedded' });
      // The data folder now holds the database (guarded by its lock) and the simulator's certificate.
      expect(await fs.readdir(dataDir)).toEqual(expect.arrayContaining(['pg', 'pg.lock', 'tls']));
      // Demo sign-in works end to end: the server trusts the simulated tenant's https.
      const signIn = await fetch(`${base}/auth/signin?returnTo=/tabs/`, { redirect: 'manual' });
      expect(signIn.status).toBe(302);
      expect(signIn.headers.get('location')).toContain(`http://localhost:${port}/simulator/organizations/oauth2/v2.0/authorize`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(await fs.readdir(dataDir)).not.toContain('pg.lock');
    await fs.rm(dataDir, { recursive: true, force: true });
  }, 120_000);
});
