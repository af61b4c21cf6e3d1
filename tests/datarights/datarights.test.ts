import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import yauzl from 'yauzl';
import { verifyChain } from '../../server/audit/audit.service.js';
import type { DataExport, DeletionRequest } from '../../server/datarights/contract.js';
import { PURGE_JOB } from '../../server/datarights/deletion.service.js';
import { EXPORT_CLEANUP_JOB, exportFileName, exportsDirOf } from '../../server/datarights/exports.service.js';
import { ORG_TABLES, OTHER_TABLES } from '../../server/datarights/org-data.js';
import type { Offramp } from '../../server/main.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { startTestApp } from '../support/app.js';
import { demoUser, signInWithSession } from '../support/auth.js';
import { json } from '../support/json.js';
import { connectDemoTenant, employeeId, runsUrl, waitForRun } from '../support/offboarding.js';
import { invite, makeOrg, type TestOrg } from '../support/orgs.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

const DAY = 86_400_000;
const LOCAL = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_ADDRESSES: '127.0.0.1', OFFBOARDING_STEP_RETRY_MS: '50' };

/** Every file of a zip, by name. */
async function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  const files = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    files.set(entry.fileName, Buffer.concat(chunks));
  }
  return files;
}

const until = async <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * Data rights through the real API on the real store (both stores in the server pass): the
 * Owner's export of everything, the deletion request with its cancel window, and the purge.
 */
describe('data rights: export, deletion request and purge', () => {
  let app: Offramp;
  let rx: Receiver;
  let org: TestOrg;
  let other: TestOrg;
  let tenantRef: string;
  let otherTenantRef: string;
  let runId: string;
  let otherRunId: string;
  let webhookSecret: string;
  let pendingInviteToken: string;
  let session: { cookie: string; csrfToken: string };
  let exportId: string;
  let zip: Map<string, Buffer>;
  const used = new Set<string>();
  const q = async (text: string, values: unknown[] = []) => (await app.store.pool.query(text, values)).rows;
  const base = (o: TestOrg) => `/api/v1/orgs/${o.id}`;

  /** A person of the simulated tenant not signed in as a member and not used yet. */
  function person(): DirUser {
    const members = new Set(app.simulator!.users().slice(0, 8).map((u) => u.id));
    const u = app.simulator!.users().find((x) => x.kind === 'person' && x.accountEnabled && !x.onPremisesSyncEnabled && !members.has(x.id) && !used.has(x.id));
    used.add(u!.id);
    return u!;
  }
  async function offboard(o: TestOrg, steps: string[]): Promise<string> {
    const res = await o.as.admin.fetch(runsUrl(o.id), { method: 'POST', json: { employeeId: await employeeId(app, o.id, person().id), steps: steps.map((task) => ({ task, options: {} })) } });
    if (res.status !== 201) throw new Error(`run: ${res.status} ${await res.text()}`);
    const { id } = await json(res);
    await waitForRun(o.as.admin, o.id, id, ['succeeded']);
    return id as string;
  }
  async function equip(o: TestOrg, tag: string): Promise<string> {
    await o.as.admin.fetch(`${base(o)}/offboarding/settings`, { method: 'PUT', json: { requireApproval: false, allowApproveOwn: false, proposeFromLeaveDate: false } });
    const rule = await o.as.admin.fetch(`${base(o)}/integrations/rules`, {
      method: 'POST',
      json: { name: `${tag} hook`, trigger: 'offboarding.completed', action: { kind: 'webhook', url: `${rx.url}/hook?token=url-secret-${tag}` } },
    });
    if (rule.status !== 201) throw new Error(`rule: ${rule.status} ${await rule.text()}`);
    const hw = await o.as.manager.fetch(`${base(o)}/hardware`, { method: 'POST', json: { model: `${tag} ThinkPad`, assetTag: `${tag}-001` } });
    if (hw.status !== 201) throw new Error(`hardware: ${hw.status} ${await hw.text()}`);
    return (await json(rule)).secret as string;
  }

  beforeAll(async () => {
    rx = await startReceiver();
    app = await startTestApp({ ...LOCAL, SIMULATOR_USERS: '60', RATE_DESTRUCTIVE_PER_MINUTE_MEMBER: '1000', RATE_DESTRUCTIVE_PER_MINUTE_ORG: '1000' });
    app.simulator!.configure({ latency: 0 });
    org = await makeOrg(app, 'Rights Co', 0);
    other = await makeOrg(app, 'Other Co', 4);
    webhookSecret = await equip(org, 'rights');
    await equip(other, 'other');
    tenantRef = await connectDemoTenant(org);
    otherTenantRef = await connectDemoTenant(other);
    runId = await offboard(org, ['revoke_sessions', 'reset_password']);
    otherRunId = await offboard(other, ['revoke_sessions']);
    await until('the webhook deliveries', async () => (await q("SELECT 1 FROM webhook_deliveries WHERE status = 'succeeded' AND org_id = ANY($1::uuid[])", [[org.id, other.id]])).length === 2);
    pendingInviteToken = (await invite(org.owner, org.id, 'pending@contoso.com', 'viewer')).token;
    // A browser session of a member, whose secrets must never leave the store (and which goes with its user).
    session = await signInWithSession(app, demoUser(app, 1));
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await rx?.close();
  });

  it('answers 403 to everyone but an Owner', async () => {
    for (const role of ['admin', 'manager', 'viewer'] as const) {
      expect((await org.as[role].fetch(`${base(org)}/data-exports`, { method: 'POST', json: {} })).status).toBe(403);
      expect((await org.as[role].fetch(`${base(org)}/deletion-request`, { method: 'POST', json: { confirmName: 'Rights Co' } })).status).toBe(403);
      expect((await org.as[role].fetch(`${base(org)}/deletion-request`)).status).toBe(403);
      expect((await org.as[role].fetch(`${base(org)}/deletion-request`, { method: 'DELETE' })).status).toBe(403);
    }
    expect(await q('SELECT 1 FROM data_exports WHERE org_id = $1', [org.id])).toHaveLength(0);
    expect(await q('SELECT 1 FROM deletion_requests WHERE org_id = $1', [org.id])).toHaveLength(0);
  });

  it('classifies every table: exported, or not exported with a reason, or holding no organisation’s rows', async () => {
    const tables = (await q("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")).map((r) => r.table_name as string);
    const withOrgId = new Set((await q("SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'org_id'")).map((r) => r.table_name as string));
    const listed = new Map(ORG_TABLES.map((t) => [t.table, t]));
    const unclassified = tables.filter((t) => !listed.has(t) && !(t in OTHER_TABLES));
    expect(unclassified).toEqual([]);
    // A table with an org_id column holds the organisation's rows: it is exported, or excluded with a reason.
    const orgIdButNotListed = [...withOrgId].filter((t) => !listed.has(t) && t !== 'org_tombstones');
    expect(orgIdButNotListed).toEqual([]);
    for (const t of ORG_TABLES) {
      expect(tables).toContain(t.table);
      if (t.notExported !== undefined) expect(t.notExported.length).toBeGreaterThan(10);
    }
    for (const [t, reason] of Object.entries(OTHER_TABLES)) {
      expect(reason.length).toBeGreaterThan(10);
      expect(tables).toContain(t);
    }
  });

  it('exports everything of the organisation as a zip: progress up to 100, then ready', async () => {
    const auditBefore = (await q('SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1', [org.id]))[0].n as number;
    const res = await org.owner.fetch(`${base(org)}/data-exports`, { method: 'POST', json: {} });
    expect(res.status).toBe(202);
    const started = await json(res);
    expect(started).toEqual({ id: expect.any(String), status: 'queued', progress: 0 });
    exportId = started.id;

    const seen: number[] = [];
    const done = await until('the export', async () => {
      const e: DataExport = await json(await org.owner.fetch(`${base(org)}/data-exports/${exportId}`));
      seen.push(e.progress);
      return e.status === 'ready' || e.status === 'failed' ? e : null;
    });
    expect(done).toMatchObject({ id: exportId, status: 'ready', progress: 100, error: null, finishedAt: expect.any(String), createdAt: expect.any(String) });
    expect(done.sizeBytes).toBeGreaterThan(1000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // progress only goes up
    expect(fs.existsSync(path.join(exportsDirOf(app.config), exportFileName(exportId)))).toBe(true);
    expect((await json(await org.owner.fetch(`${base(org)}/data-exports`))).map((e: DataExport) => e.id)).toContain(exportId);
    // Another organisation's Owner does not see it.
    expect((await other.owner.fetch(`${base(org)}/data-exports/${exportId}`)).status).toBe(404);
    expect((await other.owner.fetch(`${base(other)}/data-exports/${exportId}`)).status).toBe(404);
    expect((await org.as.admin.fetch(`${base(org)}/data-exports/${exportId}/download`)).status).toBe(403);

    const dl = await org.owner.fetch(`${base(org)}/data-exports/${exportId}/download`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('application/zip');
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment; filename="offramp-export-Rights-Co-\d{4}-\d{2}-\d{2}\.zip"$/);
    const body = Buffer.from(await dl.arrayBuffer());
    expect(body.length).toBe(done.sizeBytes);
    zip = await unzip(body);

    // One JSON file per exported table, holding this organisation's rows and no other's.
    const exported = ORG_TABLES.filter((t) => !t.notExported && !t.exportedAs).map((t) => `${t.table}.json`);
    for (const name of exported) expect([...zip.keys()]).toContain(name);
    const rows = (table: string) => JSON.parse(zip.get(`${table}.json`)!.toString('utf8')) as Record<string, unknown>[];
    expect(rows('organisations')).toEqual([expect.objectContaining({ id: org.id, name: 'Rights Co' })]);
    for (const name of exported) {
      const list = JSON.parse(zip.get(name)!.toString('utf8')) as Record<string, unknown>[];
      for (const r of list) if ('org_id' in r) expect(r.org_id).toBe(org.id);
    }
    for (const t of ['employees', 'tenants', 'hardware', 'seats', 'offboarding_runs', 'integration_rules', 'webhook_deliveries', 'org_events', 'invites', 'members', 'audit_events']) {
      const n = (await q(`SELECT count(*)::int AS n FROM ${t} WHERE org_id = $1`, [org.id]))[0].n as number;
      expect(n).toBeGreaterThan(0);
      if (t !== 'audit_events') expect({ t, n: rows(t).length }).toEqual({ t, n });
    }
    expect(rows('offboarding_steps').map((s) => s.run_id)).toEqual([runId, runId]);
    expect(rows('delivery_attempts').length).toBeGreaterThan(0);
    const memberRows = rows('members');
    expect(memberRows).toHaveLength(4);
    const names = (await q('SELECT u.display_name, u.email FROM members m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1', [org.id])).map((r) => `${r.display_name}|${r.email}`);
    expect(memberRows.map((m) => `${m.user_display_name}|${m.user_email}`).sort()).toEqual(names.sort());

    // The compliance PDF of each run that ended, real bytes.
    const pdf = zip.get(`reports/${runId}.pdf`);
    expect(pdf?.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf!.length).toBeGreaterThan(5_000);

    // The audit trail as CSV, with a header, every entry of the organisation up to the export.
    const csvText = zip.get('audit.csv')!.toString('utf8');
    expect(csvText.split('\n')[0]).toBe('seq,at,actor,actor_role,actor_tid,actor_oid,action,target_type,target_id,target,source,outcome,request_id,details,prev_hash,hash');
    const entries = parseCsv(csvText, { columns: true }) as Record<string, string>[];
    expect(entries.length).toBeGreaterThanOrEqual(auditBefore + 1);
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['member.joined', 'offboarding.run_created', 'data_export.requested']));
    expect(entries.map((e) => Number(e.seq))).toEqual(entries.map((_, i) => i + 1));
    const hashes = new Set((await q('SELECT hash FROM audit_events WHERE org_id = $1', [org.id])).map((r) => r.hash as string));
    expect(entries.every((e) => hashes.has(e.hash!))).toBe(true);
    const manifest = JSON.parse(zip.get('manifest.json')!.toString('utf8'));
    expect(manifest.organisation).toEqual({ id: org.id, name: 'Rights Co' });
    expect(manifest.notExported).toHaveProperty('consent_attempts');
  });

  it('puts no secret in the zip, and nothing of another organisation', async () => {
    const everything = [...zip.values()].map((b) => b.toString('latin1')).join('\n');
    const secrets: string[] = [webhookSecret, 'url-secret-rights', pendingInviteToken, session.cookie.split('=')[1]!, session.csrfToken];
    for (const r of await q('SELECT credentials FROM tenants WHERE org_id = $1', [org.id])) secrets.push(r.credentials.ct, r.credentials.wk);
    for (const r of await q('SELECT secrets FROM integration_rules WHERE org_id = $1', [org.id])) secrets.push(r.secrets.ct, r.secrets.wk);
    for (const r of await q('SELECT token_hash FROM invites WHERE org_id = $1', [org.id])) secrets.push(r.token_hash);
    for (const r of await q('SELECT id_hash, csrf_token FROM sessions')) secrets.push(r.id_hash, r.csrf_token);
    const [sealed] = await q('SELECT password FROM offboarding_runs WHERE id = $1', [runId]);
    expect(sealed.password).not.toBeNull(); // the run's password was still waiting for the approver at export time
    secrets.push(sealed.password.ct, sealed.password.wk);
    expect(secrets.length).toBeGreaterThan(12);
    for (const s of secrets) expect({ secret: s, found: everything.includes(s) }).toEqual({ secret: s, found: false });
    // Nor the password itself (shown once, now).
    const shown = await json(await org.as.admin.fetch(runsUrl(org.id, `/${runId}/password`), { method: 'POST', json: {} }));
    expect(shown.password).toEqual(expect.any(String));
    expect(everything.includes(shown.password)).toBe(false);
    const leftOut = (table: string, column: string) => (JSON.parse(zip.get(`${table}.json`)!.toString('utf8')) as Record<string, unknown>[]).every((r) => !(column in r));
    expect([leftOut('tenants', 'credentials'), leftOut('offboarding_runs', 'password'), leftOut('integration_rules', 'secrets'), leftOut('invites', 'token_hash')]).toEqual([true, true, true, true]);
    // Nothing of the other organisation.
    for (const id of [other.id, otherTenantRef, otherRunId, ...Object.values(other.memberIds), 'Other Co', 'url-secret-other']) expect({ id, found: everything.includes(id) }).toEqual({ id, found: false });
  });

  it('refuses a deletion request with the wrong name, naming what is wrong; a request can be cancelled in its window', async () => {
    const url = `${base(org)}/deletion-request`;
    const missing = await org.owner.fetch(url, { method: 'POST', json: {} });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.message).toContain('confirmName');
    const wrong = await org.owner.fetch(url, { method: 'POST', json: { confirmName: 'rights co' } });
    expect(wrong.status).toBe(400);
    const { error } = await json(wrong);
    expect(error).toMatchObject({ code: 'name_mismatch', details: { field: 'confirmName' } });
    expect(error.message).toContain('“Rights Co”');
    expect((await org.owner.fetch(url)).status).toBe(404);

    const before = Date.now();
    const res = await org.owner.fetch(url, { method: 'POST', json: { confirmName: 'Rights Co' } });
    expect(res.status).toBe(201);
    const made: DeletionRequest = await json(res);
    expect(made).toMatchObject({ cancelledAt: null });
    expect(Date.parse(made.requestedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(made.purgeAfter) - Date.parse(made.requestedAt)).toBe(7 * DAY);
    expect(await json(await org.owner.fetch(url))).toEqual(made);
    expect((await org.owner.fetch(url, { method: 'POST', json: { confirmName: 'Rights Co' } })).status).toBe(409);

    const cancelled = await org.owner.fetch(url, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect((await json(cancelled)).cancelledAt).toEqual(expect.any(String));
    expect((await org.owner.fetch(url)).status).toBe(404);
    expect((await org.owner.fetch(url, { method: 'DELETE' })).status).toBe(404);
    const audit = await q("SELECT action FROM audit_events WHERE org_id = $1 AND action LIKE 'org.deletion%' ORDER BY seq", [org.id]);
    expect(audit.map((r) => r.action)).toEqual(['org.deletion_requested', 'org.deletion_cancelled']);
    // A cancelled request is never purged, even long after.
    await app.jobs.now(PURGE_JOB, { now: new Date(Date.now() + 30 * DAY).toISOString() });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await q('SELECT 1 FROM organisations WHERE id = $1', [org.id])).toHaveLength(1);
  });

  it('purges every row of the organisation after the cancel window, leaving only a tombstone; the other organisation is untouched', async () => {
    const url = `${base(org)}/deletion-request`;
    const made: DeletionRequest = await json(await org.owner.fetch(url, { method: 'POST', json: { confirmName: 'Rights Co' } }));
    expect(made.cancelledAt).toBeNull();

    // The ids the organisation's rows, jobs and counters are known by (taken before they go).
    const idsOf = async (sql: string) => (await q(sql, [org.id])).map((r) => String(r.id));
    const ids = [
      org.id,
      ...(await idsOf('SELECT id FROM members WHERE org_id = $1')),
      ...(await idsOf('SELECT user_id AS id FROM members WHERE org_id = $1')),
      ...(await idsOf('SELECT id FROM tenants WHERE org_id = $1')),
      ...(await idsOf('SELECT id FROM offboarding_runs WHERE org_id = $1')),
      ...(await idsOf('SELECT id FROM employees WHERE org_id = $1')),
      ...(await idsOf('SELECT id FROM integration_rules WHERE org_id = $1')),
      ...(await idsOf('SELECT id FROM webhook_deliveries WHERE org_id = $1')),
      ...(await idsOf('SELECT id FROM data_exports WHERE org_id = $1')),
      ...(await idsOf('SELECT id FROM hardware WHERE org_id = $1')),
    ];
    expect(ids).toContain(tenantRef);
    expect(ids).toContain(runId);
    // Before the purge, the organisation is named in the job queue, the counters and the sessions.
    const named = (table: string) => q(`SELECT count(*)::int AS n FROM "${table}" x WHERE x::text ~* $1`, [ids.join('|')]).then((r) => r[0].n as number);
    expect(await named('agenda_jobs')).toBeGreaterThan(0);
    expect(await named('rate_limits')).toBeGreaterThan(0);
    expect(await named('sessions')).toBeGreaterThan(0);
    const otherCounts = async () => {
      const out: Record<string, number> = {};
      for (const t of ORG_TABLES.filter((x) => x.scope === 'org_id = $1')) out[t.table] = (await q(`SELECT count(*)::int AS n FROM ${t.table} WHERE org_id = $1`, [other.id]))[0].n;
      out.offboarding_steps = (await q('SELECT count(*)::int AS n FROM offboarding_steps WHERE run_id = $1', [otherRunId]))[0].n;
      out.users = (await q('SELECT count(*)::int AS n FROM users u JOIN members m ON m.user_id = u.id WHERE m.org_id = $1', [other.id]))[0].n;
      return out;
    };
    const otherBefore = await otherCounts();
    const [lastAudit] = await q('SELECT count(*)::int AS n, max(seq) AS seq FROM audit_events WHERE org_id = $1', [org.id]);
    const [lastHash] = await q('SELECT hash FROM audit_events WHERE org_id = $1 AND seq = $2', [org.id, lastAudit.seq]);

    // Not yet due: nothing happens.
    await app.jobs.now(PURGE_JOB, { now: new Date(Date.parse(made.purgeAfter) - 60_000).toISOString() });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await q('SELECT 1 FROM organisations WHERE id = $1', [org.id])).toHaveLength(1);
    expect(await q('SELECT 1 FROM org_tombstones WHERE org_id = $1', [org.id])).toHaveLength(0);

    // Past purgeAfter (the job takes the time to act at), the daily job purges it.
    await app.jobs.now(PURGE_JOB, { now: new Date(Date.parse(made.purgeAfter) + 60_000).toISOString() });
    const tomb = await until('the tombstone', async () => (await q('SELECT * FROM org_tombstones WHERE org_id = $1', [org.id]))[0]);
    expect(tomb).toMatchObject({ audit_entries: lastAudit.n, audit_last_hash: lastHash.hash });
    expect(tomb.requested_at.toISOString()).toBe(made.requestedAt);
    expect(tomb.rows_removed).toMatchObject({ organisations: 1, members: 4, tenants: 1, offboarding_runs: 1, offboarding_steps: 2, audit_events: lastAudit.n, data_exports: 1, users: 4, sessions: 1 });
    expect(tomb.rows_removed.employees).toBeGreaterThan(10);
    expect(tomb.rows_removed.agenda_jobs).toBeGreaterThan(0);
    // Nothing personal in the tombstone.
    const tombText = JSON.stringify(tomb);
    for (const s of ['Rights Co', ...org.owner.user.mail.split('@').slice(0, 1)]) expect(tombText).not.toContain(s);

    // Nothing of the organisation remains in any table: no row names its id or its members', users', tenants', runs'… ids.
    const tables = (await q("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")).map((r) => r.table_name as string);
    expect(tables.length).toBeGreaterThan(25);
    const remains: string[] = [];
    for (const t of tables.filter((x) => x !== 'org_tombstones')) {
      const n = await named(t);
      if (n > 0) remains.push(`${t}: ${n}`);
      const byName = (await q(`SELECT count(*)::int AS n FROM "${t}" x WHERE x::text LIKE '%Rights Co%'`))[0].n as number;
      if (byName > 0) remains.push(`${t} (by name): ${byName}`);
    }
    expect(remains).toEqual([]);
    // The zip went with it.
    expect(fs.existsSync(path.join(exportsDirOf(app.config), exportFileName(exportId)))).toBe(false);

    // The other organisation: every row still there, its audit chain whole.
    expect(await otherCounts()).toEqual(otherBefore);
    await expect(verifyChain(app.store.db, other.id)).resolves.toMatchObject({ ok: true });
    expect(await json(await other.owner.fetch(`${base(other)}/audit/verify`))).toMatchObject({ ok: true });
    expect((await json(await other.owner.fetch(`${base(other)}`))).name).toBe('Other Co');

    // The trail stays append-only for everything but a purge of that very organisation.
    await expect(app.store.pool.query('DELETE FROM audit_events WHERE org_id = $1', [other.id])).rejects.toThrow('audit_events is append-only: DELETE is not allowed');
    await expect(app.store.pool.query("UPDATE audit_events SET action = 'x' WHERE org_id = $1", [other.id])).rejects.toThrow('audit_events is append-only: UPDATE is not allowed');
    await expect(app.store.pool.query('TRUNCATE audit_events')).rejects.toThrow('audit_events is append-only: TRUNCATE is not allowed');
    const client = await app.store.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('offramp.purge_org', $1, true)", [org.id]);
      await expect(client.query('DELETE FROM audit_events WHERE org_id = $1', [other.id])).rejects.toThrow('append-only');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    // And the purged organisation's trail is closed for good.
    await expect(
      app.store.pool.query(
        "INSERT INTO audit_events (org_id, seq, at, action, source, outcome, prev_hash, hash) VALUES ($1, 1, now(), 'late', 'job', 'success', $2, $2)",
        [org.id, '0'.repeat(64)],
      ),
    ).rejects.toThrow('was purged');

    // Its people are strangers now.
    expect((await org.owner.fetch(`${base(org)}`)).status).toBe(404);
    expect((await org.owner.fetch(url)).status).toBe(404);
  });

  it('keeps an export 7 days: the cleanup job then removes its row and its file', async () => {
    const { id } = await json(await other.owner.fetch(`${base(other)}/data-exports`, { method: 'POST', json: {} }));
    await until('the export', async () => (await json(await other.owner.fetch(`${base(other)}/data-exports/${id}`))).status === 'ready');
    const file = path.join(exportsDirOf(app.config), exportFileName(id));
    expect(fs.existsSync(file)).toBe(true);
    const cleanupAt = async (days: number) => {
      const jobId = await app.jobs.now(EXPORT_CLEANUP_JOB, { now: new Date(Date.now() + days * DAY).toISOString() });
      await until('the cleanup', async () => (await q('SELECT 1 FROM agenda_jobs WHERE id = $1 AND last_finished_at IS NOT NULL', [jobId])).length === 1);
    };
    await cleanupAt(6);
    expect((await other.owner.fetch(`${base(other)}/data-exports/${id}`)).status).toBe(200);
    expect(fs.existsSync(file)).toBe(true);
    await cleanupAt(8);
    expect((await other.owner.fetch(`${base(other)}/data-exports/${id}`)).status).toBe(404);
    expect(fs.existsSync(file)).toBe(false);
  });
});
