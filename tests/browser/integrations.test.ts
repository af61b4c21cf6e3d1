/// <reference lib="dom" />
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import type { Offramp } from '../../server/main.js';
import type { Delivery, Rule } from '../../server/integrations/contract.js';
import { artifactPath, screenshotWhole, signInInBrowser, withAppAndBrowser } from '../support/browser.js';
import { json } from '../support/json.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local endpoint standing in for Slack and for a customer's own webhook receiver. */
async function startReceiver() {
  const requests: Received[] = [];
  const state = { status: 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(state.status, { 'content-type': 'text/plain' });
      res.end(state.status < 300 ? 'ok' : 'receiver is down for maintenance');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    requests,
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    answer: (status: number) => void (state.status = status),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The Integrations page in Chromium, against a local receiver: the empty state, a Slack rule
 * previewed (Block Kit) and saved with its target masked, tests that reach the receiver (200,
 * then 500) with the results on the page and in the delivery log (expanded, replayed), a signed
 * webhook whose secret is shown once and signs the requests, rotating it (two secrets, one
 * expiring), turning rules off and on (and one turned off by Offramp), editing, deleting, and a
 * Viewer who sees everything but can change nothing.
 */
describe('the Integrations page in Chromium', () => {
  let app: Offramp;
  let browser: Browser;
  withAppAndBrowser((a, b) => ([app, browser] = [a, b]), { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_ADDRESSES: '127.0.0.1' });
  const problems: string[] = [];
  const contexts: { name: string; page: Page; context: BrowserContext }[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  async function personInBrowser(name: string, upn: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`${name}: page error: ${err.message}`));
    contexts.push({ name, page, context });
    await signInInBrowser(page, app.url, upn, '/tabs/integrations');
    await page.getByTestId('page-title').waitFor();
    return page;
  }

  it('creates, previews, tests, logs, rotates, toggles and deletes rules; a Viewer only looks', async () => {
    try {
      await story();
    } catch (err) {
      for (const c of contexts) await screenshotWhole(c.page, artifactPath(`integrations-failure-${c.name}.png`)).catch(() => undefined);
      if (problems.length) console.error('The pages reported:', problems.join('\n'));
      throw err;
    } finally {
      for (const c of contexts) await c.context.close();
    }
  }, 180_000);

  async function story() {
    const org: TestOrg = await makeOrg(app, 'Contoso Integrations', 0);
    const base = `/api/v1/orgs/${org.id}/integrations`;
    const api = async (path: string) => {
      const res = await org.as.admin.fetch(`${base}${path}`);
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return json(res);
    };
    const rulesNow = async (): Promise<Rule[]> => api('/rules');

    const page = await personInBrowser('admin', org.as.admin.user.userPrincipalName);
    const card = (id: string) => page.locator(`[data-testid="rule-card"][data-rule-id="${id}"]`);

    // ---------------------------------------------------------------------------------------
    // Nothing yet: the empty state says what rules do, with a way to make one.
    await page.getByTestId('empty-state').waitFor();
    await expect(page.getByTestId('empty-state').textContent()).resolves.toContain('A rule tells another tool');
    await expect(page.getByTestId('integrations-empty-new').isVisible()).resolves.toBe(true);
    await screenshotWhole(page, artifactPath('integrations-empty.png'));

    // ---------------------------------------------------------------------------------------
    // A Slack rule: previewed before saving (the Block Kit body), then saved.
    const slackUrl = receiver.url('/slack');
    await page.getByTestId('integrations-empty-new').click();
    const dialog = page.getByTestId('rule-dialog');
    await dialog.waitFor();
    await expect(page.getByTestId('rule-confirm').isDisabled()).resolves.toBe(true);
    await page.getByTestId('rule-form-name').fill('Tell #it-offboarding');
    await page.getByTestId('rule-form-trigger').selectOption({ label: 'An offboarding completes' });
    await page.getByTestId('rule-form-kind').selectOption('slack');
    await page.getByTestId('rule-form-url').fill(slackUrl);
    await page.getByTestId('rule-form-preview').click();
    await dialog.getByTestId('request-preview-body').waitFor();
    const previewBody = JSON.parse((await dialog.getByTestId('request-preview-body').textContent())!);
    expect(Array.isArray(previewBody.blocks)).toBe(true);
    expect(JSON.stringify(previewBody.blocks)).toContain('completed');
    await expect(dialog.getByTestId('request-preview-method').textContent()).resolves.toBe('POST');
    const previewUrl = (await dialog.getByTestId('request-preview-url').textContent())!;
    expect(previewUrl).toBe(`http://127.0.0.1:${receiver.port}/…lack`);
    await expect(dialog.getByTestId('request-preview-headers').textContent()).resolves.toContain('content-type:application/json');
    // Changing the form marks the preview as out of date.
    await page.getByTestId('rule-form-trigger').selectOption('offboarding.failed');
    await page.getByTestId('rule-form-preview-stale').waitFor();
    await page.getByTestId('rule-form-trigger').selectOption({ label: 'An offboarding completes' });
    await page.getByTestId('rule-form-preview-stale').waitFor({ state: 'detached' });
    await screenshotWhole(page, artifactPath('integrations-new-rule.png'));
    await page.getByTestId('rule-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('rule-card').waitFor();

    const [slack] = await rulesNow();
    expect(slack).toMatchObject({ name: 'Tell #it-offboarding', trigger: 'offboarding.completed', enabled: true, action: { kind: 'slack' } });
    const slackCard = card(slack!.id);
    await expect(slackCard.getByTestId('rule-name').textContent()).resolves.toBe('Tell #it-offboarding');
    await expect(slackCard.getByTestId('rule-trigger').textContent()).resolves.toBe('When an offboarding completes');
    await expect(slackCard.getByTestId('rule-kind').textContent()).resolves.toBe('Slack (incoming webhook)');
    // The target is masked, and the full address is nowhere on the page.
    await expect(slackCard.getByTestId('rule-target').textContent()).resolves.toBe(slack!.action.target);
    expect(slack!.action.target).toBe(`http://127.0.0.1:${receiver.port}/…lack`);
    expect(await page.content()).not.toContain(slackUrl);
    await expect(page.getByTestId('integrations-notice').textContent()).resolves.toContain('is saved');

    // ---------------------------------------------------------------------------------------
    // Send test: one POST with a Block Kit body, and the 200 on the page.
    await slackCard.getByTestId('rule-test').click();
    const result = slackCard.getByTestId('rule-test-result');
    await result.waitFor();
    await expect(result.getAttribute('data-http-status')).resolves.toBe('200');
    await expect(result.getAttribute('data-outcome')).resolves.toBe('succeeded');
    await expect(result.textContent()).resolves.toContain('Test delivered: HTTP 200');
    await expect(slackCard.getByTestId('rule-test-response').textContent()).resolves.toBe('ok');
    expect(receiver.requests).toHaveLength(1);
    const sent = receiver.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/slack');
    expect(sent.headers['content-type']).toContain('application/json');
    expect(Array.isArray(JSON.parse(sent.body).blocks)).toBe(true);
    await screenshotWhole(page, artifactPath('integrations-test-ok.png'));

    // The receiver fails: the page says so.
    receiver.answer(500);
    await slackCard.getByTestId('rule-test').click();
    await page.waitForFunction(
      (id) => document.querySelector(`[data-rule-id="${id}"] [data-testid="rule-test-result"]`)?.getAttribute('data-http-status') === '500',
      slack!.id,
    );
    await expect(result.getAttribute('data-outcome')).resolves.toBe('failed');
    await expect(result.textContent()).resolves.toContain('Test failed: HTTP 500');
    await expect(slackCard.getByTestId('rule-test-response').textContent()).resolves.toBe('receiver is down for maintenance');
    expect(receiver.requests).toHaveLength(2);
    await screenshotWhole(page, artifactPath('integrations-test-failed.png'));

    // ---------------------------------------------------------------------------------------
    // The delivery log: both tests, newest first, each with its attempt.
    const deliveries: Delivery[] = await api(`/rules/${slack!.id}/deliveries`);
    expect(deliveries.map((d) => [d.status, d.test, d.attempts])).toEqual([
      ['failed', true, 1],
      ['succeeded', true, 1],
    ]);
    await slackCard.getByTestId('rule-log').click();
    const rows = slackCard.getByTestId('delivery-row');
    await rows.first().waitFor();
    await expect(rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-delivery-id'), e.getAttribute('data-status'), e.getAttribute('data-test')]))).resolves.toEqual(
      deliveries.map((d) => [d.id, d.status, 'true']),
    );
    for (const d of deliveries) {
      await slackCard.locator(`[data-testid="delivery-row"][data-delivery-id="${d.id}"] [data-testid="delivery-expand"]`).click();
    }
    const details = (id: string) => slackCard.locator(`[data-testid="delivery-details"][data-delivery-id="${id}"]`);
    for (const d of deliveries) await details(d.id).getByTestId('delivery-attempt').waitFor();
    await expect(details(deliveries[0]!.id).getByTestId('delivery-attempt').count()).resolves.toBe(1);
    await expect(details(deliveries[0]!.id).getByTestId('delivery-attempt-outcome').textContent()).resolves.toBe('HTTP 500');
    await expect(details(deliveries[0]!.id).getByTestId('delivery-attempt-response').textContent()).resolves.toBe('receiver is down for maintenance');
    await expect(details(deliveries[1]!.id).getByTestId('delivery-attempt-outcome').textContent()).resolves.toBe('HTTP 200');
    await expect(details(deliveries[0]!.id).textContent()).resolves.toContain(deliveries[0]!.messageId);
    await screenshotWhole(page, artifactPath('integrations-log.png'));

    // Replaying the failed one once the receiver is back: a second attempt, delivered.
    receiver.answer(200);
    await slackCard.locator(`[data-testid="delivery-row"][data-delivery-id="${deliveries[0]!.id}"] [data-testid="delivery-replay"]`).click();
    await slackCard.locator(`[data-testid="delivery-row"][data-delivery-id="${deliveries[0]!.id}"][data-status="succeeded"]`).waitFor();
    await expect(details(deliveries[0]!.id).getByTestId('delivery-attempt').count()).resolves.toBe(2);
    expect(receiver.requests).toHaveLength(3);
    const replayed: Delivery[] = await api(`/rules/${slack!.id}/deliveries`);
    expect(replayed[0]).toMatchObject({ id: deliveries[0]!.id, status: 'succeeded', attempts: 2 });
    await slackCard.getByTestId('rule-log').click(); // closes the log
    await slackCard.getByTestId('rule-log-panel').waitFor({ state: 'detached' });
    await slackCard.getByTestId('rule-test-dismiss').click();

    // The saved rule's preview, from the card.
    await slackCard.getByTestId('rule-preview').click();
    await slackCard.getByTestId('rule-preview-panel').getByTestId('request-preview-body').waitFor();
    expect(Array.isArray(JSON.parse((await slackCard.getByTestId('request-preview-body').textContent())!).blocks)).toBe(true);
    await slackCard.getByTestId('rule-preview').click();

    // ---------------------------------------------------------------------------------------
    // A signed webhook: the secret is shown once, then gone from the page; it signs the requests.
    await page.getByTestId('integrations-new').click();
    await dialog.waitFor();
    // On the way, ServiceNow's fields and the look-ahead of queue.entered; the credential stays hidden in the preview.
    await page.getByTestId('rule-form-trigger').selectOption('queue.entered');
    await expect(page.getByTestId('rule-form-window').inputValue()).resolves.toBe('30');
    await page.getByTestId('rule-form-kind').selectOption('servicenow');
    await expect(page.getByTestId('rule-form-auth-header').inputValue()).resolves.toBe('Authorization');
    await expect(page.getByTestId('rule-form-auth-value').getAttribute('type')).resolves.toBe('password');
    await page.getByTestId('rule-form-instance').fill(receiver.url(''));
    await page.getByTestId('rule-form-auth-value').fill('Basic c2VydmljZTpodW50ZXIy');
    await page.getByTestId('rule-form-close-on').selectOption('user.offboarded');
    await page.getByTestId('rule-form-preview').click();
    await dialog.getByTestId('request-preview-body').waitFor();
    await expect(dialog.getByTestId('request-preview-url').textContent()).resolves.toBe(`http://127.0.0.1:${receiver.port}/…dent`); // …/api/now/table/incident, masked
    await expect(dialog.getByTestId('request-preview-headers').textContent()).resolves.toContain('authorization:Basic ••••');
    expect(await dialog.textContent()).not.toContain('c2VydmljZTpodW50ZXIy');
    // An API key without a scheme shows as dots only.
    await page.getByTestId('rule-form-auth-header').fill('x-sn-apikey');
    await page.getByTestId('rule-form-auth-value').fill('snkey-0123456789abcdef');
    await page.getByTestId('rule-form-preview').click();
    await page.getByTestId('rule-form-preview-stale').waitFor({ state: 'detached' });
    await expect(dialog.getByTestId('request-preview-headers').textContent()).resolves.toContain('x-sn-apikey:••••');
    expect(await dialog.textContent()).not.toContain('snkey-0123456789abcdef');
    await screenshotWhole(page, artifactPath('integrations-form-servicenow.png'));
    await page.getByTestId('rule-form-name').fill('HR system');
    await page.getByTestId('rule-form-trigger').selectOption('offboarding.started');
    await page.getByTestId('rule-form-kind').selectOption('webhook');
    await page.getByTestId('rule-form-url').fill(receiver.url('/hooks/offramp'));
    await page.getByTestId('rule-form-preview').click();
    await expect(dialog.getByTestId('request-preview-headers').textContent()).resolves.toContain('webhook-signature');
    await page.getByTestId('rule-confirm').click();
    const secretDialog = page.getByTestId('rule-secret-dialog');
    await secretDialog.waitFor();
    const secret = await page.getByTestId('rule-secret-value').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expect(page.getByTestId('rule-secret-warning').textContent()).resolves.toContain('will not be shown again');
    await screenshotWhole(page, artifactPath('integrations-secret.png'));
    await page.getByTestId('rule-secret-confirm').click();
    await secretDialog.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    expect(await page.evaluate(() => document.body.innerText)).not.toContain(secret.slice(6, 20));

    const hook = (await rulesNow()).find((r) => r.name === 'HR system')!;
    expect(hook.secrets).toHaveLength(1);
    const hookCard = card(hook.id);
    await expect(hookCard.getByTestId('rule-secret').count()).resolves.toBe(1);
    await expect(hookCard.getByTestId('rule-secret').textContent()).resolves.toContain(hook.secrets[0]!.preview);
    await hookCard.getByTestId('rule-test').click();
    await hookCard.locator('[data-testid="rule-test-result"][data-http-status="200"]').waitFor();
    const signed = receiver.requests.at(-1)!;
    expect(signed.path).toBe('/hooks/offramp');
    const webhookHeaders = { 'webhook-id': String(signed.headers['webhook-id']), 'webhook-timestamp': String(signed.headers['webhook-timestamp']), 'webhook-signature': String(signed.headers['webhook-signature']) };
    expect(() => new Webhook(secret).verify(signed.body, webhookHeaders)).not.toThrow();
    await hookCard.getByTestId('rule-test-dismiss').click();
    await hookCard.getByTestId('rule-test-result').waitFor({ state: 'detached' });

    // Rotating: a new secret shown once; the old one still listed, with its expiry.
    await hookCard.getByTestId('rule-rotate').click();
    await page.getByTestId('rotate-confirm').click();
    await secretDialog.waitFor();
    const rotated = await page.getByTestId('rule-secret-value').inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await expect(secretDialog.textContent()).resolves.toContain('previous secret keeps signing');
    await page.getByTestId('rule-secret-confirm').click();
    await secretDialog.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(rotated);
    await page.waitForFunction((id) => document.querySelectorAll(`[data-rule-id="${id}"] [data-testid="rule-secret"]`).length === 2, hook.id);
    const expiries = await hookCard.getByTestId('rule-secret').evaluateAll((els) => els.map((e) => e.getAttribute('data-expires-at')));
    expect(expiries.filter(Boolean)).toHaveLength(1);
    const afterRotation = (await rulesNow()).find((r) => r.id === hook.id)!;
    expect(afterRotation.secrets).toHaveLength(2);
    expect(afterRotation.secrets.filter((s) => s.expiresAt)).toHaveLength(1);
    expect(Date.parse(afterRotation.secrets.find((s) => s.expiresAt)!.expiresAt!) - Date.now()).toBeGreaterThan(23 * 3600_000);
    await expect(hookCard.locator(`[data-testid="rule-secret"][data-expires-at="${afterRotation.secrets.find((s) => s.expiresAt)!.expiresAt}"]`).textContent()).resolves.toContain('Stops signing');
    // Both secrets sign now.
    await hookCard.getByTestId('rule-test').click();
    await hookCard.locator('[data-testid="rule-test-result"][data-http-status="200"]').waitFor();
    const twice = receiver.requests.at(-1)!;
    const twiceHeaders = { 'webhook-id': String(twice.headers['webhook-id']), 'webhook-timestamp': String(twice.headers['webhook-timestamp']), 'webhook-signature': String(twice.headers['webhook-signature']) };
    expect(twiceHeaders['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(rotated).verify(twice.body, twiceHeaders)).not.toThrow();
    expect(() => new Webhook(secret).verify(twice.body, twiceHeaders)).not.toThrow();
    await hookCard.getByTestId('rule-test-dismiss').click();
    await screenshotWhole(page, artifactPath('integrations-rotated.png'));

    // ---------------------------------------------------------------------------------------
    // A real event (an offboarding completes): delivered by the job, shown as the last delivery.
    const before = receiver.requests.length;
    await app.store.pool.query('INSERT INTO org_events (org_id, type, data) VALUES ($1, $2, $3)', [
      org.id,
      'offboarding.completed',
      JSON.stringify({
        run: { id: '00000000-0000-4000-8000-000000000001', state: 'succeeded', scheduledAt: null },
        employee: { id: '00000000-0000-4000-8000-000000000002', objectId: '00000000-0000-4000-8000-000000000003', displayName: 'Megan Bowen', userPrincipalName: 'megan@contoso.example', department: 'Sales', jobTitle: 'Account executive' },
        tenantRef: '00000000-0000-4000-8000-000000000004',
        actor: 'Amara Bowen',
      }),
    ]);
    await app.integrations.deliveries.dispatch();
    for (let i = 0; i < 100 && receiver.requests.length === before; i++) await new Promise((r) => setTimeout(r, 100));
    expect(receiver.requests.slice(before).map((r) => r.path)).toEqual(['/slack']);
    expect(JSON.parse(receiver.requests.at(-1)!.body).text).toContain('Megan Bowen');
    for (let i = 0; i < 50 && !(await rulesNow()).find((r) => r.id === slack!.id)!.lastDelivery; i++) await new Promise((r) => setTimeout(r, 100));
    await page.reload();
    await slackCard.locator('[data-testid="rule-last-delivery"] [data-status="succeeded"]').waitFor();
    await expect(slackCard.getByTestId('rule-last-delivery').textContent()).resolves.toContain('Delivered');

    // ---------------------------------------------------------------------------------------
    // Off and on again, checked through the API.
    const enabledOf = async (id: string) => (await rulesNow()).find((r) => r.id === id)!.enabled;
    await slackCard.getByTestId('rule-enabled').click();
    await page.locator(`[data-testid="rule-card"][data-rule-id="${slack!.id}"][data-enabled="false"]`).waitFor();
    await expect(enabledOf(slack!.id)).resolves.toBe(false);
    await expect(page.getByTestId('integrations-summary').textContent()).resolves.toBe('2 rules · 1 on · 1 off');
    await slackCard.getByTestId('rule-enabled').click();
    await page.locator(`[data-testid="rule-card"][data-rule-id="${slack!.id}"][data-enabled="true"]`).waitFor();
    await expect(enabledOf(slack!.id)).resolves.toBe(true);

    // Turned off by Offramp (its target answered 410 Gone): the reason shows until it is turned on.
    const reason = 'HR system: the target answered 410 Gone (it no longer exists), so Offramp turned the rule off. Check the address and turn it on again.';
    await app.store.pool.query('UPDATE integration_rules SET enabled = false, disabled_reason = $2 WHERE id = $1', [hook.id, reason]);
    await page.reload();
    await hookCard.getByTestId('rule-disabled-reason').waitFor();
    await expect(hookCard.getByTestId('rule-disabled-reason').textContent()).resolves.toBe(`Turned off: ${reason}`);
    await expect(hookCard.getAttribute('data-enabled')).resolves.toBe('false');
    await screenshotWhole(page, artifactPath('integrations-list.png'));
    await hookCard.getByTestId('rule-enabled').click();
    await hookCard.getByTestId('rule-disabled-reason').waitFor({ state: 'detached' });
    const back = (await rulesNow()).find((r) => r.id === hook.id)!;
    expect(back).toMatchObject({ enabled: true, disabledReason: null });

    // Editing the name and trigger keeps the target (nothing asked again).
    await slackCard.getByTestId('rule-edit').click();
    await dialog.waitFor();
    await expect(page.getByTestId('rule-form-name').inputValue()).resolves.toBe('Tell #it-offboarding');
    await expect(page.getByTestId('rule-form-current').textContent()).resolves.toContain(slack!.action.target);
    await expect(page.getByTestId('rule-form-url').count()).resolves.toBe(0);
    await expect(page.getByTestId('rule-confirm').isDisabled()).resolves.toBe(true); // nothing changed yet
    await page.getByTestId('rule-form-name').fill('Tell #it-offboarding (failures)');
    await page.getByTestId('rule-form-trigger').selectOption('offboarding.failed');
    await page.getByTestId('rule-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect(slackCard.getByTestId('rule-name').textContent()).resolves.toBe('Tell #it-offboarding (failures)');
    const edited = (await rulesNow()).find((r) => r.id === slack!.id)!;
    expect(edited).toMatchObject({ name: 'Tell #it-offboarding (failures)', trigger: 'offboarding.failed', action: { kind: 'slack', target: slack!.action.target } });

    // ---------------------------------------------------------------------------------------
    // A Viewer sees the rules, their previews and logs, and no way to change them.
    const viewer = await personInBrowser('viewer', org.as.viewer.user.userPrincipalName);
    await viewer.getByTestId('rule-card').first().waitFor();
    await expect(viewer.getByTestId('rule-card').count()).resolves.toBe(2);
    for (const id of ['integrations-new', 'rule-test', 'rule-edit', 'rule-rotate', 'rule-delete', 'rule-enabled']) {
      await expect(viewer.getByTestId(id).count()).resolves.toBe(0);
    }
    await expect(viewer.getByTestId('rule-state').allTextContents()).resolves.toEqual(['On', 'On']);
    await expect(viewer.locator(`[data-rule-id="${slack!.id}"] [data-testid="rule-target"]`).textContent()).resolves.toBe(slack!.action.target);
    await viewer.locator(`[data-rule-id="${slack!.id}"] [data-testid="rule-log"]`).click();
    await viewer.getByTestId('delivery-row').first().waitFor();
    await expect(viewer.getByTestId('delivery-row').count()).resolves.toBe(3);
    await expect(viewer.getByTestId('delivery-replay').count()).resolves.toBe(0);
    await screenshotWhole(viewer, artifactPath('integrations-viewer.png'));
    // The server says no too.
    const refused = await org.as.viewer.fetch(`${base}/rules/${slack!.id}/test`, { method: 'POST', json: {} });
    expect(refused.status).toBe(403);

    // ---------------------------------------------------------------------------------------
    // Deleting, after a confirmation.
    await hookCard.getByTestId('rule-delete').click();
    await expect(page.getByTestId('delete-rule-dialog').textContent()).resolves.toContain('Delete "HR system"?');
    await page.getByTestId('delete-rule-confirm').click();
    await hookCard.waitFor({ state: 'detached' });
    await expect(page.getByTestId('integrations-notice').textContent()).resolves.toBe('"HR system" is deleted.');
    expect((await rulesNow()).map((r) => r.id)).toEqual([slack!.id]);
    await screenshotWhole(page, artifactPath('integrations-after-delete.png'));

    expect(problems).toEqual([]);
  }
});
