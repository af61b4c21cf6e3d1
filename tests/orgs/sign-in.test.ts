import type { Offramp } from '../../server/main.js';
import { startTestApp } from '../support/app.js';
import { demoUser, signInWithSession, withSso } from '../support/auth.js';
import { json } from '../support/json.js';

describe('signing in', () => {
  let app: Offramp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('runs the OpenID Connect code flow against the demo tenant and makes a session', async () => {
    const person = demoUser(app, 5);
    const caller = await signInWithSession(app, person, '/tabs/team');
    expect(caller.cookie).toMatch(/^offramp_session=/);
    const session = await json(await caller.fetch('/api/v1/auth/session'));
    expect(session).toMatchObject({ via: 'demo', user: { name: person.displayName, email: person.mail, tenantId: app.simulator!.tenant.id } });
    const { rows } = await app.store.pool.query('SELECT tenant_id, object_id FROM users');
    expect(rows).toEqual([{ tenant_id: app.simulator!.tenant.id, object_id: person.id }]);
  });

  it('shows the demo sign-in page with the tenant’s people', async () => {
    const start = await fetch(`${app.url}/auth/signin?returnTo=/tabs/queue`, { redirect: 'manual' });
    const page = await fetch(start.headers.get('location')!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Pick an account');
    expect(html).toContain(demoUser(app, 0).displayName);
  });

  it('sends a sign-in back only to paths on this site', async () => {
    for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const start = await fetch(`${app.url}/auth/signin?returnTo=${encodeURIComponent(evil)}`, { redirect: 'manual' });
      const authorize = new URL(start.headers.get('location')!);
      const { rows } = await app.store.pool.query('SELECT return_to FROM sign_in_attempts WHERE state = $1', [authorize.searchParams.get('state')]);
      expect(rows[0].return_to).toBe('/tabs/');
    }
  });

  it('refuses a callback whose state it never issued, or a code used twice', async () => {
    const res = await fetch(`${app.url}/auth/callback?code=abc&state=never-issued`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('sign_in_expired');
  });

  it('accepts a Teams SSO bearer token without a cookie or CSRF token', async () => {
    const caller = await withSso(app, demoUser(app, 7));
    const res = await caller.fetch('/api/v1/orgs', { method: 'POST', json: { name: 'Bearer Co' } });
    expect(res.status).toBe(201);
  });

  it('refuses API calls with no credentials (401) and session changes without the CSRF token (403)', async () => {
    expect((await fetch(`${app.url}/api/v1/me`)).status).toBe(401);
    const caller = await signInWithSession(app, demoUser(app, 6));
    const res = await fetch(`${app.url}/api/v1/orgs`, {
      method: 'POST',
      headers: { cookie: caller.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'No CSRF Ltd' }),
    });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('csrf_failed');
    const { rows } = await app.store.pool.query(`SELECT count(*)::int AS n FROM organisations WHERE name = 'No CSRF Ltd'`);
    expect(rows[0].n).toBe(0);
  });

  it('signs out: the session no longer works', async () => {
    const caller = await signInWithSession(app, demoUser(app, 8));
    expect((await caller.fetch('/auth/signout', { method: 'POST' })).status).toBe(204);
    expect((await caller.fetch('/api/v1/me')).status).toBe(401);
  });
});

describe('with production configuration (an Entra app set)', () => {
  let app: Offramp;
  beforeAll(async () => {
    app = await startTestApp({
      ENTRA_CLIENT_ID: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
      SECRET_ENTRA_CLIENT_SECRET: 'a-production-secret',
      // Microsoft cannot be reached from here: an address that refuses at once stands in for it.
      ENTRA_AUTHORITY_HOST: 'https://127.0.0.1:1',
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('runs no simulated tenant, and its demo sign-in page does not exist', async () => {
    expect(app.simulator).toBeNull();
    expect((await json(await fetch(`${app.url}/api/v1/meta`))).auth).toEqual({ mode: 'microsoft' });
    const page = await fetch(`${app.url}/simulator/organizations/oauth2/v2.0/authorize?client_id=x&response_type=code&redirect_uri=x`);
    expect(page.status).toBe(404);
  });

  it('signs in through Microsoft only: unreachable, it says so (503) rather than falling back to the demo', async () => {
    const res = await fetch(`${app.url}/auth/signin`, { redirect: 'manual' });
    expect(res.status).toBe(503);
    expect((await json(res)).error.code).toBe('identity_unavailable');
  });

  it('refuses a token signed by a simulated tenant', async () => {
    const { startSimulator } = await import('../../server/simulator/simulator.js');
    const { silentLog } = await import('../support/stores.js');
    const sim = await startSimulator({ tlsDir: process.env.SIMULATOR_TLS_DIR!, seed: 'rogue', users: 3, log: silentLog, browserBaseUrl: 'http://127.0.0.1:1' });
    try {
      const token = await sim.identity.userAccessToken(sim.users()[0]!, {
        audience: 'api://127.0.0.1/5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
        scopes: ['access_as_user'],
      });
      const res = await fetch(`${app.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect([401, 503]).toContain(res.status);
      expect((await app.store.pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
