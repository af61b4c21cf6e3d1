import type { Offramp } from '../../server/main.js';
import { ROUTE_ACCESS, type RouteSpec } from '../../server/http/api-router.js';
import { ROLES } from '../../server/orgs/orgs.schema.js';
import { can, PERMISSIONS, type Permission } from '../../server/orgs/permissions.js';
import { startTestApp } from '../support/app.js';
import { json } from '../support/json.js';
import { invite, makeOrg, type TestOrg } from '../support/orgs.js';

/** The part of Express's router layer the walk reads. */
interface Layer {
  route?: { path: string; methods?: Record<string, boolean>; stack: { handle: unknown }[] };
  handle: unknown;
}

const NOBODY = '00000000-0000-4000-8000-000000000000';
const isPermission = (access: string): access is Permission => (PERMISSIONS as readonly string[]).includes(access);

describe('permissions', () => {
  let app: Offramp;
  let a: TestOrg;
  let b: TestOrg;
  let bInvite: string;

  beforeAll(async () => {
    // Generous limits here: the matrix makes many changes in a minute.
    app = await startTestApp({ RATE_DESTRUCTIVE_PER_MINUTE_MEMBER: '10000', RATE_DESTRUCTIVE_PER_MINUTE_ORG: '10000' });
    a = await makeOrg(app, 'Org A', 10);
    b = await makeOrg(app, 'Org B', 20);
    bInvite = (await invite(b.owner, b.id, 'pending@contoso.com', 'viewer')).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  const apiSpecs = () => app.http.routes.api.specs;

  it('declares who may call every route the app serves', () => {
    // Walk Express's own stack: every route must start with the marker of a declared access.
    const undeclared: string[] = [];
    const walk = (stack: Layer[], prefix: string) => {
      for (const layer of stack) {
        if (layer.route) {
          const first = layer.route.stack[0]?.handle as { [ROUTE_ACCESS]?: RouteSpec } | undefined;
          if (!first?.[ROUTE_ACCESS]) undeclared.push(`${Object.keys(layer.route.methods ?? {}).join(',')} ${prefix}${layer.route.path}`);
        } else if ((layer.handle as { [ROUTE_ACCESS]?: RouteSpec })[ROUTE_ACCESS]) {
          continue; // a router declared public as a whole (the simulated tenant's sign-in page)
        } else if ((layer.handle as { stack?: Layer[] }).stack) {
          walk((layer.handle as unknown as { stack: Layer[] }).stack, prefix);
        }
      }
    };
    walk((app.http.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
    expect(undeclared).toEqual([]);
    const all = [...app.http.routes.api.specs, ...app.http.routes.root.specs];
    expect(all.length).toBeGreaterThan(15);
    for (const spec of all) expect(['public', 'signed-in', ...PERMISSIONS]).toContain(spec.access);
  });

  const fill = (path: string, ids: { orgId: string; memberId?: string; inviteId?: string }) =>
    path
      .replace(':orgId', ids.orgId)
      .replace(':memberId', ids.memberId ?? NOBODY)
      .replace(':inviteId', ids.inviteId ?? NOBODY)
      .replace(':token', 'x'.repeat(43));

  it('lets each role call exactly the routes its permissions allow (role × route)', async () => {
    const mismatches: string[] = [];
    for (const spec of apiSpecs().filter((s) => isPermission(s.access))) {
      for (const role of ROLES) {
        const path = `/api/v1${fill(spec.path, { orgId: a.id })}`;
        const res = await a.as[role].fetch(path, { method: spec.method.toUpperCase(), ...(spec.method === 'get' ? {} : { json: {} }) });
        const allowed = can(role, spec.access as Permission);
        if ((res.status === 403) === allowed) mismatches.push(`${role} ${spec.method.toUpperCase()} ${spec.path} -> ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("answers 404 for another organisation's ids on every route with an id, and changes nothing there", async () => {
    const before = await app.store.pool.query('SELECT id, role FROM members WHERE org_id = $1 ORDER BY id', [b.id]);
    const wrong: string[] = [];
    for (const spec of apiSpecs().filter((s) => s.path.includes(':orgId'))) {
      const attempts = [fill(spec.path, { orgId: b.id, memberId: b.memberIds.viewer, inviteId: bInvite })];
      if (spec.path.includes(':memberId') || spec.path.includes(':inviteId')) {
        attempts.push(fill(spec.path, { orgId: a.id, memberId: b.memberIds.viewer, inviteId: bInvite }));
      }
      for (const path of attempts) {
        const res = await a.owner.fetch(`/api/v1${path}`, {
          method: spec.method.toUpperCase(),
          ...(spec.method === 'get' ? {} : { json: { role: 'viewer', name: 'Taken over', email: 'x@contoso.com' } }),
        });
        if (res.status !== 404) wrong.push(`${spec.method.toUpperCase()} ${path} -> ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    const after = await app.store.pool.query('SELECT id, role FROM members WHERE org_id = $1 ORDER BY id', [b.id]);
    expect(after.rows).toEqual(before.rows);
    const { rows } = await app.store.pool.query('SELECT name FROM organisations WHERE id = $1', [b.id]);
    expect(rows[0].name).toBe('Org B');
    const pending = await json(await b.owner.fetch(`/api/v1/orgs/${b.id}/invites`));
    expect(pending.map((i: { id: string }) => i.id)).toContain(bInvite);
  });

  it('shows a Manager only what a Manager may do, and audits a refused change', async () => {
    const me = await json(await a.as.manager.fetch('/api/v1/me'));
    const membership = me.memberships.find((m: { orgId: string }) => m.orgId === a.id);
    expect(membership.role).toBe('manager');
    expect(membership.permissions).toEqual(expect.arrayContaining(['offboarding.trigger', 'employees.manage', 'members.read']));
    expect(membership.permissions).not.toEqual(expect.arrayContaining(['members.invite']));
    expect(membership.permissions).not.toContain('billing.read');
    const refused = await a.as.manager.fetch(`/api/v1/orgs/${a.id}/invites`, { method: 'POST', json: { email: 'z@contoso.com', role: 'viewer' } });
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.message).toContain('manager');
    const { rows } = await app.store.pool.query(
      `SELECT actor_role, outcome, details->>'permission' AS permission FROM audit_events WHERE org_id = $1 AND action = 'permission.denied' ORDER BY seq DESC LIMIT 1`,
      [a.id],
    );
    expect(rows[0]).toEqual({ actor_role: 'manager', outcome: 'denied', permission: 'members.invite' });
  });
});

describe('bot commands', () => {
  it('each name the permission they need, from the same table as the API', async () => {
    const { BOT_COMMANDS } = await import('../../bot/commands.js');
    for (const command of BOT_COMMANDS) expect(['public', ...PERMISSIONS]).toContain(command.permission);
    const help = BOT_COMMANDS.find((c) => c.name === 'help');
    expect(help?.permission).toBe('public');
    expect(BOT_COMMANDS.filter((c) => c.permission !== 'public' && can('viewer', c.permission as Permission)).map((c) => c.name).sort()).toEqual([
      'digest',
      'queue',
      'runs',
      'status',
    ]);
  });
});
