/**
 * Tenant sync at scale, against a simulated tenant in its own process (its memory is not ours):
 *  (a) a FULL sync of BENCH_USERS people (default 50,000) into a new store: wall time, and the
 *      peak RSS (VmHWM) of the process doing the sync;
 *  (b) a DELTA sync of 100 changes (100 people's job titles edited in the tenant) from the
 *      delta link the previous sync stored.
 * Every call the sync makes waits BENCH_LATENCY_MS (default 20) in the simulator.
 *
 * The sync runs as the job runs it (TenantsService.runSync -> syncTenant, with the transport,
 * MSAL tokens and Graph client of server/main.ts), on the embedded store in a new data folder
 * (BENCH_STORE=memory: in memory), and also on a fresh database of the PostgreSQL server at
 * DATABASE_URL when that is set. Each full run is a new process, so each peak is its own.
 * Each sync is checked: the employees table holds every live user of the tenant (the seeded
 * people plus shared-mailbox accounts, as GET /_sim/state?summary=true counts them), and a delta
 * sync updates exactly the 100 changed people, who then carry the new job title.
 *
 * Baselines, measured in the same run: paging the same users from /v1.0/users/delta with plain
 * fetch (same $select, JSON parsed, nothing stored); and, for the delta, plain fetch of the same
 * stored delta link. The ratio is our overhead over pure transfer.
 *
 * "RSS before" is the worker's RSS just before the timed part (store open, modules loaded; with the
 * embedded store, PGlite in the same process is ~350 MB of it); "peak RSS": its high-water mark (VmHWM) after.
 *
 * Run with `npm run bench` (builds first). BENCH_RUNS sets both run counts (default: 3 full, 5 delta).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { randomBytes, randomUUID } from 'node:crypto';
import type { JobQueue } from '../../server/jobs/job-queue.js';
import type { SyncResult } from '../../server/m365/m365.schema.js';
import { repoRoot } from '../../server/paths.js';
import { printTable, type Row } from './table.js';

const USERS = Number(process.env.BENCH_USERS ?? 50_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const FULL_RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DELTA_RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHANGES = 100;
const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const RESULT_TAG = 'BENCH_RESULT ';

interface SimInfo {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  certPath: string;
}

type StoreKind = 'embedded' | 'server';

interface FetchResult {
  ms: number;
  users: number;
  pages: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

interface SyncWorkerResult {
  full: { ms: number; result: SyncResult; rows: number; rssBeforeMb: number; peakRssMb: number };
  deltas: { ms: number; baselineMs: number; result: SyncResult }[];
}

const mb = (kb: number) => kb / 1024;
function procStatus(field: 'VmHWM' | 'VmRSS'): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return mb(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN));
}

function report(result: unknown): void {
  process.stdout.write(`${RESULT_TAG}${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------- workers (trust the simulator)

async function simJson<T>(sim: SimInfo, pathAndQuery: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.url}${pathAndQuery}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const liveUsers = async (sim: SimInfo) => (await simJson<{ counts: { users: number } }>(sim, '/_sim/state?summary=true')).counts.users;

/** A Graph app-only token with plain fetch (client credentials), for the baselines. */
async function plainToken(sim: SimInfo): Promise<string> {
  const res = await fetch(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret, scope: `${GRAPH_RESOURCE}/.default` }),
  });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(`token request failed: ${body.error_description ?? res.status}`);
  return body.access_token;
}

/** Follows nextLinks from `url` to the deltaLink with plain fetch: what the transfer alone costs. */
async function plainPages(url: string, token: string): Promise<{ users: number; pages: number }> {
  let users = 0;
  let pages = 0;
  for (let next: string | undefined = url; next; ) {
    const res = await fetch(next, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET ${next}: HTTP ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { value: unknown[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
    users += page.value.length;
    pages++;
    next = page['@odata.nextLink'];
    if (!next && !page['@odata.deltaLink']) throw new Error('the delta ended without a deltaLink');
  }
  return { users, pages };
}

async function fetchWorker(sim: SimInfo): Promise<void> {
  // Only what it needs, so that its RSS is the transfer's.
  const { USER_FIELDS } = await import('../../server/m365/directory.js');
  const rssBeforeMb = procStatus('VmRSS');
  const expected = await liveUsers(sim);
  const token = await plainToken(sim);
  const t0 = performance.now();
  // The first request the sync makes (server/m365/directory.ts usersDelta).
  const { users, pages } = await plainPages(`${sim.url}/v1.0/users/delta?$select=${[...USER_FIELDS, 'manager'].join(',')}`, token);
  const ms = performance.now() - t0;
  if (users !== expected) throw new Error(`plain paging read ${users} users, the tenant has ${expected}`);
  report({ ms, users, pages, rssBeforeMb, peakRssMb: procStatus('VmHWM') } satisfies FetchResult);
}

async function syncWorker(sim: SimInfo, kind: StoreKind, deltaRuns: number): Promise<void> {
  const { and, eq, isNull, sql } = await import('drizzle-orm');
  const { loadConfig } = await import('../../server/config.js');
  const { SecretBox } = await import('../../server/crypto/envelope.js');
  const { openStore } = await import('../../server/db/store.js');
  const { createLogger } = await import('../../server/log.js');
  const { employees, tenants } = await import('../../server/m365/m365.schema.js');
  const { createTenantsService } = await import('../../server/m365/tenants.service.js');
  const { createTransport } = await import('../../server/m365/transport.js');
  const { organisations } = await import('../../server/orgs/orgs.schema.js');
  const dataDir = kind === 'embedded' && process.env.BENCH_STORE !== 'memory' ? fs.mkdtempSync(path.join(os.tmpdir(), 'offramp-bench-sync-')) : null;
  // The store and M365 settings `npm start` would use (defaults), pointed at the simulated tenant.
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ...(kind === 'server' ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : dataDir ? { DATA_DIR: dataDir } : { EMBEDDED_STORE: 'memory' }),
  });
  const log = createLogger({ level: 'warn', pretty: false });
  const store = await openStore(config.store, log);
  try {
    const transport = createTransport({
      endpoints: { authorityHost: sim.url, graphBaseUrl: sim.url, exchangeBaseUrl: sim.url },
      perTenantConcurrency: config.m365.tenantConcurrency,
      globalConcurrency: config.m365.globalConcurrency,
      log,
    });
    const box = new SecretBox(randomBytes(32));
    const noJobs = { now: async () => 'none' } as unknown as JobQueue;
    const service = createTenantsService({
      db: store.db,
      box,
      transport,
      jobs: noJobs,
      app: { clientId: sim.clientId, clientSecret: sim.clientSecret, authorityHost: sim.url },
      demoTenant: { tenantId: sim.tenantId },
      publicUrl: 'http://127.0.0.1',
      syncIntervalMs: config.m365.syncIntervalMs,
      log,
    });

    // An organisation and a connected tenant, as TenantsService.connect records them.
    const [org] = await store.db.insert(organisations).values({ name: 'Bench' }).returning();
    const tenantRef = randomUUID();
    const creds = { tenantId: sim.tenantId, clientId: sim.clientId, clientSecret: sim.clientSecret };
    await store.db.insert(tenants).values({
      id: tenantRef,
      orgId: org!.id,
      tenantId: sim.tenantId,
      displayName: 'Contoso (bench)',
      defaultDomain: 'contoso.com',
      demo: true,
      status: 'connected',
      credentials: box.seal(JSON.stringify(creds), `tenant:${tenantRef}`),
      grantedPermissions: [],
      syncState: 'queued',
    });

    const rowOf = async () => (await store.db.select().from(tenants).where(eq(tenants.id, tenantRef)))[0]!;
    const liveRows = async () =>
      ((await store.db
        .select({ n: sql<number>`count(*)::int` })
        .from(employees)
        .where(and(eq(employees.tenantRef, tenantRef), isNull(employees.removedAt)))) as [{ n: number }])[0].n;
    /** The job: TenantsService.runSync records a failure on the row instead of throwing. */
    const runSync = async (full: boolean) => {
      const t0 = performance.now();
      await service.runSync(tenantRef, full);
      const ms = performance.now() - t0;
      const row = await rowOf();
      if (row.syncState !== 'succeeded' || !row.syncResult) throw new Error(`sync ${row.syncState}: ${row.syncError}`);
      return { ms, result: row.syncResult, row };
    };

    // (a) full sync into an empty store.
    const expected = await liveUsers(sim);
    const rssBeforeMb = procStatus('VmRSS');
    const full = await runSync(true);
    const peakRssMb = procStatus('VmHWM');
    const rows = await liveRows();
    const r = full.result;
    if (r.added !== expected || r.updated !== 0 || r.removed !== 0 || r.total !== expected || rows !== expected) {
      throw new Error(`full sync: expected ${expected} users added, got ${JSON.stringify(r)} and ${rows} rows`);
    }
    if (!full.row.usersDeltaLink) throw new Error('full sync stored no delta link');

    // (b) delta syncs of CHANGES changes each, different people each round.
    const ids = (await store.db.select({ id: employees.objectId }).from(employees).where(eq(employees.tenantRef, tenantRef)).orderBy(employees.userPrincipalName)).map((e) => e.id);
    if (ids.length < CHANGES * deltaRuns) throw new Error(`too few users (${ids.length}) for ${deltaRuns} rounds of ${CHANGES} changes`);
    const token = await plainToken(sim);
    const deltas: SyncWorkerResult['deltas'] = [];
    for (let round = 0; round < deltaRuns; round++) {
      const title = `Bench ${process.pid}.${round} ${randomBytes(3).toString('hex')}`;
      const changed = ids.slice(round * CHANGES, (round + 1) * CHANGES);
      for (let i = 0; i < changed.length; i += 20) {
        await Promise.all(changed.slice(i, i + 20).map((id) => simJson(sim, '/_sim/admin/updateUser', { args: [id, { jobTitle: title }] })));
      }
      const link = (await rowOf()).usersDeltaLink!;
      const b0 = performance.now();
      const plain = await plainPages(link, token);
      const baselineMs = performance.now() - b0;
      if (plain.users !== CHANGES) throw new Error(`plain fetch of the delta link saw ${plain.users} changes, not ${CHANGES}`);
      const delta = await runSync(false);
      const d = delta.result;
      const retitled = ((await store.db
        .select({ n: sql<number>`count(*)::int` })
        .from(employees)
        .where(and(eq(employees.tenantRef, tenantRef), eq(employees.jobTitle, title)))) as [{ n: number }])[0].n;
      if (d.updated !== CHANGES || d.added !== 0 || d.removed !== 0 || d.total !== expected || retitled !== CHANGES) {
        throw new Error(`delta sync: expected ${CHANGES} updated, got ${JSON.stringify(d)}, ${retitled} rows with the new title`);
      }
      deltas.push({ ms: delta.ms, baselineMs, result: d });
    }
    report({ full: { ms: full.ms, result: r, rows, rssBeforeMb, peakRssMb }, deltas } satisfies SyncWorkerResult);
  } finally {
    await store.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the bench (parent process)

const self = fileURLToPath(import.meta.url);

/** Runs this file as a worker that trusts the simulator's certificate (read by Node only at start). */
async function worker<T>(role: 'fetch' | 'sync', sim: SimInfo, env: Record<string, string> = {}): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', self], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, BENCH_ROLE: role, BENCH_SIM: JSON.stringify(sim), NODE_EXTRA_CA_CERTS: sim.certPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let result: T | undefined;
  const output: string[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith(RESULT_TAG)) result = JSON.parse(line.slice(RESULT_TAG.length)) as T;
    else output.push(line);
  });
  readline.createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0 || result === undefined) throw new Error(`bench ${role} worker failed (exit ${code}):\n${output.slice(-40).join('\n')}`);
  return result;
}

async function startSimulatorProcess(tlsDir: string) {
  const cli = path.join(repoRoot, 'dist', 'server', 'simulator', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('Build first: npm run build:server');
  const child = spawn(
    process.execPath,
    [cli, '--users', String(USERS), '--realism', JSON.stringify({ latency: LATENCY_MS }), '--tls-dir', tlsDir, '--log-level', 'warn'],
    { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const info = await new Promise<SimInfo>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as SimInfo));
  });
  const rssMb = mb(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN));
  return {
    info,
    rssMb,
    async stop() {
      if (child.exitCode !== null) return;
      child.removeAllListeners('exit');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offramp-bench-tls-'));
  const s0 = performance.now();
  const sim = await startSimulatorProcess(tlsDir);
  process.stderr.write(`simulated tenant with ${USERS} people up in ${((performance.now() - s0) / 1000).toFixed(1)} s (${sim.rssMb.toFixed(0)} MB RSS, its own process)\n`);
  const kinds: StoreKind[] = process.env.DATABASE_URL ? ['embedded', 'server'] : ['embedded'];
  const embeddedLabel = process.env.BENCH_STORE === 'memory' ? 'embedded store, in memory' : 'embedded store, new data folder';
  const label = (k: StoreKind) => (k === 'embedded' ? embeddedLabel : 'PostgreSQL server');
  try {
    const fullBase: Row = { name: `plain fetch of /users/delta, ${USERS} people`, samples: [], unit: 'ms' };
    const deltaBase: Row = { name: `plain fetch of the delta link, ${CHANGES} changes`, samples: [], unit: 'ms' };
    const fullRows = new Map<StoreKind, Row>(kinds.map((k) => [k, { name: `full sync, ${label(k)}`, samples: [], unit: 'ms' }]));
    const deltaRows = new Map<StoreKind, Row>(kinds.map((k) => [k, { name: `delta sync, ${label(k)}`, samples: [], unit: 'ms' }]));
    const peaks = new Map<StoreKind, number[]>(kinds.map((k) => [k, []]));
    const before = new Map<StoreKind, number[]>(kinds.map((k) => [k, []]));
    const basePeaks: number[] = [];
    const baseBefore: number[] = [];
    let users = 0;
    let pages = 0;

    for (let i = 0; i < FULL_RUNS; i++) {
      const f = await worker<FetchResult>('fetch', sim.info);
      fullBase.samples.push(f.ms);
      basePeaks.push(f.peakRssMb);
      baseBefore.push(f.rssBeforeMb);
      users = f.users;
      pages = f.pages;
      for (const kind of kinds) {
        const db = kind === 'server' ? await (await import('../support/databases.js')).freshServerDatabase(process.env.DATABASE_URL!) : null;
        try {
          const w = await worker<SyncWorkerResult>('sync', sim.info, {
            BENCH_KIND: kind,
            BENCH_DELTA_RUNS: String(i === 0 ? DELTA_RUNS : 0),
            ...(db ? { BENCH_DATABASE_URL: db.url } : {}),
            ...(process.env.BENCH_STORE ? { BENCH_STORE: process.env.BENCH_STORE } : {}),
          });
          fullRows.get(kind)!.samples.push(w.full.ms);
          peaks.get(kind)!.push(w.full.peakRssMb);
          before.get(kind)!.push(w.full.rssBeforeMb);
          for (const d of w.deltas) {
            deltaRows.get(kind)!.samples.push(d.ms);
            if (kind === kinds[0]) deltaBase.samples.push(d.baselineMs);
          }
          process.stderr.write(`run ${i + 1}/${FULL_RUNS} ${label(kind)}: full ${(w.full.ms / 1000).toFixed(1)} s, peak RSS ${w.full.peakRssMb.toFixed(0)} MB${w.deltas.length ? `, deltas ${w.deltas.map((d) => d.ms.toFixed(0)).join('/')} ms` : ''}\n`);
        } finally {
          await db?.drop();
        }
      }
    }

    const maxMb = (v: number[]) => `${Math.max(...v).toFixed(0)} MB`;
    fullBase.extra = { 'peak RSS': maxMb(basePeaks), 'RSS before': maxMb(baseBefore), 'users read': `${users} in ${pages} pages` };
    for (const kind of kinds) {
      fullRows.get(kind)!.extra = {
        'peak RSS': maxMb(peaks.get(kind)!),
        'RSS before': maxMb(before.get(kind)!),
        'users read': `${users}, all stored and checked`,
      };
      deltaRows.get(kind)!.extra = { 'checked': `${CHANGES} updated, ${users} live` };
    }
    deltaBase.extra = { 'checked': `${CHANGES} changes in the link` };
    const where = `${os.cpus().length} cores, Node ${process.version}, simulated latency ${LATENCY_MS} ms per call`;
    printTable(`Full sync of ${USERS} people (${FULL_RUNS} runs, ${where})`, fullBase, [...fullRows.values()]);
    printTable(`Delta sync of ${CHANGES} changes after a full sync of ${USERS} people (${DELTA_RUNS} runs, ${where})`, deltaBase, [...deltaRows.values()]);
  } finally {
    await sim.stop();
    fs.rmSync(tlsDir, { recursive: true, force: true });
  }
}

const role = process.env.BENCH_ROLE;
if (role === 'fetch' || role === 'sync') {
  const sim = JSON.parse(process.env.BENCH_SIM!) as SimInfo;
  if (role === 'fetch') await fetchWorker(sim);
  else await syncWorker(sim, (process.env.BENCH_KIND as StoreKind | undefined) ?? 'embedded', Number(process.env.BENCH_DELTA_RUNS ?? 0));
} else {
  await main();
}
