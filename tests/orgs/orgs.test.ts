import type { Offramp } from '../../server/main.js';
import { startTestApp } from '../support/app.js';
import { demoUser, withSso } from '../support/auth.js';
import { json } from '../support/json.js';
import { invite, makeOrg, type TestOrg } from '../support/orgs.js';

describe('organisations, members and invitations', () => {
  let app: Offramp;
  let org: TestOrg;
  beforeAll(async () => {
    app = await startTestApp();
    org = await makeOrg(app, 'Contoso IT', 1);
  });
  afterAll(async () => {
    await app?.close();
  });

  const audit = async (action: string) =>
    (
      await app.store.pool.query(
        `SELECT actor_name, actor_role, action, target_label, source, outcome, details FROM audit_events WHERE org_id = $1 AND action = $2 ORDER BY seq`,
        [org.id, action],
      )
    ).rows;

  it('makes the creator the Owner, and records it', async () => {
    const me = await json(await org.owner.fetch('/api/v1/me'));
    expect(me.memberships).toEqual([expect.objectContaining({ orgId: org.id, orgName: 'Contoso IT', role: 'owner' })]);
    expect(await audit('org.created')).toEqual([
      expect.objectContaining({ actor_name: demoUser(app, 1).displayName, actor_role: 'owner', target_label: 'Contoso IT', source: 'api' }),
    ]);
  });

  it('refuses a bad organisation name, naming the field, and writes nothing', async () => {
    const caller = await withSso(app, demoUser(app, 30));
    const res = await caller.fetch('/api/v1/orgs', { method: 'POST', json: { name: ' x ' } });
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: 'name', message: 'must be at least 2 characters' }]);
    expect((await json(await caller.fetch('/api/v1/me'))).memberships).toEqual([]);
  });

  it('invites by email with a role: the link binds whoever accepts it, once', async () => {
    const { token, link } = await invite(org.owner, org.id, 'newcomer@contoso.com', 'manager');
    expect(link).toBe(`${app.publicUrl}/tabs/invite/${token}`);
    const joiner = await withSso(app, demoUser(app, 31));
    expect(await json(await joiner.fetch(`/api/v1/invites/${token}`))).toMatchObject({
      orgName: 'Contoso IT',
      role: 'manager',
      email: 'newcomer@contoso.com',
      invitedBy: demoUser(app, 1).displayName,
      status: 'pending',
    });
    const accepted = await joiner.fetch(`/api/v1/invites/${token}/accept`, { method: 'POST', json: {} });
    expect(accepted.status).toBe(200);
    expect(await json(accepted)).toMatchObject({ orgId: org.id, role: 'manager' });
    const members = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/members`));
    expect(members.find((m: { email: string }) => m.email === demoUser(app, 31).mail)).toMatchObject({ role: 'manager' });
    // Used once: a second person cannot reuse it.
    const again = await (await withSso(app, demoUser(app, 32))).fetch(`/api/v1/invites/${token}/accept`, { method: 'POST', json: {} });
    expect(again.status).toBe(410);
    expect((await json(again)).error.code).toBe('invite_used');
    expect(await audit('member.joined')).toContainEqual(
      expect.objectContaining({ actor_name: demoUser(app, 31).displayName, details: expect.objectContaining({ role: 'manager', invitedEmail: 'newcomer@contoso.com' }) }),
    );
    // The token itself is never stored.
    const { rows } = await app.store.pool.query('SELECT count(*)::int AS n FROM invites WHERE token_hash = $1', [token]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a revoked or expired invitation', async () => {
    const revoked = await invite(org.owner, org.id, 'gone@contoso.com', 'viewer');
    expect((await org.owner.fetch(`/api/v1/orgs/${org.id}/invites/${revoked.id}`, { method: 'DELETE' })).status).toBe(204);
    const joiner = await withSso(app, demoUser(app, 33));
    expect((await json(await joiner.fetch(`/api/v1/invites/${revoked.token}`))).status).toBe('revoked');
    expect((await joiner.fetch(`/api/v1/invites/${revoked.token}/accept`, { method: 'POST', json: {} })).status).toBe(410);

    const old = await invite(org.owner, org.id, 'late@contoso.com', 'viewer');
    await app.store.pool.query(`UPDATE invites SET expires_at = now() - interval '1 minute' WHERE id = $1`, [old.id]);
    const res = await joiner.fetch(`/api/v1/invites/${old.token}/accept`, { method: 'POST', json: {} });
    expect(res.status).toBe(410);
    expect((await json(res)).error.code).toBe('invite_expired');
    expect((await json(await joiner.fetch('/api/v1/me'))).memberships).toEqual([]);
  });

  it('lets only Owners make Owners, and an Admin manage everyone else', async () => {
    const byAdmin = await org.as.admin.fetch(`/api/v1/orgs/${org.id}/members/${org.memberIds.viewer}`, { method: 'PATCH', json: { role: 'owner' } });
    expect(byAdmin.status).toBe(403);
    const inviteOwner = await org.as.admin.fetch(`/api/v1/orgs/${org.id}/invites`, { method: 'POST', json: { email: 'o@contoso.com', role: 'owner' } });
    expect(inviteOwner.status).toBe(403);
    const promote = await org.as.admin.fetch(`/api/v1/orgs/${org.id}/members/${org.memberIds.viewer}`, { method: 'PATCH', json: { role: 'manager' } });
    expect(promote.status).toBe(200);
    expect(await audit('member.role_changed')).toContainEqual(expect.objectContaining({ actor_role: 'admin', details: { from: 'viewer', to: 'manager' } }));
    await org.as.admin.fetch(`/api/v1/orgs/${org.id}/members/${org.memberIds.viewer}`, { method: 'PATCH', json: { role: 'viewer' } });
  });

  it('always keeps one Owner', async () => {
    const demote = await org.owner.fetch(`/api/v1/orgs/${org.id}/members/${org.memberIds.owner}`, { method: 'PATCH', json: { role: 'admin' } });
    expect(demote.status).toBe(409);
    expect((await json(demote)).error.code).toBe('last_owner');
    const remove = await org.owner.fetch(`/api/v1/orgs/${org.id}/members/${org.memberIds.owner}`, { method: 'DELETE' });
    expect(remove.status).toBe(409);
    const { rows } = await app.store.pool.query(`SELECT count(*)::int AS n FROM members WHERE org_id = $1 AND role = 'owner'`, [org.id]);
    expect(rows[0].n).toBe(1);
  });

  it('removes a member, who then cannot see the organisation', async () => {
    const extra = await makeOrg(app, 'Fabrikam', 34);
    const res = await extra.owner.fetch(`/api/v1/orgs/${extra.id}/members/${extra.memberIds.viewer}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await extra.as.viewer.fetch(`/api/v1/orgs/${extra.id}`)).status).toBe(404);
    const { rows } = await app.store.pool.query(`SELECT action, outcome FROM audit_events WHERE org_id = $1 AND action = 'member.removed'`, [extra.id]);
    expect(rows).toEqual([{ action: 'member.removed', outcome: 'success' }]);
  });

  it('renames the organisation', async () => {
    const res = await org.as.admin.fetch(`/api/v1/orgs/${org.id}`, { method: 'PATCH', json: { name: 'Contoso IT Services' } });
    expect(res.status).toBe(200);
    expect((await json(await org.as.viewer.fetch(`/api/v1/orgs/${org.id}`))).name).toBe('Contoso IT Services');
    expect(await audit('org.renamed')).toEqual([expect.objectContaining({ details: { from: 'Contoso IT', to: 'Contoso IT Services' } })]);
  });
});

describe('rate limits', () => {
  let app: Offramp;
  beforeAll(async () => {
    app = await startTestApp({ RATE_DESTRUCTIVE_PER_MINUTE_MEMBER: '3', RATE_SIGNIN_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 with Retry-After once a member makes too many changes in a minute', async () => {
    const org = await makeOrg(app, 'Busy Ltd', 1); // three invitations by the owner: the limit
    const res = await org.owner.fetch(`/api/v1/orgs/${org.id}/invites`, { method: 'POST', json: { email: 'four@contoso.com', role: 'viewer' } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(res)).error.code).toBe('rate_limited');
    const { rows } = await app.store.pool.query(`SELECT count(*)::int AS n FROM invites WHERE email = 'four@contoso.com'`);
    expect(rows[0].n).toBe(0);
    // Another member of the same organisation is not held back by the owner's count.
    const other = await org.as.admin.fetch(`/api/v1/orgs/${org.id}/invites`, { method: 'POST', json: { email: 'five@contoso.com', role: 'viewer' } });
    expect(other.status).toBe(201);
  });

  it('limits sign-in attempts from one address', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${app.url}/auth/signin`, { redirect: 'manual' })).status);
    expect(statuses).toEqual([302, 302, 429]);
  });
});
