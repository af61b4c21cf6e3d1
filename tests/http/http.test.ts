import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { z } from 'zod';
import { badRequest, OperationalError } from '../../server/errors.js';
import type { ApiRoutes } from '../../server/http/api-router.js';
import { createHttpApp } from '../../server/http/app.js';
import type { Offramp } from '../../server/main.js';
import { startTestApp } from '../support/app.js';
import { json } from '../support/json.js';
import { testConfig } from '../support/env.js';
import { silentLog } from '../support/stores.js';

describe('the HTTP door of a running Offramp', () => {
  let app: Offramp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers /healthz and /readyz with the store and the job queue ready', async () => {
    const live = await fetch(`${app.url}/healthz`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: 'ready', checks: { store: 'ok', jobs: 'ok' } });
  });

  it('serves /api/v1/meta with the mode and the store kind', async () => {
    const res = await fetch(`${app.url}/api/v1/meta`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const meta = await json(res);
    expect(meta).toMatchObject({ name: 'Offramp', mode: 'demo', store: app.store.kind });
    expect(meta.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers an unknown API route with a JSON 404 naming the route', async () => {
    const res = await fetch(`${app.url}/api/v1/nothing-here?x=1`);
    expect(res.status).toBe(404);
    const body = await json(res);
    expect(body.error).toMatchObject({ code: 'route_not_found', message: 'No API route GET /api/v1/nothing-here.' });
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const given = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'req-abc-12345' } });
    expect(given.headers.get('x-request-id')).toBe('req-abc-12345');
    const bad = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'no spaces <allowed>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers, and lets Teams (not others) frame the tabs', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'self' https://teams.microsoft.com");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('answers /api/messages as the bot: a body that is not an activity gets a 400 naming what it lacks', async () => {
    const res = await fetch(`${app.url}/api/messages`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_activity');
    expect(body.error.message).toBe('The body is not a Bot Framework activity: it has no type, serviceUrl, conversation.id.');
    const partial = await fetch(`${app.url}/api/messages`, { method: 'POST', body: JSON.stringify({ type: 'message', serviceUrl: 'http://127.0.0.1:9' }), headers: { 'content-type': 'application/json' } });
    expect(partial.status).toBe(400);
    expect((await json(partial)).error.message).toMatch(/it has no conversation\.id\.$/);
  });

  it('redirects / to the tabs', async () => {
    const res = await fetch(`${app.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/tabs/');
  });
});

describe('the error middleware', () => {
  let server: http.Server;
  let base: string;
  let tabsDir: string;
  beforeAll(async () => {
    tabsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'offramp-tabs-'));
    await fs.writeFile(path.join(tabsDir, 'index.html'), '<!doctype html><title>shell</title>');
    await fs.mkdir(path.join(tabsDir, 'assets'));
    await fs.writeFile(path.join(tabsDir, 'assets', 'app.js'), 'console.log(1)');
    const routes = ({ api }: { api: ApiRoutes }) => {
      api.post('/echo', 'public', (req) => z.object({ name: z.string().min(1), count: z.number().int() }).parse(req.body));
      api.get('/user-fault', 'public', () => {
        throw badRequest('bad_when', 'The date "someday" is not a date I understand.', { field: 'when' });
      });
      api.get('/store-down', 'public', () => {
        throw new OperationalError('store_unavailable', 'The store does not answer.', { retryAfterSeconds: 5 });
      });
      api.get('/bug', 'public', () => {
        throw new Error('secret internals: token=abc');
      });
    };
    const refuse: express.RequestHandler = () => {
      throw new Error('no route here needs a guard');
    };
    const { app } = createHttpApp({
      config: testConfig({ TABS_DIR: tabsDir, HTTP_BODY_LIMIT: '1kb' }),
      log: silentLog,
      readiness: async () => {
        throw new Error('The job queue is not running.');
      },
      guards: { authenticate: refuse, member: () => refuse, destructiveLimit: refuse },
      register: [routes],
    });
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await fs.rm(tabsDir, { recursive: true, force: true });
  });

  const post = (body: string) =>
    fetch(`${base}/api/v1/echo`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('answers invalid JSON with 400 invalid_json', async () => {
    const res = await post('{"name":');
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('invalid_json');
  });

  it('answers a body over the limit with 413', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(2_000), count: 1 }));
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('body_too_large');
  });

  it('answers a schema violation with 400 naming each bad field', async () => {
    const res = await post(JSON.stringify({ name: '', count: 1.5 }));
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual(['count', 'name']);
    expect(error.message).toContain('name');
  });

  it('passes a user error through with its status, code, message and details', async () => {
    const res = await fetch(`${base}/api/v1/user-fault`);
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error).toMatchObject({ code: 'bad_when', message: 'The date "someday" is not a date I understand.', details: { field: 'when' } });
    expect(error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('maps an operational error to 503 with Retry-After', async () => {
    const res = await fetch(`${base}/api/v1/store-down`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await json(res)).error.code).toBe('store_unavailable');
  });

  it('maps a bug to 500 without showing its message', async () => {
    const res = await fetch(`${base}/api/v1/bug`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('token=abc');
    expect(JSON.parse(text).error.code).toBe('internal_error');
  });

  it('answers /readyz with 503 naming what is not ready', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect((await json(res)).error.message).toBe('The job queue is not running.');
  });

  it('serves the tab app for every deep link under /tabs/, and 404 for a missing asset', async () => {
    for (const p of ['/tabs/', '/tabs/queue', '/tabs/team/members']) {
      const res = await fetch(`${base}${p}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>shell</title>');
    }
    expect((await fetch(`${base}/tabs/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${base}/tabs/assets/missing.js`)).status).toBe(404);
  });
});
