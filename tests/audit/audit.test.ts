import { appendAudit, verifyChain, type AuditContext } from '../../server/audit/audit.service.js';
import type { Store } from '../../server/db/store.js';
import type { Offramp } from '../../server/main.js';
import { startTestApp } from '../support/app.js';
import { json } from '../support/json.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';
import { openTestStore, storeKinds } from '../support/stores.js';

const ORG = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const ctx: AuditContext = {
  actor: { memberId: null, userId: null, name: 'Test runner', role: 'owner', tid: null, oid: null },
  source: 'api',
  requestId: 'req-test',
};

describe.each(storeKinds)('the audit trail on the %s store', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
    for (let i = 1; i <= 5; i++) {
      await store.transaction((tx) => appendAudit(tx, ctx, { orgId: ORG, action: `test.step${i}`, details: { i, name: 'Łukasz' } }));
    }
  });
  afterAll(async () => {
    await store?.close();
  });

  it('chains entries: each carries the hash of the one before', async () => {
    const { rows } = await store.pool.query('SELECT seq, prev_hash, hash FROM audit_events WHERE org_id = $1 ORDER BY seq', [ORG]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    await expect(verifyChain(store.db, ORG)).resolves.toEqual({ ok: true, entries: 5, lastHash: rows[4].hash });
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET action = 'forged' WHERE org_id = '${ORG}' AND seq = 2`],
    ['DELETE', `DELETE FROM audit_events WHERE org_id = '${ORG}' AND seq = 2`],
    ['TRUNCATE', 'TRUNCATE audit_events'],
  ])('refuses %s in the database itself', async (op, statement) => {
    await expect(store.pool.query(statement)).rejects.toThrow(`audit_events is append-only: ${op} is not allowed`);
    const { rows } = await store.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1', [ORG]);
    expect(rows[0].n).toBe(5);
  });

  /** A tamperer with the database owner's rights switches the triggers off first. */
  const tamper = async (statement: string) => {
    await store.pool.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    try {
      await store.pool.query(statement);
    } finally {
      await store.pool.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    }
  };

  it('reports a changed entry at that entry', async () => {
    await tamper(`UPDATE audit_events SET details = '{"i": 3, "name": "someone else"}' WHERE org_id = '${ORG}' AND seq = 3`);
    await expect(verifyChain(store.db, ORG)).resolves.toEqual({
      ok: false,
      entries: 3,
      brokenAt: { seq: 3, reason: 'its content does not match its hash: the entry was changed' },
    });
  });

  it('reports a removed entry where the chain jumps', async () => {
    const other = '7a2b3c4d-5e6f-4a70-8b9c-0d1e2f3a4b5c';
    for (let i = 1; i <= 3; i++) await store.transaction((tx) => appendAudit(tx, ctx, { orgId: other, action: `x${i}` }));
    await tamper(`DELETE FROM audit_events WHERE org_id = '${other}' AND seq = 2`);
    await expect(verifyChain(store.db, other)).resolves.toMatchObject({ ok: false, brokenAt: { seq: 3, reason: 'entry 2 is missing: the chain jumps to 3' } });
  });

  it('reports a rewritten entry whose hash was recomputed, at the next link', async () => {
    const third = '8b3c4d5e-6f70-4b81-9cad-1e2f3a4b5c6d';
    for (let i = 1; i <= 3; i++) await store.transaction((tx) => appendAudit(tx, ctx, { orgId: third, action: `y${i}` }));
    // Forging entry 2 well (a fresh, consistent hash) still breaks entry 3's link to it.
    await tamper(`UPDATE audit_events SET hash = repeat('a', 64) WHERE org_id = '${third}' AND seq = 2`);
    const report = await verifyChain(store.db, third);
    expect(report).toMatchObject({ ok: false, brokenAt: { seq: 2 } });
  });
});

describe('the audit API', () => {
  let app: Offramp;
  let org: TestOrg;
  beforeAll(async () => {
    app = await startTestApp();
    org = await makeOrg(app, 'Audited Ltd', 1);
    for (const email of ['a@contoso.com', 'b@contoso.com', 'c@contoso.com']) {
      await org.as.admin.fetch(`/api/v1/orgs/${org.id}/invites`, { method: 'POST', json: { email, role: 'viewer' }, headers: { 'x-offramp-client': 'tab' } });
    }
    // A name a spreadsheet would run as a formula.
    await org.owner.fetch(`/api/v1/orgs/${org.id}`, { method: 'PATCH', json: { name: '=SUM(1+1) Ltd' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists entries newest first, with who, what, where and the request id', async () => {
    const page = await json(await org.as.viewer.fetch(`/api/v1/orgs/${org.id}/audit?limit=2&action=invite`));
    expect(page.entries).toHaveLength(2);
    expect(page.entries[0].seq).toBeGreaterThan(page.entries[1].seq);
    expect(page.entries[0]).toMatchObject({
      action: 'invite.created',
      actor: { name: expect.any(String), role: 'admin', tid: app.simulator!.tenant.id },
      source: 'tab',
      outcome: 'success',
      requestId: expect.any(String),
    });
    const next = await json(await org.as.viewer.fetch(`/api/v1/orgs/${org.id}/audit?limit=2&action=invite&before=${page.nextBefore}`));
    expect(next.entries[0].seq).toBe(page.entries[1].seq - 1);
  });

  it('filters by action, source and actor', async () => {
    const joined = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/audit?action=member.joined`));
    expect(joined.entries.map((e: { action: string }) => e.action)).toEqual(['member.joined', 'member.joined', 'member.joined']);
    const fromTabs = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/audit?source=tab`));
    expect(fromTabs.entries).toHaveLength(3);
    const bad = await org.owner.fetch(`/api/v1/orgs/${org.id}/audit?source=fax`);
    expect(bad.status).toBe(400);
  });

  it('exports CSV with every entry, formulas neutralised, to those allowed to export', async () => {
    expect((await org.as.viewer.fetch(`/api/v1/orgs/${org.id}/audit/export.csv`)).status).toBe(403);
    const res = await org.as.admin.fetch(`/api/v1/orgs/${org.id}/audit/export.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^seq,at,actor,actor_role/);
    const { rows } = await app.store.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1', [org.id]);
    expect(lines).toHaveLength(rows[0].n + 1);
    expect(lines.find((l) => l.includes('org.renamed'))).toContain("'=SUM(1+1) Ltd");
  });

  it('verifies the chain through the API', async () => {
    expect(await json(await org.as.viewer.fetch(`/api/v1/orgs/${org.id}/audit/verify`))).toMatchObject({ ok: true, entries: expect.any(Number) });
  });

  it('records nothing for a change that was refused', async () => {
    const before = (await app.store.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1', [org.id])).rows[0].n;
    const res = await org.owner.fetch(`/api/v1/orgs/${org.id}/members/${org.memberIds.owner}`, { method: 'DELETE' });
    expect(res.status).toBe(409);
    const after = (await app.store.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1', [org.id])).rows[0].n;
    expect(after).toBe(before);
  });
});
