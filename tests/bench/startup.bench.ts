/**
 * Cold start to ready on the embedded store: `node dist/server/main.js` with a new data
 * folder, timed from spawn to the first 200 from /readyz; then a warm start on the same
 * folder. Baseline, measured in the same run: a bare Node HTTP server, spawn to first 200.
 * Run with `npm run bench` (builds first).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../server/paths.js';
import { printTable, type Row } from './table.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
let nextPort = 39_100;

async function timeToReady(args: string[], env: Record<string, string>, url: (port: number) => string) {
  const port = nextPort++;
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env, PORT: String(port) },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      try {
        const res = await fetch(url(port));
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - t0;
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    return { ms, rssMb };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const main = path.join(repoRoot, 'dist', 'server', 'start.js');
if (!fs.existsSync(main)) throw new Error('Build first: npm run build');
const bare = `require('node:http').createServer((q, s) => s.end('ok')).listen(process.env.PORT)`;

const baseline: Row = { name: 'bare node http server', samples: [], unit: 'ms' };
const cold: Row = { name: 'offramp cold start, new data folder', samples: [], unit: 'ms' };
const warm: Row = { name: 'offramp warm start, existing data folder', samples: [], unit: 'ms' };
const coldRss: number[] = [];
const warmRss: number[] = [];

for (let i = 0; i < RUNS; i++) {
  baseline.samples.push((await timeToReady(['-e', bare], {}, (p) => `http://127.0.0.1:${p}/`)).ms);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offramp-bench-'));
  const env = { DATA_DIR: dir, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  const readyz = (p: number) => `http://127.0.0.1:${p}/readyz`;
  const c = await timeToReady(['--enable-source-maps', main], env, readyz);
  cold.samples.push(c.ms);
  coldRss.push(c.rssMb);
  const w = await timeToReady(['--enable-source-maps', main], env, readyz);
  warm.samples.push(w.ms);
  warmRss.push(w.rssMb);
  fs.rmSync(dir, { recursive: true, force: true });
}
const mb = (v: number[]) => `${Math.max(...v).toFixed(0)} MB`;
cold.extra = { 'peak RSS at ready': mb(coldRss) };
warm.extra = { 'peak RSS at ready': mb(warmRss) };
printTable(`Startup to ready (${RUNS} runs each, ${os.cpus().length} cores, Node ${process.version})`, baseline, [cold, warm]);
