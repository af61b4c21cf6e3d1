import type { BillingOverview, BillingStanding, Invoice } from '../../server/billing/contract.js';
import { signStripePayload } from '../../server/billing/stripe.gateway.js';
import type { Offramp } from '../../server/main.js';
import { startTestApp } from '../support/app.js';
import { subscribe } from '../support/billing.js';
import { json } from '../support/json.js';
import { connectDemoTenant } from '../support/offboarding.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

const DAY = 86_400_000;

/**
 * Plans and billing through the real API and the real `stripe` library, talking to the local
 * Stripe stand-in, whose webhooks are signed as Stripe signs them.
 */
describe('billing', () => {
  let app: Offramp;
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  let n = 0;
  const newOrg = async (name: string) => makeOrg(app, name, (n++ % 4) * 4);
  const overview = async (org: TestOrg): Promise<BillingOverview> => json(await org.owner.fetch(`/api/v1/orgs/${org.id}/billing`));
  const standing = async (org: TestOrg): Promise<BillingStanding> => json(await org.as.viewer.fetch(`/api/v1/orgs/${org.id}/billing/standing`));
  const hardware = (org: TestOrg) => org.as.manager.fetch(`/api/v1/orgs/${org.id}/hardware`, { method: 'POST', json: { model: 'Test laptop' } });
  const subOf = async (org: TestOrg) => (await app.store.pool.query('SELECT stripe_subscription_id FROM billing_accounts WHERE org_id = $1', [org.id])).rows[0].stripe_subscription_id as string;

  beforeAll(async () => {
    // 80 people: more than Starter's 50, fewer than the trial's (Business) 200.
    app = await startTestApp({ SIMULATOR_USERS: '80' }, { clock });
  });
  afterAll(() => app?.close());
  afterEach(() => {
    clock.offsetMs = 0;
  });

  it('starts a 14-day trial with Business limits at signup; billing is the Owner\'s', async () => {
    const org = await newOrg('Trial Co');
    const o = await overview(org);
    expect(o).toMatchObject({ status: 'trialing', plan: 'business', trialDaysLeft: 14, readOnly: false, limits: { employees: 200, tenants: 1 }, usage: { employees: 0, tenants: 0 }, hasSubscription: false });
    expect(o.plans.map((p) => [p.id, p.price.month, p.price.year, p.employees, p.tenants])).toEqual([
      ['starter', 4900, 49000, 50, 1],
      ['business', 14900, 149000, 200, 1],
      ['msp', 39900, 399000, null, 10],
    ]);
    expect((await org.as.admin.fetch(`/api/v1/orgs/${org.id}/billing`)).status).toBe(403);
    expect((await org.as.admin.fetch(`/api/v1/orgs/${org.id}/billing/checkout`, { method: 'POST', json: { plan: 'starter', interval: 'month' } })).status).toBe(403);
    expect((await standing(org)).status).toBe('trialing');
    const bad = await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/checkout`, { method: 'POST', json: { plan: 'gold', interval: 'week' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/starter, business or msp/);

    // The trial ends: read-only (with the reason), reading still works, paying still works.
    clock.offsetMs = 15 * DAY;
    expect(await standing(org)).toMatchObject({ status: 'trial_ended', readOnly: true });
    const refused = await hardware(org);
    expect(refused.status).toBe(402);
    expect((await json(refused)).error.message).toMatch(/trial has ended/);
    expect((await org.as.manager.fetch(`/api/v1/orgs/${org.id}/hardware`)).status).toBe(200);
    expect((await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/checkout`, { method: 'POST', json: { plan: 'starter', interval: 'month' } })).status).toBe(200);
  });

  it('subscribes through Checkout; the signed webhooks set the plan, once each; the invoices are listed', async () => {
    const org = await newOrg('Checkout Co');
    const res = await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/checkout`, { method: 'POST', json: { plan: 'starter', interval: 'year' } });
    const { url } = await json(res);
    expect(url).toMatch(new RegExp(`^${app.stripeStandin!.url}/checkout/cs_test_`));
    // Until paid, nothing changes.
    expect((await overview(org)).status).toBe('trialing');
    const before = app.stripeStandin!.sent.length;
    await app.stripeStandin!.pay(url.split('/').pop());
    const sent = app.stripeStandin!.sent.slice(before);
    expect(sent.map((s) => [s.event.type, s.status])).toEqual([
      ['checkout.session.completed', 200],
      ['invoice.paid', 200],
    ]);
    const o = await overview(org);
    expect(o).toMatchObject({ status: 'active', plan: 'starter', interval: 'year', hasSubscription: true, limits: { employees: 50, tenants: 1 } });
    expect(o.currentPeriodEnd).toBeTruthy();
    const invoices: Invoice[] = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/invoices`));
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ amount: 49000, currency: 'usd', status: 'paid' });
    expect(Buffer.from(await (await fetch(invoices[0]!.pdfUrl!)).arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    // Stripe retries an event: acknowledged, not processed again.
    const count = async () => (await app.store.pool.query("SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1 AND action = 'billing.stripe_event'", [org.id])).rows[0].n;
    const audits = await count();
    expect(await app.stripeStandin!.resend(sent[0]!.event.id)).toBe(200);
    expect(app.stripeStandin!.sent.at(-1)).toMatchObject({ status: 200 });
    expect(await count()).toBe(audits);
    // A forged or tampered event is refused, and changes nothing.
    const payload = JSON.stringify({ ...sent[0]!.event, id: 'evt_forged' });
    const forged = await fetch(`${app.url}/api/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, 'whsec_not_the_secret') }, body: payload });
    expect(forged.status).toBe(400);
    expect((await app.store.pool.query("SELECT count(*)::int AS n FROM stripe_events WHERE id = 'evt_forged'")).rows[0].n).toBe(0);
    const unsigned = await fetch(`${app.url}/api/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
    expect(unsigned.status).toBe(400);
    // One subscription at a time.
    expect((await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/checkout`, { method: 'POST', json: { plan: 'msp', interval: 'month' } })).status).toBe(409);
  });

  it('enforces the plan\'s limits on the server: employees at sync, tenants at connect; a bigger plan lifts them', async () => {
    const org = await newOrg('Limits Co');
    await subscribe(app, org, 'starter');
    const res = await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/demo`, { method: 'POST', json: {} });
    const { id: tenantRef } = await json(res);
    let t;
    for (let i = 0; i < 400; i++) {
      t = await json(await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/${tenantRef}`));
      if (t.sync.state === 'failed' || t.sync.state === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(t.sync.state).toBe('failed');
    expect(t.sync.error).toMatch(/^Your Starter plan allows 50 employees; this sync would bring \d+\. The sync stopped before adding anyone: upgrade the plan to sync everyone \(http.*\/tabs\/billing\)\.$/);
    expect((await app.store.pool.query('SELECT count(*)::int AS n FROM employees WHERE org_id = $1', [org.id])).rows[0].n).toBe(0);

    // A second tenant is refused (the plan allows one).
    const { rows } = await app.store.pool.query('SELECT * FROM tenants WHERE id = $1', [tenantRef]);
    const other = await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/demo`, { method: 'POST', json: {} });
    expect(other.status).toBe(409); // the same demo tenant: already connected
    await app.store.pool.query("UPDATE tenants SET tenant_id = gen_random_uuid(), display_name = 'Fabrikam' WHERE id = $1", [rows[0].id]);
    const second = await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/demo`, { method: 'POST', json: {} });
    expect(second.status).toBe(402);
    expect((await json(second)).error.message).toMatch(/Your Starter plan allows 1 tenant, and 1 is connected\. Upgrade/);

    // MSP: unlimited employees, ten tenants; the change is prorated by Stripe.
    const changed: BillingOverview = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/change-plan`, { method: 'POST', json: { plan: 'msp', interval: 'month' } }));
    expect(changed).toMatchObject({ plan: 'msp', limits: { employees: null, tenants: 10 } });
    const invoices: Invoice[] = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/invoices`));
    expect(invoices.map((i) => i.amount).sort((a, b) => a - b)).toEqual([4900, (39900 - 4900) / 2]);
    expect((await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/demo`, { method: 'POST', json: {} })).status).toBe(201);
    expect((await overview(org)).usage.tenants).toBe(2);
  });

  it('past due: changes keep working through the grace period, then read-only until paid', async () => {
    const org = await newOrg('Late Co');
    await subscribe(app, org, 'business');
    await app.stripeStandin!.failPayment(await subOf(org));
    expect(await standing(org)).toMatchObject({ status: 'past_due', readOnly: false, graceDaysLeft: 7 });
    expect((await standing(org)).message).toMatch(/payment failed/i);
    expect((await hardware(org)).status).toBe(201);
    clock.offsetMs = 8 * DAY;
    expect(await standing(org)).toMatchObject({ status: 'past_due', readOnly: true });
    const refused = await hardware(org);
    expect(refused.status).toBe(402);
    expect((await json(refused)).error.message).toMatch(/read-only/);
    // The Owner can still reach the portal to pay.
    const portal = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/portal`, { method: 'POST', json: {} }));
    expect(portal.url).toMatch(new RegExp(`^${app.stripeStandin!.url}/portal/`));
    await app.stripeStandin!.recoverPayment(await subOf(org));
    expect(await standing(org)).toMatchObject({ status: 'active', readOnly: false });
    expect((await hardware(org)).status).toBe(201);
  });

  it('cancels at the end of the period; once Stripe ends it, read-only with the data kept', async () => {
    const org = await newOrg('Leaving Co');
    await subscribe(app, org, 'starter');
    await connectDemoTenant(org).catch(() => undefined); // 80 people: over Starter, so the sync fails; the tenant row stays
    const cancelled: BillingOverview = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/cancel`, { method: 'POST', json: {} }));
    expect(cancelled).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(cancelled.message).toMatch(/Your plan ends on/);
    expect((await hardware(org)).status).toBe(201);
    await app.stripeStandin!.endSubscription(await subOf(org));
    expect(await standing(org)).toMatchObject({ status: 'canceled', readOnly: true });
    expect((await hardware(org)).status).toBe(402);
    expect((await app.store.pool.query('SELECT count(*)::int AS n FROM tenants WHERE org_id = $1', [org.id])).rows[0].n).toBe(1);
    expect((await app.store.pool.query('SELECT count(*)::int AS n FROM hardware WHERE org_id = $1', [org.id])).rows[0].n).toBe(1);
    // And a new subscription makes it writable again.
    await subscribe(app, org, 'msp');
    expect((await hardware(org)).status).toBe(201);
  });
});
