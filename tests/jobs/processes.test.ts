import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../server/db/embedded.js';
import { openStore } from '../../server/db/store.js';
import { createAgendaQueue } from '../../server/jobs/agenda.queue.js';
import { freshServerDatabase } from '../support/databases.js';
import { serverStoreUrl } from '../support/env.js';
import { spawnTs, type Worker } from '../support/processes.js';
import { silentLog } from '../support/stores.js';

/**
 * Real Offramp processes (tests/fixtures/job-worker.ts runs the same runMain as `npm start`)
 * stopped with SIGTERM, killed with SIGKILL and restarted. In the embedded pass each process
 * owns a data folder, as `npm start` does; in the server-store pass they share a fresh database.
 */

const WORKER = 'tests/fixtures/job-worker.ts';
const kind = serverStoreUrl ? 'server' : 'embedded';

interface Place {
  env: Record<string, string>;
  rows(): Promise<{ key: string; worker: string; attempt: number; phase: string }[]>;
  jobRows(): Promise<{ locked_at: Date | null; next_run_at: Date | null; last_finished_at: Date | null }[]>;
  dispose(): Promise<void>;
}

/** Where a test's processes keep their data: a data folder, or a database on the server. */
async function place(): Promise<Place> {
  const query = async <T>(sql: string): Promise<T[]> => {
    if (serverUrl) {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        return (await client.query(sql)).rows as T[];
      } finally {
        await client.end();
      }
    }
    const store = await openStore({ kind: 'embedded', dataDir: dataDir!, port: 0, maxConnections: 4, poolMax: 2 }, silentLog);
    try {
      return (await store.pool.query(sql)).rows as T[];
    } finally {
      await store.close();
    }
  };
  let serverUrl: string | undefined;
  let dataDir: string | undefined;
  let dispose: () => Promise<void>;
  if (serverStoreUrl) {
    const db = await freshServerDatabase(serverStoreUrl);
    serverUrl = db.url;
    dispose = db.drop;
  } else {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'offramp-proc-'));
    dataDir = path.join(dir, 'pg');
    dispose = () => fs.rm(dir, { recursive: true, force: true });
  }
  return {
    env: serverUrl ? { DATABASE_URL: serverUrl } : { DATA_DIR: path.dirname(dataDir!), EMBEDDED_STORE: 'file' },
    rows: () => query(`SELECT key, worker, attempt, phase FROM test_job_runs ORDER BY id`),
    jobRows: () => query(`SELECT locked_at, next_run_at, last_finished_at FROM agenda_jobs WHERE name = 'test.record'`),
    dispose,
  };
}

const baseEnv = {
  NODE_ENV: 'test',
  PORT: '0',
  LOG_LEVEL: 'warn',
  JOBS_PROCESS_EVERY_MS: '200',
};

describe(`Offramp processes on the ${kind} store`, () => {
  const started: Worker[] = [];
  const start = (env: Record<string, string>) => {
    const w = spawnTs(WORKER, { ...baseEnv, ...env });
    started.push(w);
    return w;
  };
  afterEach(async () => {
    for (const w of started.splice(0)) {
      if (w.proc.exitCode === null && w.proc.signalCode === null) {
        w.kill('SIGKILL');
        await w.exited;
      }
    }
  });

  it('on SIGTERM, lets the running job finish, releases it and exits 0', async () => {
    const p = await place();
    try {
      const a = start({ ...p.env, FIXTURE_WORKER: 'a', FIXTURE_ENQUEUE: '1', FIXTURE_HOLD_MS: '1500' });
      await a.waitFor((e) => e.event === 'job-started', 90_000);
      a.kill('SIGTERM');
      expect(await a.exited).toEqual({ code: 0, signal: null });
      expect(a.events.map((e) => e.event)).toContain('job-finished');
      expect(await p.rows()).toEqual([
        { key: 'job-0', worker: 'a', attempt: 1, phase: 'started' },
        { key: 'job-0', worker: 'a', attempt: 1, phase: 'finished' },
      ]);
      const [job] = await p.jobRows();
      expect(job).toMatchObject({ locked_at: null, next_run_at: null });
      expect(job!.last_finished_at).toBeInstanceOf(Date);
    } finally {
      await p.dispose();
    }
  }, 240_000);

  it('on SIGTERM with a job longer than the shutdown timeout, exits 0 and the next process runs the job', async () => {
    const p = await place();
    try {
      const a = start({ ...p.env, FIXTURE_WORKER: 'a', FIXTURE_ENQUEUE: '1', FIXTURE_HOLD_MS: '60000', SHUTDOWN_TIMEOUT_MS: '300' });
      await a.waitFor((e) => e.event === 'job-started', 90_000);
      const stopAt = Date.now();
      a.kill('SIGTERM');
      expect(await a.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - stopAt).toBeLessThan(10_000);
      const [released] = await p.jobRows();
      expect(released).toMatchObject({ locked_at: null });
      expect(released!.next_run_at).toBeInstanceOf(Date);

      const b = start({ ...p.env, FIXTURE_WORKER: 'b', FIXTURE_HOLD_MS: '200' });
      await b.waitFor((e) => e.event === 'job-finished', 30_000);
      b.kill('SIGTERM');
      expect((await b.exited).code).toBe(0);
      const rows = await p.rows();
      expect(rows.map((r) => `${r.worker}:${r.phase}`)).toEqual(['a:started', 'a:aborted', 'b:started', 'b:finished']);
    } finally {
      await p.dispose();
    }
  }, 240_000);

  it('after SIGKILL during a job, a restarted process picks the job up again once its lock expires', async () => {
    const p = await place();
    try {
      const lock = { JOBS_LOCK_LIFETIME_MS: '1500' };
      const a = start({ ...p.env, ...lock, FIXTURE_WORKER: 'a', FIXTURE_ENQUEUE: '1', FIXTURE_HOLD_MS: '60000' });
      await a.waitFor((e) => e.event === 'job-started', 90_000);
      a.kill('SIGKILL');
      expect((await a.exited).signal).toBe('SIGKILL');

      const b = start({ ...p.env, ...lock, FIXTURE_WORKER: 'b', FIXTURE_HOLD_MS: '2500' });
      await b.waitFor((e) => e.event === 'job-finished', 45_000);
      b.kill('SIGTERM');
      expect((await b.exited).code).toBe(0);
      const rows = await p.rows();
      // Killed, a never finished; b ran it once (its touches kept its own lock alive past the lifetime).
      expect(rows.map((r) => `${r.worker}:${r.phase}`)).toEqual(['a:started', 'b:started', 'b:finished']);
      expect(rows[1]!.attempt).toBe(1);
      const [job] = await p.jobRows();
      expect(job).toMatchObject({ locked_at: null, next_run_at: null });
    } finally {
      await p.dispose();
    }
  }, 240_000);
});

describe('two Offramp processes sharing one store', () => {
  it('run each of 200 jobs exactly once', async () => {
    let url: string;
    let dispose: () => Promise<void>;
    if (serverStoreUrl) {
      const db = await freshServerDatabase(serverStoreUrl);
      url = db.url;
      dispose = db.drop;
    } else {
      // The embedded pass shares an embedded PostgreSQL through its loopback socket.
      const embedded = await startEmbeddedPostgres({ dataDir: null, port: 0, maxConnections: 64, log: silentLog });
      url = embedded.url;
      dispose = embedded.close;
    }
    const workers: Worker[] = [];
    try {
      const env = { ...baseEnv, DATABASE_URL: url, JOBS_PROCESS_EVERY_MS: '100' };
      workers.push(spawnTs(WORKER, { ...env, FIXTURE_WORKER: 'one' }));
      await workers[0]!.waitFor((e) => e.event === 'ready', 90_000);
      workers.push(spawnTs(WORKER, { ...env, FIXTURE_WORKER: 'two' }));
      await workers[1]!.waitFor((e) => e.event === 'ready', 90_000);

      const pool = new pg.Pool({ connectionString: url, max: 4 });
      try {
        const queue = createAgendaQueue({
          pool,
          notifications: serverStoreUrl ? 'postgres' : 'in-process',
          name: 'test-producer',
          processEveryMs: 1_000,
          lockLifetimeMs: 60_000,
          maxConcurrency: 1,
          log: silentLog,
        });
        for (let i = 0; i < 200; i++) await queue.now('test.record', { key: `k-${i}` });

        const deadline = Date.now() + 60_000;
        let finished = 0;
        while (finished < 200 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          finished = (await pool.query(`SELECT count(*)::int AS n FROM test_job_runs WHERE phase = 'finished'`)).rows[0].n;
        }
        await new Promise((r) => setTimeout(r, 500)); // a duplicate would show up now
        const { rows } = await pool.query(
          `SELECT key, count(*)::int AS n, array_agg(DISTINCT worker) AS workers FROM test_job_runs WHERE phase = 'started' GROUP BY key`,
        );
        expect(rows).toHaveLength(200);
        expect(rows.filter((r) => r.n !== 1)).toEqual([]);
        const byWorker = new Set(rows.flatMap((r) => r.workers as string[]));
        expect([...byWorker].sort()).toEqual(['one', 'two']);
      } finally {
        await pool.end();
      }
    } finally {
      for (const w of workers) w.kill('SIGTERM');
      for (const w of workers) await w.exited;
      await dispose();
    }
  }, 240_000);
});
