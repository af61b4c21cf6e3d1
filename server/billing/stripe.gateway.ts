import Stripe from 'stripe';
import type { Interval, PlanId } from './contract.js';

/**
 * Stripe, in our own terms: customers, Checkout and the Customer Portal, the subscription's
 * price, invoices, and verified webhook events. Nothing outside this file sees the library.
 */

export interface SubscriptionInfo {
  id: string;
  customerId: string;
  status: 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'incomplete';
  priceId: string | null;
  itemId: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

export interface InvoiceInfo {
  id: string;
  number: string | null;
  amount: number;
  currency: string;
  status: string;
  created: Date;
  pdfUrl: string | null;
  hostedUrl: string | null;
}

export interface BillingEvent {
  id: string;
  type: string;
  /** The event's object (a session, subscription or invoice), as Stripe sent it. */
  object: Record<string, unknown>;
}

export interface BillingGateway {
  createCustomer(c: { orgId: string; name: string; email: string | null }): Promise<string>;
  checkout(c: { customerId: string; priceId: string; orgId: string; plan: PlanId; interval: Interval; successUrl: string; cancelUrl: string }): Promise<{ url: string }>;
  portal(customerId: string, returnUrl: string): Promise<{ url: string }>;
  subscription(id: string): Promise<SubscriptionInfo>;
  /** Moves the subscription to another price, prorated. */
  changePrice(sub: SubscriptionInfo, priceId: string): Promise<SubscriptionInfo>;
  setCancelAtPeriodEnd(subId: string, cancel: boolean): Promise<SubscriptionInfo>;
  invoices(customerId: string): Promise<InvoiceInfo[]>;
  /** Checks the Stripe-Signature header; throws when it does not verify. */
  verify(payload: Buffer, signature: string): BillingEvent;
}

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  /** Another API address (the local stand-in), e.g. http://127.0.0.1:12111. */
  apiBase: string | null;
}

function infoOf(s: Stripe.Subscription): SubscriptionInfo {
  const item = s.items?.data?.[0];
  return {
    id: s.id,
    customerId: typeof s.customer === 'string' ? s.customer : s.customer.id,
    status: s.status as SubscriptionInfo['status'],
    priceId: item?.price?.id ?? null,
    itemId: item?.id ?? null,
    currentPeriodEnd: item?.current_period_end ? new Date(item.current_period_end * 1000) : null,
    cancelAtPeriodEnd: s.cancel_at_period_end,
  };
}

export function createStripeGateway(cfg: StripeConfig): BillingGateway {
  const base = cfg.apiBase ? new URL(cfg.apiBase) : null;
  const stripe = new Stripe(cfg.secretKey, {
    ...(base ? { host: base.hostname, port: base.port || (base.protocol === 'https:' ? 443 : 80), protocol: base.protocol.replace(':', '') as 'http' | 'https' } : {}),
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Offramp' },
  });
  return {
    async createCustomer(c) {
      const customer = await stripe.customers.create({ name: c.name, email: c.email ?? undefined, metadata: { orgId: c.orgId } });
      return customer.id;
    },
    async checkout(c) {
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: c.customerId,
        line_items: [{ price: c.priceId, quantity: 1 }],
        success_url: c.successUrl,
        cancel_url: c.cancelUrl,
        client_reference_id: c.orgId,
        metadata: { orgId: c.orgId, plan: c.plan, interval: c.interval },
        subscription_data: { metadata: { orgId: c.orgId } },
      });
      if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL.');
      return { url: session.url };
    },
    async portal(customerId, returnUrl) {
      const s = await stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl });
      return { url: s.url };
    },
    async subscription(id) {
      return infoOf(await stripe.subscriptions.retrieve(id));
    },
    async changePrice(sub, priceId) {
      return infoOf(await stripe.subscriptions.update(sub.id, { items: [{ id: sub.itemId ?? undefined, price: priceId }], proration_behavior: 'create_prorations', cancel_at_period_end: false }));
    },
    async setCancelAtPeriodEnd(subId, cancel) {
      return infoOf(await stripe.subscriptions.update(subId, { cancel_at_period_end: cancel }));
    },
    async invoices(customerId) {
      const list = await stripe.invoices.list({ customer: customerId, limit: 24 });
      return list.data.map((i) => ({
        id: i.id!,
        number: i.number,
        amount: i.amount_paid || i.amount_due,
        currency: i.currency,
        status: i.status ?? 'draft',
        created: new Date(i.created * 1000),
        pdfUrl: i.invoice_pdf ?? null,
        hostedUrl: i.hosted_invoice_url ?? null,
      }));
    },
    verify(payload, signature) {
      const e = stripe.webhooks.constructEvent(payload, signature, cfg.webhookSecret);
      return { id: e.id, type: e.type, object: e.data.object as unknown as Record<string, unknown> };
    },
  };
}

/** Signs a webhook body as Stripe does (the stand-in's sender, and tests). */
export const signStripePayload = (payload: string, secret: string) => Stripe.webhooks.generateTestHeaderString({ payload, secret });
