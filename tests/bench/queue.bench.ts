/**
 * The leaver queue and the checklist at size: BENCH_PEOPLE people (default 10,000) and
 * BENCH_ASSETS assets (default 30,000: 40% hardware, 50% seats, 10% asset requests) in one
 * organisation, on the embedded store (PGlite in memory behind its loopback socket, always) and
 * on a fresh database of the PostgreSQL server at DATABASE_URL (when that is set; dropped at the end).
 *
 * The real app (startOfframp with the test configuration, DEMO_ASSETS=false), an organisation
 * made through the API, the demo tenant connected and synced (BENCH_SIM_USERS people, default
 * 20); then the fixture, inserted in bulk with SQL through app.store.pool into that org and
 * tenant: people (8% leaving between -15 and +180 days, 3% offboarded, most with a manager among
 * them), hardware (mostly assigned, some in stock or retired; a few offboarded people still hold
 * some: the queue's safety net), seats (10% free), requests (all five states), and a finished
 * offboarding run for a third of the leavers (two for some), then ANALYZE.
 *
 * Before anything is timed, each answer is checked against SQL of our own: the queue's people
 * (ids, and the sums of their open counts, managers and latest runs) and the checklist's open
 * counts. A wrong answer fails the bench.
 *
 * Timed, one call at a time, BENCH_RUNS times (default 50) after BENCH_WARMUP (default 5),
 * the rows of each table interleaved:
 *  - GET /api/v1/orgs/:orgId/queue?days=30 and ?days=180 over HTTP with the owner's bearer token,
 *    body parsed.
 *    Baseline: a plain SQL query through the pool listing the same people (id, name, leave date):
 *    no counts, no manager, no run, no tenant (only the safety net's EXISTS). The ratio is what
 *    the counts, manager, run and HTTP cost.
 *  - GET /api/v1/orgs/:orgId/people/:employeeId/checklist for a leaver holding the most open
 *    assets. Baseline: SELECT * FROM employees WHERE id = $1 through the pool.
 *
 * Run with `npx tsx tests/bench/queue.bench.ts` (or `npm run bench`). The simulated tenant's
 * certificate must be trusted when Node starts, so the bench runs itself again as a child
 * process with NODE_EXTRA_CA_CERTS set.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Checklist, QueueResult } from '../../server/assets/contract.js';
import type { Offramp } from '../../server/main.js';
import { percentile, printTable, type Row } from './table.js';
import { runTrusted } from './trusted.js';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 10_000);
const ASSETS = Number(process.env.BENCH_ASSETS ?? 30_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const SIM_USERS = Number(process.env.BENCH_SIM_USERS ?? 20);
const WINDOWS = [30, 180] as const;
const DAY = 86_400_000;
const self = fileURLToPath(import.meta.url);

type StoreKind = 'embedded' | 'server';

/** A pseudo-random index in 1..n from i and a salt (from md5, the same on both stores): the fixture is the same every run. */
const pick = (i: string, salt: number, n: string) => `(1 + (('x' || substr(md5(${i}::text || ':${salt}'), 1, 8))::bit(32)::bigint % ${n})::int)`;
/** People are numbered 1..PEOPLE by their UPN; those numbered 50–52 mod 100 are offboarded, 0–7 mod 100 are leaving. */
const OFFBOARDED = (n: string) => `(${n} % 100 IN (50, 51, 52))`;
const LEAVING = (n: string) => `(${n} % 100 < 8)`;

/** The baseline: the same people, nothing else. */
const PEOPLE_SQL = `
  SELECT e.id, e.display_name, e.leave_date FROM employees e
  WHERE e.org_id = $1 AND e.status <> 'offboarded' AND e.leave_date <= $2
  UNION ALL
  SELECT e.id, e.display_name, e.leave_date FROM employees e
  WHERE e.org_id = $1 AND e.status = 'offboarded' AND EXISTS (SELECT 1 FROM hardware h WHERE h.assigned_to = e.id)
  ORDER BY 3 ASC NULLS LAST, 2 ASC`;

/** What the queue should answer, by our own SQL. */
const EXPECTED_SQL = `
  WITH q AS (
    SELECT e.id, e.tenant_ref, e.manager_object_id FROM employees e
    WHERE e.org_id = $1
      AND ((e.status <> 'offboarded' AND e.leave_date <= $2)
        OR (e.status = 'offboarded' AND EXISTS (SELECT 1 FROM hardware h WHERE h.assigned_to = e.id)))
  )
  SELECT (SELECT coalesce(array_agg(id::text ORDER BY id::text), '{}') FROM q) AS ids,
         (SELECT count(*)::int FROM hardware h JOIN q ON h.assigned_to = q.id) AS hardware,
         (SELECT count(*)::int FROM seats s JOIN q ON s.holder_id = q.id WHERE s.status <> 'free') AS seats,
         (SELECT count(*)::int FROM asset_requests r JOIN q ON r.employee_id = q.id WHERE r.status IN ('pending', 'approved')) AS requests,
         (SELECT count(*)::int FROM q WHERE EXISTS (SELECT 1 FROM employees m WHERE m.tenant_ref = q.tenant_ref AND m.object_id = q.manager_object_id)) AS managed,
         (SELECT count(*)::int FROM q WHERE EXISTS (SELECT 1 FROM offboarding_runs o WHERE o.employee_id = q.id)) AS with_run,
         (SELECT count(*)::int FROM q JOIN employees e ON e.id = q.id WHERE e.status = 'offboarded') AS safety_net`;

interface Expected {
  ids: string[];
  hardware: number;
  seats: number;
  requests: number;
  managed: number;
  with_run: number;
  safety_net: number;
}

interface FixtureCounts {
  people: number;
  leaving: number;
  offboarded: number;
  hardware: number;
  seats: number;
  requests: number;
  runs: number;
}

async function loadFixture(app: Offramp, orgId: string, tenantRef: string): Promise<FixtureCounts> {
  const q = (text: string, values: unknown[] = []) => app.store.pool.query(text, values);
  const hardwareN = Math.round(ASSETS * 0.4);
  const seatsN = Math.round(ASSETS * 0.5);
  const requestsN = ASSETS - hardwareN - seatsN;
  const n = String(PEOPLE);

  // People, numbered by their UPN; a manager for 90% of them (person i / 8: a tree of about five levels).
  await q(
    `WITH ids AS MATERIALIZED (SELECT i, gen_random_uuid() AS oid FROM generate_series(1, $3::int) AS i)
     INSERT INTO employees (org_id, tenant_ref, object_id, user_principal_name, mail, display_name, given_name, surname,
                            department, job_title, manager_object_id, leave_date, hire_date, account_enabled, status, offboarded_at, offboarded_by)
     SELECT $1, $2, e.oid,
            'bench.' || lpad(e.i::text, 6, '0') || '@bench.example', 'bench.' || lpad(e.i::text, 6, '0') || '@bench.example',
            'Bench Person ' || lpad(e.i::text, 6, '0'), 'Bench', 'Person ' || e.i,
            (ARRAY['Sales', 'Engineering', 'Finance', 'Support', 'Marketing', 'Operations', 'Legal'])[1 + e.i % 7],
            (ARRAY['Analyst', 'Engineer', 'Manager', 'Specialist', 'Director', 'Associate'])[1 + (e.i / 7) % 6],
            m.oid,
            CASE WHEN ${LEAVING('e.i')} THEN now() + make_interval(days => ${pick('e.i', 11, '196')} - 16, hours => e.i % 24)
                 WHEN ${OFFBOARDED('e.i')} THEN now() - make_interval(days => ${pick('e.i', 17, '365')}) END,
            now() - make_interval(days => 30 + ${pick('e.i', 23, '3000')}),
            NOT ${OFFBOARDED('e.i')},
            CASE WHEN ${OFFBOARDED('e.i')} THEN 'offboarded' ELSE 'active' END,
            CASE WHEN ${OFFBOARDED('e.i')} THEN now() - make_interval(days => ${pick('e.i', 17, '365')}) END,
            CASE WHEN ${OFFBOARDED('e.i')} THEN 'Bench Admin' END
     FROM ids e LEFT JOIN ids m ON e.i % 10 <> 0 AND m.i = e.i / 8`,
    [orgId, tenantRef, PEOPLE],
  );
  const people = `p AS MATERIALIZED (SELECT id, row_number() OVER (ORDER BY user_principal_name)::int AS n FROM employees WHERE org_id = $1 AND user_principal_name LIKE 'bench.%@bench.example')`;

  // Hardware: 15% unassigned (in stock, retired, in repair); the rest to random people, moved off
  // offboarded people except one in eight of theirs (the safety net).
  await q(
    `WITH ${people}, g AS (
       SELECT i, CASE WHEN i % 20 IN (0, 1, 2) THEN NULL
                      WHEN ${OFFBOARDED(pick('i', 29, n))} AND i % 8 <> 0 THEN least(${n}, ${pick('i', 29, n)} + 3)
                      ELSE ${pick('i', 29, n)} END AS holder
       FROM generate_series(1, $2::int) AS i)
     INSERT INTO hardware (org_id, source, model, manufacturer, asset_tag, serial, status, assigned_to, assigned_since)
     SELECT $1, 'manual', (ARRAY['Latitude 7440', 'MacBook Pro 14', 'ThinkPad X1', 'iPhone 15', 'Surface Pro 9', 'Dell U2723QE'])[1 + g.i % 6],
            (ARRAY['Dell', 'Apple', 'Lenovo', 'Apple', 'Microsoft', 'Dell'])[1 + g.i % 6],
            'BENCH-HW-' || lpad(g.i::text, 6, '0'), 'SN' || md5(g.i::text),
            CASE WHEN p.id IS NOT NULL THEN 'assigned' WHEN g.i % 20 = 0 THEN 'in_stock' WHEN g.i % 20 = 1 THEN 'retired' ELSE 'in_repair' END,
            p.id, CASE WHEN p.id IS NOT NULL THEN now() - make_interval(days => ${pick('g.i', 31, '900')}) END
     FROM g LEFT JOIN p ON p.n = g.holder`,
    [orgId, hardwareN],
  );

  // Seats: 10% free, the rest held by random people.
  await q(
    `WITH ${people}
     INSERT INTO seats (org_id, source, product, vendor, holder_id, status, assigned_since, cost_cents)
     SELECT $1, 'manual', (ARRAY['Slack Pro', 'Zoom Business', 'Figma', 'GitHub Enterprise', 'Salesforce', 'Adobe CC', 'Jira', 'Notion'])[1 + g.i % 8],
            (ARRAY['Slack', 'Zoom', 'Figma', 'GitHub', 'Salesforce', 'Adobe', 'Atlassian', 'Notion'])[1 + g.i % 8],
            p.id, CASE WHEN p.id IS NULL THEN 'free' ELSE 'assigned' END,
            CASE WHEN p.id IS NOT NULL THEN now() - make_interval(days => ${pick('g.i', 37, '700')}) END,
            500 + (g.i % 10) * 450
     FROM generate_series(1, $2::int) AS g(i) LEFT JOIN p ON g.i % 10 <> 0 AND p.n = ${pick('g.i', 41, n)}`,
    [orgId, seatsN],
  );

  // Requests: pending, approved (open), fulfilled, rejected, cancelled (closed); 2% for nobody.
  await q(
    `WITH ${people}
     INSERT INTO asset_requests (org_id, employee_id, what, status, requested_by_name, created_at, resolved_at, resolved_by_name)
     SELECT $1, p.id, (ARRAY['A laptop', 'A monitor', 'A Figma seat', 'A phone', 'A headset'])[1 + g.i % 5],
            (ARRAY['pending', 'approved', 'fulfilled', 'rejected', 'cancelled'])[1 + (g.i / 3) % 5],
            'Bench Requester', now() - make_interval(days => ${pick('g.i', 43, '120')}),
            CASE WHEN (g.i / 3) % 5 >= 2 THEN now() END, CASE WHEN (g.i / 3) % 5 >= 2 THEN 'Bench Admin' END
     FROM generate_series(1, $2::int) AS g(i) LEFT JOIN p ON g.i % 50 <> 0 AND p.n = ${pick('g.i', 47, n)}`,
    [orgId, requestsN],
  );

  // Finished offboarding runs for a third of the leavers, and an older one for a sixth (the latest wins).
  const runs = (extra: string, state: string, daysAgo: string) => `
     WITH ${people}
     INSERT INTO offboarding_runs (org_id, tenant_ref, employee_id, person, plan, state, "when", requested_by_name, created_at, started_at, finished_at)
     SELECT $1, $2, e.id,
            jsonb_build_object('employeeId', e.id, 'objectId', e.object_id, 'userPrincipalName', e.user_principal_name,
                               'displayName', e.display_name, 'mail', e.mail, 'jobTitle', e.job_title, 'department', e.department),
            '[]'::jsonb, ${state}, '{"kind":"now"}'::jsonb, 'Bench Admin',
            now() - make_interval(days => ${daysAgo}), now() - make_interval(days => ${daysAgo}), now() - make_interval(days => ${daysAgo}) + interval '3 minutes'
     FROM p JOIN employees e ON e.id = p.id
     WHERE ${LEAVING('p.n')} AND ${extra}`;
  await q(runs('p.n % 6 = 0', `'failed'`, '20'), [orgId, tenantRef]);
  await q(runs('p.n % 3 = 0', `(ARRAY['succeeded', 'partially_failed', 'failed', 'cancelled'])[1 + p.n % 4]`, '2'), [orgId, tenantRef]);

  await q('ANALYZE');
  const { rows } = await q(
    `SELECT (SELECT count(*)::int FROM employees WHERE org_id = $1) AS people,
            (SELECT count(*)::int FROM employees WHERE org_id = $1 AND leave_date IS NOT NULL AND status <> 'offboarded') AS leaving,
            (SELECT count(*)::int FROM employees WHERE org_id = $1 AND status = 'offboarded') AS offboarded,
            (SELECT count(*)::int FROM hardware WHERE org_id = $1) AS hardware,
            (SELECT count(*)::int FROM seats WHERE org_id = $1) AS seats,
            (SELECT count(*)::int FROM asset_requests WHERE org_id = $1) AS requests,
            (SELECT count(*)::int FROM offboarding_runs WHERE org_id = $1) AS runs`,
    [orgId],
  );
  return rows[0] as FixtureCounts;
}

async function benchStore(kind: StoreKind): Promise<void> {
  const { startOfframp } = await import('../../server/main.js');
  const { testConfig } = await import('../support/env.js');
  const { freshServerDatabase } = await import('../support/databases.js');
  const { connectDemoTenant } = await import('../support/offboarding.js');
  const { makeOrg } = await import('../support/orgs.js');

  const database = kind === 'server' ? await freshServerDatabase(process.env.DATABASE_URL!) : null;
  let app: Offramp | null = null;
  try {
    app = await startOfframp(
      testConfig({
        DATABASE_URL: database?.url,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
        SIMULATOR_USERS: String(SIM_USERS),
        DEMO_ASSETS: 'false',
        // No scheduled full sync of the demo tenant while timing.
        SYNC_INTERVAL_MINUTES: '1440',
      }),
    );
    const a = app;
    const pool = a.store.pool;
    const label = kind === 'embedded' ? 'embedded store (PGlite in memory)' : `PostgreSQL server (${(await pool.query('SHOW server_version')).rows[0].server_version})`;
    const org = await makeOrg(a, 'Queue Bench', 0);
    const tenantRef = await connectDemoTenant(org);
    const member = org.owner;

    const l0 = performance.now();
    const counts = await loadFixture(a, org.id, tenantRef);
    process.stderr.write(`${label}: fixture loaded in ${((performance.now() - l0) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}\n`);

    const timed = async (fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    const getJson = async <T>(path: string): Promise<T> => {
      const res = await member.fetch(path);
      const body = await res.json();
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
      return body as T;
    };
    const until = (days: number) => new Date(Date.now() + days * DAY);
    const where = `${os.cpus().length} cores, Node ${process.version}, ${label}; ${counts.people} people, ${counts.hardware + counts.seats + counts.requests} assets, ${RUNS} runs after ${WARMUP} warm-up`;

    // ---- the queue, per window ----------------------------------------------------------
    for (const days of WINDOWS) {
      const url = `/api/v1/orgs/${org.id}/queue?days=${days}`;
      // Check the answer first (what we expect is read just before and, on a miss, again just after:
      // a leave date may cross the window's end in between).
      const expect = async () => (await pool.query(EXPECTED_SQL, [org.id, until(days)])).rows[0] as Expected;
      let expected = await expect();
      const answer = await getJson<QueueResult>(url);
      const got = {
        ids: answer.people.map((p) => p.employeeId).sort(),
        hardware: answer.people.reduce((s, p) => s + p.open.hardware, 0),
        seats: answer.people.reduce((s, p) => s + p.open.seats, 0),
        requests: answer.people.reduce((s, p) => s + p.open.requests, 0),
        managed: answer.people.filter((p) => p.manager).length,
        with_run: answer.people.filter((p) => p.latestRun).length,
        safety_net: answer.people.filter((p) => p.safetyNet).length,
      };
      const same = (e: Expected) => JSON.stringify(got) === JSON.stringify({ ...e, ids: [...e.ids].sort() });
      if (!same(expected)) expected = await expect();
      if (!same(expected)) {
        const { ids: gotIds, ...g } = got;
        const { ids: wantIds, ...w } = expected;
        throw new Error(`${label}: the ${days}-day queue answered ${gotIds.length} people ${JSON.stringify(g)}; expected ${wantIds.length} ${JSON.stringify(w)}`);
      }
      if (answer.windowDays !== days) throw new Error(`${label}: asked for ${days} days, the queue answered windowDays ${answer.windowDays}`);
      const plain = await pool.query(PEOPLE_SQL, [org.id, until(days)]);
      if (plain.rowCount !== got.ids.length) throw new Error(`${label}: the baseline query returned ${plain.rowCount} people, the API ${got.ids.length}`);

      const people = String(got.ids.length);
      const baseline: Row = { name: `plain SQL: the same people (id, name, leave date)`, samples: [], unit: 'ms', extra: { people } };
      const api: Row = {
        name: `GET /queue?days=${days} over HTTP`,
        samples: [],
        unit: 'ms',
        extra: { people, 'of which safety net': String(got.safety_net), 'open items': String(got.hardware + got.seats + got.requests) },
      };
      const steps: [Row, () => Promise<unknown>][] = [
        [baseline, () => pool.query(PEOPLE_SQL, [org.id, until(days)])],
        [api, () => getJson<QueueResult>(url)],
      ];
      for (let i = 0; i < WARMUP; i++) for (const [, fn] of steps) await fn();
      for (let i = 0; i < RUNS; i++) for (const [row, fn] of steps) row.samples.push(await timed(fn));
      printTable(`Leaver queue, ${days}-day window (${where})`, baseline, [api]);
    }

    // ---- the checklist of a leaver holding several assets -------------------------------
    const { rows: picked } = await pool.query(
      `SELECT e.id, e.display_name, c.hardware, c.seats, c.requests FROM employees e,
         LATERAL (SELECT (SELECT count(*)::int FROM hardware h WHERE h.assigned_to = e.id) AS hardware,
                         (SELECT count(*)::int FROM seats s WHERE s.holder_id = e.id AND s.status <> 'free') AS seats,
                         (SELECT count(*)::int FROM asset_requests r WHERE r.employee_id = e.id AND r.status IN ('pending', 'approved')) AS requests) c
       WHERE e.org_id = $1 AND e.status = 'active' AND e.leave_date IS NOT NULL
       ORDER BY (c.hardware > 0 AND c.seats > 0 AND c.requests > 0) DESC, EXISTS (SELECT 1 FROM offboarding_runs o WHERE o.employee_id = e.id) DESC,
                c.hardware + c.seats + c.requests DESC, e.display_name
       LIMIT 1`,
      [org.id],
    );
    const person = picked[0] as { id: string; display_name: string; hardware: number; seats: number; requests: number } | undefined;
    if (!person || person.hardware + person.seats + person.requests < 3) throw new Error(`${label}: no leaver holds 3 or more open assets`);
    const checklistUrl = `/api/v1/orgs/${org.id}/people/${person.id}/checklist`;
    const checklist = await getJson<Checklist>(checklistUrl);
    const want = { hardware: person.hardware, seats: person.seats, requests: person.requests };
    const lists = { hardware: checklist.hardware.length, seats: checklist.seats.length, requests: checklist.requests.length };
    if (JSON.stringify(checklist.open) !== JSON.stringify(want) || JSON.stringify(lists) !== JSON.stringify(want) || checklist.person.employeeId !== person.id) {
      throw new Error(`${label}: the checklist of ${person.display_name} says open ${JSON.stringify(checklist.open)}, lists ${JSON.stringify(lists)}; expected ${JSON.stringify(want)}`);
    }
    const held = `${want.hardware} hardware, ${want.seats} seats, ${want.requests} requests`;
    const base: Row = { name: 'plain SQL: SELECT * FROM employees WHERE id = $1', samples: [], unit: 'ms' };
    const check: Row = { name: `GET /people/:id/checklist over HTTP`, samples: [], unit: 'ms', extra: { holds: held, 'latest run': checklist.latestRun?.state ?? 'none' } };
    const steps: [Row, () => Promise<unknown>][] = [
      [base, () => pool.query('SELECT * FROM employees WHERE id = $1', [person.id])],
      [check, () => getJson<Checklist>(checklistUrl)],
    ];
    for (let i = 0; i < WARMUP; i++) for (const [, fn] of steps) await fn();
    for (let i = 0; i < RUNS; i++) for (const [row, fn] of steps) row.samples.push(await timed(fn));
    printTable(`Checklist of a leaver holding ${held} (${where})`, base, [check]);

  } finally {
    await app?.close();
    await database?.drop();
  }
}

async function bench(): Promise<void> {
  const kinds: StoreKind[] = process.env.DATABASE_URL ? ['embedded', 'server'] : ['embedded'];
  if (!process.env.DATABASE_URL) process.stdout.write('DATABASE_URL is not set: only the embedded store is measured (set it to a PostgreSQL server to measure that too).\n');
  for (const kind of kinds) await benchStore(kind);
}

await runTrusted(self, 'queue', bench);
