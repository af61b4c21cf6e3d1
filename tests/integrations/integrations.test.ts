import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { Delivery, Rule, RuleWithSecret } from '../../server/integrations/contract.js';
import { RETRY_SCHEDULE_S } from '../../server/integrations/contract.js';
import { QUEUE_SCAN_JOB, SWEEP_JOB, type Clock } from '../../server/integrations/deliveries.service.js';
import { BlockedTarget, safeSend, type SendPolicy } from '../../server/integrations/safe-http.js';
import type { Offramp } from '../../server/main.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { startTestApp } from '../support/app.js';
import { clearChecklist, syncNow } from '../support/assets.js';
import { freshServerDatabase } from '../support/databases.js';
import { serverStoreUrl } from '../support/env.js';
import { json } from '../support/json.js';
import { connectDemoTenant, employeeId, runsUrl, waitForRun } from '../support/offboarding.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';
import { startReceiver, type Receiver, type Received } from '../support/receiver.js';

/** A clock the test moves: the retry schedule and the five-day rule are walked without waiting. */
class TestClock implements Clock {
  offsetMs = 0;
  now() {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

/**
 * Whether `secret` signed the request. Standard Webhooks' verify() also refuses a timestamp more
 * than 5 minutes from the receiver's clock; after the test clock moved, the signature alone is checked.
 */
function signedBy(secret: string, r: Received): boolean {
  const expected = new Webhook(secret).sign(String(r.headers['webhook-id']), new Date(Number(r.headers['webhook-timestamp']) * 1000), r.body);
  return String(r.headers['webhook-signature']).split(' ').includes(expected);
}

const LOCAL = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_ADDRESSES: '127.0.0.1', OFFBOARDING_STEP_RETRY_MS: '50' };

describe('integrations: rules, exact requests, signatures, retries, restarts and SSRF', () => {
  let app: Offramp;
  let sim: Simulator;
  let org: TestOrg;
  let tenantRef: string;
  let rx: Receiver;
  const clock = new TestClock();
  const used = new Set<string>();
  const base = () => `/api/v1/orgs/${org.id}/integrations`;

  beforeAll(async () => {
    rx = await startReceiver();
    app = await startTestApp({ ...LOCAL, SIMULATOR_USERS: '60' }, { clock });
    sim = app.simulator!;
    sim.configure({ latency: 0 });
    org = await makeOrg(app, 'Integrations Co', 0);
    await org.as.admin.fetch(`/api/v1/orgs/${org.id}/offboarding/settings`, { method: 'PUT', json: { requireApproval: false, allowApproveOwn: false, proposeFromLeaveDate: false } });
    tenantRef = await connectDemoTenant(org);
  });
  afterAll(async () => {
    await app?.close();
    await rx?.close();
  });
  beforeEach(async () => {
    // Each test hears only its own rules.
    for (const r of (await json(await org.as.admin.fetch(`${base()}/rules`))) as Rule[]) if (r.enabled) await disable(r.id);
    rx.requests.length = 0;
    rx.respond = () => ({ status: 200, body: '{}' });
  });

  function person(): DirUser {
    const members = new Set(sim.users().slice(0, 4).map((u) => u.id));
    const u = sim.users().find((x) => x.kind === 'person' && x.accountEnabled && !x.onPremisesSyncEnabled && !members.has(x.id) && !used.has(x.id) && sim.state.mailbox(x.id));
    used.add(u!.id);
    return u!;
  }
  async function makeRule(body: Record<string, unknown>): Promise<RuleWithSecret> {
    const res = await org.as.admin.fetch(`${base()}/rules`, { method: 'POST', json: body });
    if (res.status !== 201) throw new Error(`rule: ${res.status} ${await res.text()}`);
    return json(res);
  }
  const disable = (id: string) => org.as.admin.fetch(`${base()}/rules/${id}`, { method: 'PATCH', json: { enabled: false } });
  const deliveriesOf = async (ruleId: string): Promise<Delivery[]> => json(await org.as.viewer.fetch(`${base()}/rules/${ruleId}/deliveries`));
  /** Offboards a person with one quick task, to its end: scheduled, started and completed events. */
  async function completeARun(u: DirUser): Promise<string> {
    const res = await org.as.admin.fetch(runsUrl(org.id), { method: 'POST', json: { employeeId: await employeeId(app, org.id, u.id), steps: [{ task: 'revoke_sessions', options: {} }] } });
    const run = await json(res);
    await waitForRun(org.as.admin, org.id, run.id, ['succeeded']);
    return run.id as string;
  }
  async function waitForDelivery(ruleId: string, done: (d: Delivery) => boolean, timeoutMs = 20_000): Promise<Delivery> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = (await deliveriesOf(ruleId)).find(done);
      if (d) return d;
      if (Date.now() > deadline) throw new Error(`no delivery of rule ${ruleId} as expected: ${JSON.stringify(await deliveriesOf(ruleId))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('sends each action\'s exact request when an offboarding completes, with no more personal data than needed', async () => {
    const u = person();
    const rules = await Promise.all(
      (['teams', 'slack', 'jira', 'webhook'] as const).map((kind) => makeRule({ name: `${kind} rule`, trigger: 'offboarding.completed', action: { kind, url: `${rx.url}/${kind}?token=secret-${kind}` } })),
    );
    const secret = rules[3]!.secret!;
    expect(secret).toMatch(/^whsec_/);
    // The list never shows a URL or its token.
    const listed: Rule[] = await json(await org.as.viewer.fetch(`${base()}/rules`));
    expect(JSON.stringify(listed)).not.toContain('secret-');
    expect(JSON.stringify(listed)).not.toContain(secret.slice(6));
    expect(listed.find((r) => r.action.kind === 'teams')!.action.target).toBe(`${rx.url}/…mams`.replace('mams', 'eams'));

    const runId = await completeARun(u);
    const got = await rx.waitFor(4);
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.requests).toHaveLength(4); // one each: scheduled and started trigger nothing here
    const by = (kind: string) => got.find((r) => r.path.startsWith(`/${kind}`))!;
    for (const kind of ['teams', 'slack', 'jira', 'webhook']) {
      const r = by(kind);
      expect(r.method).toBe('POST');
      expect(r.path).toBe(`/${kind}?token=secret-${kind}`);
      expect(r.headers['content-type']).toBe('application/json');
      // No more than needed: no mail, manager, devices or groups travel.
      for (const field of ['"mail"', 'manager', 'devices', 'groups']) expect(r.body).not.toContain(field);
    }
    const teams = JSON.parse(by('teams').body);
    expect(teams.type).toBe('message');
    expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0].content.body[0].text).toBe(`Offboarding of ${u.displayName} completed`);
    expect(teams.attachments[0].content.actions[0].url).toBe(`${app.publicUrl}/tabs/offboardings/${runId}`);
    const slack = JSON.parse(by('slack').body);
    expect(slack.text).toBe(`Offboarding of ${u.displayName} completed`);
    expect(slack.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'actions']);
    const jira = JSON.parse(by('jira').body);
    expect(jira).toMatchObject({ event: 'offboarding.completed', employee: { displayName: u.displayName, userPrincipalName: u.userPrincipalName }, run: { id: runId, state: 'succeeded' } });

    // The signed webhook verifies with the secret, per Standard Webhooks.
    const hook = by('webhook');
    const payload = new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as { type: string; data: { employee: { userPrincipalName: string }; run: { id: string } } };
    expect(payload.type).toBe('offboarding.completed');
    expect(payload.data.run.id).toBe(runId);
    expect(hook.headers['webhook-id']).toMatch(/^msg_/);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(hook.body, hook.headers as Record<string, string>)).toThrow();
    for (const r of rules) {
      const [d] = await deliveriesOf(r.rule.id);
      expect(d).toMatchObject({ status: 'succeeded', attempts: 1, log: [{ attempt: 1, status: 200 }] });
      await disable(r.rule.id);
    }
  });

  it('previews the exact request with secrets hidden, and sends a test', async () => {
    const { rule } = await makeRule({ name: 'preview', trigger: 'user.offboarded', action: { kind: 'servicenow', instanceUrl: rx.url, table: 'incident', authHeader: 'Authorization', authValue: 'Basic c2VjcmV0OnBhc3M=' } });
    const p = await json(await org.as.viewer.fetch(`${base()}/rules/${rule.id}/preview`));
    expect(p).toMatchObject({ method: 'POST', url: `${rx.url}/…dent` });
    expect(p.headers.authorization).toBe('Basic ••••');
    expect(JSON.stringify(p)).not.toContain('c2VjcmV0');
    expect(JSON.parse(p.body).short_description).toContain('is offboarded');
    // A credential without a scheme word is hidden whole (to every role that may preview).
    const bare = await org.as.viewer.fetch(`${base()}/preview`, { method: 'POST', json: { name: 'k', trigger: 'user.offboarded', action: { kind: 'servicenow', instanceUrl: rx.url, table: 'incident', authHeader: 'x-sn-apikey', authValue: 'SUPERSECRETKEY123' } } });
    const bareText = await bare.text();
    expect(bareText).not.toContain('SUPERSECRETKEY123');
    expect(JSON.parse(bareText).headers['x-sn-apikey']).toBe('••••');
    const draft = await org.as.viewer.fetch(`${base()}/preview`, { method: 'POST', json: { name: 'd', trigger: 'queue.entered', action: { kind: 'slack', url: `${rx.url}/x` } } });
    expect(JSON.parse((await json(draft)).body).blocks).toBeDefined();
    expect((await org.as.viewer.fetch(`${base()}/rules/${rule.id}/test`, { method: 'POST', json: {} })).status).toBe(403);
    rx.respond = () => ({ status: 201, body: JSON.stringify({ result: { sys_id: 'abc123', number: 'INC0010001' } }) });
    const test: Delivery = await json(await org.as.admin.fetch(`${base()}/rules/${rule.id}/test`, { method: 'POST', json: {} }));
    expect(test).toMatchObject({ status: 'succeeded', test: true, log: [{ status: 201 }] });
    expect(rx.requests[0]!.headers.authorization).toBe('Basic c2VjcmV0OnBhc3M=');
    expect(rx.requests[0]!.path).toBe('/api/now/table/incident');
    await disable(rule.id);
  });

  it('opens a ServiceNow incident when a checklist completes and closes it on the closing trigger', async () => {
    const u = person();
    const id = await employeeId(app, org.id, u.id);
    const { rule } = await makeRule({ name: 'SNOW', trigger: 'offboarding.completed', action: { kind: 'servicenow', instanceUrl: rx.url, table: 'sc_task', authHeader: 'x-sn-apikey', authValue: 'key-123', closeOn: 'user.offboarded' } });
    rx.respond = (r) => (r.method === 'POST' ? { status: 201, body: JSON.stringify({ result: { sys_id: 'sys-42', number: 'SCTASK0001' } }) } : { status: 200, body: '{}' });
    await completeARun(u);
    const [open] = await rx.waitFor(1);
    expect(open).toMatchObject({ method: 'POST', path: '/api/now/table/sc_task' });
    expect(open!.headers['x-sn-apikey']).toBe('key-123');
    expect(JSON.parse(open!.body)).toMatchObject({ short_description: `Offboarding of ${u.displayName} completed`, correlation_id: `offramp:${id}` });
    await waitForDelivery(rule.id, (d) => d.status === 'succeeded');
    await clearChecklist(app, org, tenantRef, id);
    expect((await org.as.manager.fetch(`/api/v1/orgs/${org.id}/people/${id}/complete`, { method: 'POST', json: {} })).status).toBe(200);
    const [, close] = await rx.waitFor(2);
    expect(close).toMatchObject({ method: 'PATCH', path: '/api/now/table/sc_task/sys-42' });
    expect(JSON.parse(close!.body)).toMatchObject({ state: '3', close_code: 'Solved (Permanently)' });
    await disable(rule.id);
  });

  it('retries on the schedule (with jitter, honouring Retry-After) under the same webhook-id, then stops', async () => {
    rx.respond = () => ({ status: 500, body: 'down for maintenance' });
    const { rule, secret } = await makeRule({ name: 'retry', trigger: 'offboarding.completed', action: { kind: 'webhook', url: `${rx.url}/retry` } });
    await completeARun(person());
    let d = await waitForDelivery(rule.id, (x) => x.attempts === 1);
    expect(d.log[0]).toMatchObject({ status: 500, response: 'down for maintenance' });
    for (let i = 0; i < RETRY_SCHEDULE_S.length; i++) {
      const wait = Date.parse(d.nextAttemptAt!) - Date.parse(d.log[i]!.at);
      expect(wait).toBeGreaterThanOrEqual(RETRY_SCHEDULE_S[i]! * 1000 * 0.9 - 1);
      expect(wait).toBeLessThanOrEqual(RETRY_SCHEDULE_S[i]! * 1000 * 1.1 + 1);
      // Not yet due: a sweep sends nothing.
      await app.jobs.now(SWEEP_JOB, {});
      await new Promise((r) => setTimeout(r, 150));
      expect(rx.requests).toHaveLength(i + 1);
      clock.advance(wait + 1);
      await app.jobs.now(SWEEP_JOB, {});
      d = await waitForDelivery(rule.id, (x) => x.id === d.id && x.attempts === i + 2);
    }
    expect(d).toMatchObject({ status: 'failed', attempts: 10, nextAttemptAt: null });
    expect(new Set(rx.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    // Each attempt is signed at its own time.
    expect(new Set(rx.requests.map((r) => r.headers['webhook-timestamp'])).size).toBe(10);
    for (const r of rx.requests) expect(signedBy(secret!, r)).toBe(true);

    // Retry-After is honoured when it asks for longer than the schedule.
    rx.requests.length = 0;
    rx.respond = () => ({ status: 503, headers: { 'retry-after': '120' }, body: '' });
    await completeARun(person());
    const ra = await waitForDelivery(rule.id, (x) => x.id !== d.id && x.attempts === 1);
    expect(Date.parse(ra.nextAttemptAt!) - Date.parse(ra.log[0]!.at)).toBeGreaterThanOrEqual(120_000);
    // Replay: from the start, same webhook-id.
    rx.respond = () => ({ status: 200, body: 'ok' });
    const replayed: Delivery = await json(await org.as.admin.fetch(`${base()}/deliveries/${d.id}/replay`, { method: 'POST', json: {} }));
    expect(replayed).toMatchObject({ status: 'succeeded', attempts: 11, messageId: d.messageId });
    await disable(rule.id);
  });

  it('signs with both secrets during a rotation, and with the new one only after it', async () => {
    const { rule, secret: old } = await makeRule({ name: 'rotating', trigger: 'offboarding.completed', action: { kind: 'webhook', url: `${rx.url}/rotate` } });
    const rotated: RuleWithSecret = await json(await org.as.admin.fetch(`${base()}/rules/${rule.id}/rotate-secret`, { method: 'POST', json: {} }));
    expect(rotated.secret).not.toBe(old);
    expect(rotated.rule.secrets).toHaveLength(2);
    expect(rotated.rule.secrets.filter((s) => s.expiresAt)).toHaveLength(1);
    await completeARun(person());
    const [r] = await rx.waitFor(1);
    expect(String(r!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(signedBy(old!, r!)).toBe(true);
    expect(signedBy(rotated.secret!, r!)).toBe(true);
    // A day later the old secret no longer signs.
    clock.advance(25 * 3600_000);
    const test: Delivery = await json(await org.as.admin.fetch(`${base()}/rules/${rule.id}/test`, { method: 'POST', json: {} }));
    expect(test.status).toBe('succeeded');
    const last = rx.requests.at(-1)!;
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(signedBy(rotated.secret!, last)).toBe(true);
    expect(signedBy(old!, last)).toBe(false);
    await disable(rule.id);
  });

  it('turns a rule off on 410 Gone, and after five days of failures, telling the Owners and Admins', async () => {
    rx.respond = () => ({ status: 410, body: 'gone' });
    const gone = await makeRule({ name: 'gone', trigger: 'offboarding.completed', action: { kind: 'slack', url: `${rx.url}/gone` } });
    await completeARun(person());
    await waitForDelivery(gone.rule.id, (d) => d.status === 'failed');
    const after: Rule = await json(await org.as.viewer.fetch(`${base()}/rules/${gone.rule.id}`));
    expect(after.enabled).toBe(false);
    expect(after.disabledReason).toMatch(/410 Gone/);
    const notes = async (ruleId: string) =>
      (await app.store.pool.query("SELECT recipient_object_id FROM notifications WHERE org_id = $1 AND key LIKE $2", [org.id, `rule:${ruleId}:disabled:%`])).rows.map((r) => r.recipient_object_id).sort();
    const admins = [org.owner.user.id, org.as.admin.user.id].sort();
    expect(await notes(gone.rule.id)).toEqual(admins);
    // Turned off: the next event sends nothing.
    rx.requests.length = 0;
    await completeARun(person());
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.requests).toHaveLength(0);

    rx.respond = () => ({ status: 500, body: '' });
    const flaky = await makeRule({ name: 'flaky', trigger: 'offboarding.completed', action: { kind: 'teams', url: `${rx.url}/flaky` } });
    await completeARun(person());
    await waitForDelivery(flaky.rule.id, (d) => d.attempts === 1);
    clock.advance(5 * 86_400_000 + 60_000);
    await completeARun(person());
    await waitForDelivery(flaky.rule.id, (d) => d.status === 'failed' && d.attempts === 1);
    const f: Rule = await json(await org.as.viewer.fetch(`${base()}/rules/${flaky.rule.id}`));
    expect(f.enabled).toBe(false);
    expect(f.disabledReason).toMatch(/5 days/);
    expect(await notes(flaky.rule.id)).toEqual(admins);
  });

  it('tells of each leaver entering a queue-window rule\'s look-ahead once', async () => {
    const { rule } = await makeRule({ name: 'queue', trigger: 'queue.entered', queueWindowDays: 14, action: { kind: 'jira', url: `${rx.url}/queue` } });
    const near = person();
    const far = person();
    sim.admin.updateUser(near.id, { employeeLeaveDateTime: new Date(Date.now() + 10 * 86_400_000).toISOString() });
    sim.admin.updateUser(far.id, { employeeLeaveDateTime: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    await syncNow(org, tenantRef);
    clock.offsetMs = 0;
    await app.jobs.now(QUEUE_SCAN_JOB, {});
    await waitForDelivery(rule.id, (d) => d.status === 'succeeded');
    await new Promise((r) => setTimeout(r, 300));
    const told = rx.requests.map((r) => JSON.parse(r.body).employee.userPrincipalName);
    expect(told).toContain(near.userPrincipalName);
    expect(told).not.toContain(far.userPrincipalName);
    expect(JSON.parse(rx.requests.find((r) => r.body.includes(near.userPrincipalName))!.body)).toMatchObject({ event: 'queue.entered', summary: expect.stringContaining(`${near.displayName} leaves on`) });
    const count = rx.requests.length;
    await app.jobs.now(QUEUE_SCAN_JOB, {});
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.requests).toHaveLength(count); // once each
  });

  it('refuses rules whose target is not public https, naming the field', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data', 'https://10.0.0.1/hook', 'https://localhost/hook', 'ftp://example.com/x', 'https://user:pw@example.com/x']) {
      const res = await org.as.admin.fetch(`${base()}/rules`, { method: 'POST', json: { name: 'bad', trigger: 'user.offboarded', action: { kind: 'webhook', url } } });
      expect(res.status).toBe(400);
      expect((await json(res)).error.message).toMatch(/^url: /);
    }
    const bad = await org.as.admin.fetch(`${base()}/rules`, { method: 'POST', json: { name: 'x', trigger: 'nope', action: { kind: 'slack', url: 'https://hooks.slack.com/x' } } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/trigger/);
    expect((await org.as.manager.fetch(`${base()}/rules`, { method: 'POST', json: { name: 'x', trigger: 'user.offboarded', action: { kind: 'slack', url: 'https://hooks.slack.com/x' } } })).status).toBe(403);
  });
});

describe('integrations across a restart', () => {
  it('keeps a delivery whose receiver was down through a restart, and delivers it once', async () => {
    const db = serverStoreUrl ? await freshServerDatabase(serverStoreUrl) : null;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offramp-restart-'));
    const env = { ...LOCAL, ...(db ? { DATABASE_URL: db.url } : { EMBEDDED_STORE: 'file', DATA_DIR: dataDir }) };
    // A port nobody listens on yet.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    let app = await startTestApp(env);
    try {
      const org = await makeOrg(app, 'Restart Co', 0);
      const base = `/api/v1/orgs/${org.id}/integrations`;
      const { rule, secret } = (await json(await org.as.admin.fetch(`${base}/rules`, { method: 'POST', json: { name: 'down', trigger: 'offboarding.completed', action: { kind: 'webhook', url: `http://127.0.0.1:${port}/hook` } } }))) as RuleWithSecret;
      await org.as.admin.fetch(`/api/v1/orgs/${org.id}/offboarding/settings`, { method: 'PUT', json: { requireApproval: false, allowApproveOwn: false, proposeFromLeaveDate: false } });
      await connectDemoTenant(org);
      const sim = app.simulator!;
      const u = sim.users().find((x) => x.kind === 'person' && x.accountEnabled && !x.onPremisesSyncEnabled && sim.users().indexOf(x) > 4)!;
      const run = await json(await org.as.admin.fetch(runsUrl(org.id), { method: 'POST', json: { employeeId: await employeeId(app, org.id, u.id), steps: [{ task: 'revoke_sessions', options: {} }] } }));
      await waitForRun(org.as.admin, org.id, run.id, ['succeeded']);
      const first = async (a: Offramp): Promise<Delivery> => {
        for (let i = 0; i < 400; i++) {
          const [d] = (await json(await org.as.admin.fetch(`${base}/rules/${rule.id}/deliveries`))) as Delivery[];
          if (d && d.attempts >= 1) return d;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`no attempt on ${a.url}`);
      };
      const before = await first(app);
      expect(before.status).toBe('pending');
      expect(before.log[0]!.error).toMatch(/No answer/);
      await app.close();

      // The receiver comes up while Offramp is down; a new process takes over from the store.
      const rx = await startReceiver('127.0.0.1', port);
      try {
        const clock = new TestClock();
        clock.advance(10_000);
        app = await startTestApp(env, { clock });
        const [got] = await rx.waitFor(1, 30_000);
        expect(got!.headers['webhook-id']).toBe(before.messageId);
        expect(() => new Webhook(secret!).verify(got!.body, got!.headers as Record<string, string>)).not.toThrow();
        // The old sessions of the caller died with the first process: sign in again for the check.
        const again = await makeOrg(app, 'Reader Co', 10);
        expect(again.id).toBeTruthy();
        const { rows } = await app.store.pool.query('SELECT status, attempts FROM webhook_deliveries WHERE id = $1', [before.id]);
        expect(rows[0]).toEqual({ status: 'succeeded', attempts: 2 });
        await new Promise((r) => setTimeout(r, 1_000));
        expect(rx.requests).toHaveLength(1);
      } finally {
        await rx.close();
      }
    } finally {
      await app.close();
      await db?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('SSRF: the sender refuses inward targets before connecting', () => {
  let inward: net.Server;
  let inwardPort: number;
  let connections = 0;
  const policy = (extra: Partial<SendPolicy> = {}): SendPolicy => ({ allowHttp: true, allowAddresses: [], timeoutMs: 2_000, ...extra });
  const post = (url: string, p: SendPolicy) => safeSend({ method: 'POST', url, headers: {}, body: '{}' }, p);

  beforeAll(async () => {
    inward = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((resolve) => inward.listen(0, '127.0.0.1', resolve));
    inwardPort = (inward.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => inward.close(() => resolve())));

  it.each([
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', /linkLocal/],
    ['a decimal IPv4 loopback', 'http://2130706433:PORT/', /loopback/],
    ['a short hex IPv4 loopback', 'http://0x7f.1:PORT/', /loopback/],
    ['an IPv4-mapped IPv6 loopback', 'http://[::ffff:7f00:1]:PORT/', /loopback/],
    ['an IPv6 loopback', 'http://[::1]:PORT/', /loopback/],
    ['a CGNAT address', 'http://100.64.0.1/', /carrierGradeNat/],
    ['a unique-local IPv6 address', 'http://[fd00::1]/', /uniqueLocal/],
  ])('refuses %s', async (_what, url, why) => {
    const before = connections;
    await expect(post(url.replace('PORT', String(inwardPort)), policy())).rejects.toThrow(why);
    await expect(post(url.replace('PORT', String(inwardPort)), policy())).rejects.toBeInstanceOf(BlockedTarget);
    expect(connections).toBe(before);
  });

  it('refuses a name that resolves to a private address, checking the address it would connect to', async () => {
    const before = connections;
    const lookup = async (host: string) => (host === 'intranet.example.com' ? ['10.0.0.1'] : ['93.184.215.14']);
    await expect(post(`http://intranet.example.com:${inwardPort}/`, policy({ lookup }))).rejects.toThrow(/10\.0\.0\.1 is a private address/);
    // Any one bad address among several is enough to refuse.
    await expect(post(`http://mixed.example.com:${inwardPort}/`, policy({ lookup: async () => ['93.184.215.14', '127.0.0.1'] }))).rejects.toThrow(/loopback/);
    expect(connections).toBe(before);
  });

  it('does not follow a public-looking host\'s redirect inward', async () => {
    // 127.0.0.2 plays a public host here (allowed by the policy); it redirects to the inward server.
    const outer = await startReceiver('127.0.0.2');
    outer.respond = () => ({ status: 302, headers: { location: `http://127.0.0.1:${inwardPort}/admin` }, body: '' });
    try {
      const before = connections;
      const res = await post(`http://hooks.example.com:${outer.port}/in`, policy({ allowAddresses: ['127.0.0.2'], lookup: async () => ['127.0.0.2'] }));
      expect(res.status).toBe(302);
      expect(outer.requests).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(connections).toBe(before);
    } finally {
      await outer.close();
    }
  });

  it('needs https unless configured otherwise, and gives up after the timeout', async () => {
    await expect(post('http://example.com/x', { allowHttp: false, allowAddresses: [], timeoutMs: 1000 })).rejects.toThrow(/Only https/);
    const slow = net.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      await expect(post(`http://127.0.0.1:${(slow.address() as net.AddressInfo).port}/`, policy({ allowAddresses: ['127.0.0.1'], timeoutMs: 500 }))).rejects.toThrow(/No answer within 0.5 s/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      slow.close();
    }
  });
});
