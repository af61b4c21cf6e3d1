import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Stripe from 'stripe';

/**
 * A local stand-in for the part of Stripe's API Offramp uses, on 127.0.0.1: customers, Checkout
 * Sessions (with a page to pay on), subscriptions (price changes with proration, cancel at
 * period end), invoices and Customer Portal sessions (with a page to cancel on). It sends signed
 * webhooks to Offramp as Stripe would, and tests drive payments failing or succeeding. The real
 * `stripe` library talks to it (its host, port and protocol pointed here).
 */

export const STANDIN_PRICES: Record<string, { cents: number; plan: string; interval: 'month' | 'year' }> = {
  price_starter_month: { cents: 4900, plan: 'Starter', interval: 'month' },
  price_starter_year: { cents: 49000, plan: 'Starter', interval: 'year' },
  price_business_month: { cents: 14900, plan: 'Business', interval: 'month' },
  price_business_year: { cents: 149000, plan: 'Business', interval: 'year' },
  price_msp_month: { cents: 39900, plan: 'MSP', interval: 'month' },
  price_msp_year: { cents: 399000, plan: 'MSP', interval: 'year' },
};

type Obj = Record<string, unknown> & { id: string };

export interface StripeStandin {
  url: string;
  secretKey: string;
  webhookSecret: string;
  /** Where webhooks go (set once Offramp's address is known). */
  webhookUrl: string | null;
  /** Every event sent, with Offramp's answer. */
  sent: { event: Obj; status: number }[];
  subscriptions: Map<string, Obj>;
  /** The customer pays the Checkout Session (what its page's button does). */
  pay(sessionId: string): Promise<Obj>;
  /** The next renewal fails: invoice.payment_failed, and the subscription past due. */
  failPayment(subscriptionId: string): Promise<void>;
  /** The open invoice is paid: invoice.paid, and the subscription active again. */
  recoverPayment(subscriptionId: string): Promise<void>;
  /** Stripe ends the subscription (customer.subscription.deleted). */
  endSubscription(subscriptionId: string): Promise<void>;
  /** Sends an already-sent event again (Stripe retries). */
  resend(eventId: string): Promise<number>;
  close(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);
const MONTH = 30 * 86_400;

export async function startStripeStandin(opts: { webhookUrl?: string; port?: number } = {}): Promise<StripeStandin> {
  const secretKey = `sk_test_standin_${randomBytes(8).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const customers = new Map<string, Obj>();
  const sessions = new Map<string, Obj>();
  const subscriptions = new Map<string, Obj>();
  const invoices = new Map<string, Obj>();
  const portals = new Map<string, Obj>();
  const events = new Map<string, Obj>();
  let seq = 1000;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: true }));
  const s: StripeStandin = {
    url: '',
    secretKey,
    webhookSecret,
    webhookUrl: opts.webhookUrl ?? null,
    sent: [],
    subscriptions,
    pay,
    failPayment,
    recoverPayment,
    endSubscription,
    resend: async (eventId) => send(events.get(eventId)!),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  async function send(event: Obj): Promise<number> {
    if (!s.webhookUrl) return 0;
    const payload = JSON.stringify(event);
    const res = await fetch(s.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) }, body: payload });
    s.sent.push({ event, status: res.status });
    return res.status;
  }
  async function emit(type: string, object: Obj): Promise<void> {
    const event: Obj = { id: id('evt'), object: 'event', type, created: now(), livemode: false, api_version: '2025-01-01', data: { object: structuredClone(object) } };
    events.set(event.id, event);
    await send(event);
  }
  function invoiceFor(sub: Obj, amount: number, paid: boolean, reason: string): Obj {
    const inv: Obj = {
      id: id('in'),
      object: 'invoice',
      customer: sub.customer,
      subscription: sub.id,
      number: `OFFR-${++seq}`,
      amount_paid: paid ? amount : 0,
      amount_due: amount,
      currency: 'usd',
      status: paid ? 'paid' : 'open',
      billing_reason: reason,
      created: now(),
      invoice_pdf: `${s.url}/invoices/${seq}.pdf`,
      hosted_invoice_url: `${s.url}/invoices/${seq}`,
    };
    invoices.set(inv.id, inv);
    return inv;
  }
  const priceOf = (sub: Obj) => ((sub.items as { data: { price: { id: string } }[] }).data[0]!.price.id);

  async function pay(sessionId: string): Promise<Obj> {
    const cs = sessions.get(sessionId);
    if (!cs) throw new Error(`no session ${sessionId}`);
    if (cs.status === 'complete') return cs;
    const price = cs.price as string;
    const sub: Obj = {
      id: id('sub'),
      object: 'subscription',
      customer: cs.customer,
      status: 'active',
      cancel_at_period_end: false,
      metadata: (cs.subscription_data as { metadata?: unknown } | undefined)?.metadata ?? {},
      items: { object: 'list', data: [{ id: id('si'), object: 'subscription_item', price: { id: price, object: 'price', unit_amount: STANDIN_PRICES[price]!.cents, currency: 'usd' }, quantity: 1, current_period_end: now() + MONTH }] },
    };
    subscriptions.set(sub.id, sub);
    Object.assign(cs, { status: 'complete', subscription: sub.id, payment_status: 'paid' });
    const inv = invoiceFor(sub, STANDIN_PRICES[price]!.cents, true, 'subscription_create');
    await emit('checkout.session.completed', cs);
    await emit('invoice.paid', inv);
    return cs;
  }
  async function failPayment(subId: string) {
    const sub = subscriptions.get(subId)!;
    const inv = invoiceFor(sub, STANDIN_PRICES[priceOf(sub)]!.cents, false, 'subscription_cycle');
    sub.status = 'past_due';
    await emit('invoice.payment_failed', inv);
    await emit('customer.subscription.updated', sub);
  }
  async function recoverPayment(subId: string) {
    const sub = subscriptions.get(subId)!;
    const open = [...invoices.values()].find((i) => i.subscription === subId && i.status === 'open');
    if (open) Object.assign(open, { status: 'paid', amount_paid: open.amount_due });
    sub.status = 'active';
    if (open) await emit('invoice.paid', open);
    await emit('customer.subscription.updated', sub);
  }
  async function endSubscription(subId: string) {
    const sub = subscriptions.get(subId)!;
    sub.status = 'canceled';
    await emit('customer.subscription.deleted', sub);
  }

  // The API (what the stripe library calls).
  const api = express.Router();
  api.use((req, res, next) => {
    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      res.status(401).json({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
      return;
    }
    next();
  });
  const missing = (res: express.Response, what: string) => res.status(404).json({ error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}` } });
  api.post('/customers', (req, res) => {
    const c: Obj = { id: id('cus'), object: 'customer', name: req.body.name ?? null, email: req.body.email ?? null, metadata: req.body.metadata ?? {} };
    customers.set(c.id, c);
    res.json(c);
  });
  api.post('/checkout/sessions', (req, res) => {
    const price = req.body.line_items?.[0]?.price as string | undefined;
    if (!price || !STANDIN_PRICES[price]) {
      res.status(400).json({ error: { type: 'invalid_request_error', param: 'line_items[0][price]', message: `No such price: '${price}'` } });
      return;
    }
    if (!customers.has(req.body.customer)) return void missing(res, `customer: '${req.body.customer}'`);
    const cs: Obj = { id: id('cs_test'), object: 'checkout.session', mode: 'subscription', status: 'open', customer: req.body.customer, client_reference_id: req.body.client_reference_id ?? null, metadata: req.body.metadata ?? {}, subscription_data: req.body.subscription_data ?? {}, success_url: req.body.success_url, cancel_url: req.body.cancel_url, subscription: null, price };
    cs.url = `${s.url}/checkout/${cs.id}`;
    sessions.set(cs.id, cs);
    res.json(cs);
  });
  api.post('/billing_portal/sessions', (req, res) => {
    if (!customers.has(req.body.customer)) return void missing(res, `customer: '${req.body.customer}'`);
    const p: Obj = { id: id('bps'), object: 'billing_portal.session', customer: req.body.customer, return_url: req.body.return_url };
    p.url = `${s.url}/portal/${p.id}`;
    portals.set(p.id, p);
    res.json(p);
  });
  api.get('/subscriptions/:id', (req, res) => {
    const sub = subscriptions.get(req.params.id);
    if (!sub) return void missing(res, `subscription: '${req.params.id}'`);
    res.json(sub);
  });
  api.post('/subscriptions/:id', async (req, res) => {
    const sub = subscriptions.get(req.params.id);
    if (!sub) return void missing(res, `subscription: '${req.params.id}'`);
    const newPrice = req.body.items?.[0]?.price as string | undefined;
    if (newPrice) {
      if (!STANDIN_PRICES[newPrice]) return void res.status(400).json({ error: { type: 'invalid_request_error', message: `No such price: '${newPrice}'` } });
      const item = (sub.items as { data: Obj[] }).data[0]!;
      const before = STANDIN_PRICES[(item.price as { id: string }).id]!.cents;
      item.price = { id: newPrice, object: 'price', unit_amount: STANDIN_PRICES[newPrice]!.cents, currency: 'usd' };
      // Proration: half a period left, say: half the difference, invoiced now.
      if (req.body.proration_behavior !== 'none') invoiceFor(sub, Math.max(0, Math.round((STANDIN_PRICES[newPrice]!.cents - before) / 2)), true, 'subscription_update');
    }
    if (req.body.cancel_at_period_end !== undefined) sub.cancel_at_period_end = req.body.cancel_at_period_end === 'true';
    res.json(sub);
    await emit('customer.subscription.updated', sub);
  });
  api.get('/invoices', (req, res) => {
    const data = [...invoices.values()].filter((i) => i.customer === req.query.customer).sort((a, b) => Number(b.created) - Number(a.created) || String(b.number).localeCompare(String(a.number)));
    res.json({ object: 'list', data, has_more: false, url: '/v1/invoices' });
  });
  app.use('/v1', api);

  // The pages a person sees: Checkout and the Customer Portal.
  const page = (title: string, body: string) =>
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>body{font-family:system-ui,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#242424}button{font:inherit;padding:8px 16px;border-radius:6px;border:1px solid #0f6cbd;background:#0f6cbd;color:#fff;cursor:pointer}.muted{color:#616161}.box{border:1px solid #e0e0e0;border-radius:8px;padding:16px 20px;margin:16px 0}</style></head><body><p class="muted">Stripe (local stand-in)</p>${body}</body></html>`;
  app.get('/checkout/:id', (req, res) => {
    const cs = sessions.get(req.params.id);
    if (!cs) return void res.status(404).send(page('Not found', '<h1>This checkout link has expired</h1>'));
    const price = STANDIN_PRICES[cs.price as string]!;
    res.send(page('Checkout', `<h1>Subscribe to Offramp ${price.plan}</h1><div class="box"><p>$${(price.cents / 100).toFixed(2)} per ${price.interval}</p><p class="muted">Test card 4242 4242 4242 4242</p></div><form method="post" action="/checkout/${cs.id}/pay"><button type="submit" data-testid="standin-pay">Pay and subscribe</button></form>`));
  });
  app.post('/checkout/:id/pay', async (req, res) => {
    const cs = await pay(req.params.id).catch(() => null);
    if (!cs) return void res.status(404).send(page('Not found', '<h1>This checkout link has expired</h1>'));
    res.redirect(303, String(cs.success_url).replace('{CHECKOUT_SESSION_ID}', cs.id));
  });
  app.get('/portal/:id', (req, res) => {
    const p = portals.get(req.params.id);
    if (!p) return void res.status(404).send(page('Not found', '<h1>This link has expired</h1>'));
    const subs = [...subscriptions.values()].filter((x) => x.customer === p.customer && x.status !== 'canceled');
    res.send(
      page(
        'Billing portal',
        `<h1>Manage your subscription</h1>${subs.map((x) => `<div class="box"><p>${STANDIN_PRICES[priceOf(x)]!.plan}, ${x.cancel_at_period_end ? 'ends at the end of the period' : 'renews automatically'}</p><p class="muted">Card ending 4242</p>${x.cancel_at_period_end ? '' : `<form method="post" action="/portal/${p.id}/cancel/${x.id}"><button type="submit" data-testid="standin-cancel">Cancel plan</button></form>`}</div>`).join('')}<p><a href="${p.return_url}" data-testid="standin-return">Return to Offramp</a></p>`,
      ),
    );
  });
  app.post('/portal/:id/cancel/:sub', async (req, res) => {
    const p = portals.get(req.params.id);
    const sub = subscriptions.get(req.params.sub);
    if (!p || !sub || sub.customer !== p.customer) return void res.status(404).send(page('Not found', '<h1>Not found</h1>'));
    sub.cancel_at_period_end = true;
    await emit('customer.subscription.updated', sub);
    res.redirect(303, `/portal/${p.id}`);
  });
  app.get('/invoices/:n', (req, res) => {
    if (req.params.n.endsWith('.pdf')) res.type('application/pdf').send(Buffer.from(`%PDF-1.4\n% Offramp invoice ${req.params.n} (stand-in)\n%%EOF\n`));
    else res.send(page('Invoice', `<h1>Invoice OFFR-${req.params.n}</h1>`));
  });

  const server: Server = await new Promise((resolve) => {
    const srv = app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(srv));
  });
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return s;
}
