import { and, eq, isNull, sql } from 'drizzle-orm';
import { appendAudit, SYSTEM_CONTEXT, type AuditContext } from '../audit/audit.service.js';
import type { Db } from '../db/store.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { employees, tenants } from '../m365/m365.schema.js';
import { members, organisations, users } from '../orgs/orgs.schema.js';
import { billingAccounts, stripeEvents } from './billing.schema.js';
import { GRACE_DAYS, PLANS, TRIAL_DAYS, type BillingOverview, type BillingStanding, type Interval, type Invoice, type PlanId } from './contract.js';
import type { BillingGateway, SubscriptionInfo } from './stripe.gateway.js';

/**
 * Plans, limits and the Stripe subscription of each organisation. The trial (Business limits)
 * starts at signup; Checkout starts a subscription, the Customer Portal manages it, and Stripe's
 * webhooks (verified, each processed once) keep the plan and status here. Past due: changes keep
 * working for GRACE_DAYS, then the organisation is read-only until paid; so is an ended trial or
 * a cancelled subscription (data is kept until a deletion request).
 */

const DAY = 86_400_000;

export class PlanLimitReached extends UserError {
  constructor(message: string) {
    super(402, 'plan_limit', message);
  }
}

export interface BillingDeps {
  db: Db;
  log: Logger;
  /** null: billing is not configured (no Stripe key and not demo mode): plans are not sold here. */
  gateway: BillingGateway | null;
  /** Price id of each plan and interval. */
  prices: Record<`${PlanId}_${Interval}`, string>;
  publicUrl: string;
  now?: () => Date;
}

type Account = typeof billingAccounts.$inferSelect;

export function createBillingService(deps: BillingDeps) {
  const { db } = deps;
  const log = deps.log.child({ module: 'billing' });
  const clock = deps.now ?? (() => new Date());
  const upgradeLink = `${deps.publicUrl}/tabs/billing`;
  const planOfPrice = new Map(Object.entries(deps.prices).map(([k, v]) => [v, k.split('_') as [PlanId, Interval]]));

  async function accountOf(orgId: string, tx: Db = db): Promise<Account> {
    const [row] = await tx.select().from(billingAccounts).where(eq(billingAccounts.orgId, orgId));
    if (row) return row;
    const [org] = await tx.select({ createdAt: organisations.createdAt }).from(organisations).where(eq(organisations.id, orgId));
    if (!org) throw new UserError(404, 'not_found', 'That organisation was not found.');
    const [made] = await tx
      .insert(billingAccounts)
      .values({ orgId, plan: 'business', status: 'trialing', trialEndsAt: new Date(org.createdAt.getTime() + TRIAL_DAYS * DAY) })
      .onConflictDoNothing()
      .returning();
    return made ?? (await accountOf(orgId, tx));
  }

  function standingOf(a: Account): BillingStanding {
    const now = clock().getTime();
    const daysLeft = (until: Date | null) => (until ? Math.max(0, Math.ceil((until.getTime() - now) / DAY)) : null);
    const plan = a.plan;
    if (a.status === 'trialing' && !a.stripeSubscriptionId) {
      const left = daysLeft(a.trialEndsAt);
      if (a.trialEndsAt && a.trialEndsAt.getTime() <= now) {
        return { status: 'trial_ended', plan, trialDaysLeft: 0, readOnly: true, graceDaysLeft: null, message: 'Your 14-day trial has ended. Choose a plan in Billing to make changes again; your data is kept.' };
      }
      return { status: 'trialing', plan, trialDaysLeft: left, readOnly: false, graceDaysLeft: null, message: left !== null && left <= 3 ? `Your trial ends in ${left} day(s). Choose a plan in Billing to keep offboarding.` : null };
    }
    if (a.status === 'past_due' || a.status === 'unpaid') {
      const since = a.pastDueSince ?? new Date(now);
      const graceEnds = new Date(since.getTime() + GRACE_DAYS * DAY);
      const left = daysLeft(graceEnds)!;
      return left > 0
        ? { status: 'past_due', plan, trialDaysLeft: null, readOnly: false, graceDaysLeft: left, message: `A payment failed. Update the payment method in Billing within ${left} day(s), or Offramp becomes read-only.` }
        : { status: 'past_due', plan, trialDaysLeft: null, readOnly: true, graceDaysLeft: 0, message: 'A payment is overdue, so Offramp is read-only: update the payment method in Billing to make changes again.' };
    }
    if (a.status === 'canceled') return { status: 'canceled', plan, trialDaysLeft: null, readOnly: true, graceDaysLeft: null, message: 'Your subscription has ended. Offramp is read-only; choose a plan in Billing to make changes again. Your data is kept until you ask for its deletion.' };
    return { status: 'active', plan, trialDaysLeft: null, readOnly: false, graceDaysLeft: null, message: a.cancelAtPeriodEnd && a.currentPeriodEnd ? `Your plan ends on ${a.currentPeriodEnd.toISOString().slice(0, 10)}.` : null };
  }

  async function usage(orgId: string) {
    const [e] = await db.select({ n: sql<number>`count(*)::int` }).from(employees).where(and(eq(employees.orgId, orgId), isNull(employees.removedAt)));
    const [t] = await db.select({ n: sql<number>`count(*)::int` }).from(tenants).where(and(eq(tenants.orgId, orgId), eq(tenants.status, 'connected')));
    return { employees: e!.n, tenants: t!.n };
  }

  const gateway = () => {
    if (!deps.gateway) throw new UserError(501, 'billing_not_configured', 'Billing is not set up on this server (no Stripe key).');
    return deps.gateway;
  };

  /** Applies what Stripe says about a subscription to the organisation's account. */
  async function applySubscription(tx: Db, orgId: string, sub: SubscriptionInfo) {
    const [plan, interval] = (sub.priceId && planOfPrice.get(sub.priceId)) || [];
    const [before] = await tx.select().from(billingAccounts).where(eq(billingAccounts.orgId, orgId));
    const pastDue = sub.status === 'past_due' || sub.status === 'unpaid';
    await tx
      .update(billingAccounts)
      .set({
        ...(plan ? { plan, interval } : {}),
        status: sub.status,
        stripeSubscriptionId: sub.id,
        stripeCustomerId: sub.customerId,
        currentPeriodEnd: sub.currentPeriodEnd,
        cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
        pastDueSince: pastDue ? (before?.pastDueSince ?? clock()) : null,
        updatedAt: new Date(),
      })
      .where(eq(billingAccounts.orgId, orgId));
  }

  const service = {
    accountOf,

    async standing(orgId: string): Promise<BillingStanding> {
      return standingOf(await accountOf(orgId));
    },

    async overview(orgId: string): Promise<BillingOverview> {
      const a = await accountOf(orgId);
      const s = standingOf(a);
      const plan = PLANS[a.plan];
      return {
        ...s,
        interval: a.interval,
        trialEndsAt: a.trialEndsAt?.toISOString() ?? null,
        currentPeriodEnd: a.currentPeriodEnd?.toISOString() ?? null,
        cancelAtPeriodEnd: a.cancelAtPeriodEnd,
        pastDueSince: a.pastDueSince?.toISOString() ?? null,
        hasSubscription: Boolean(a.stripeSubscriptionId) && a.status !== 'canceled',
        usage: await usage(orgId),
        limits: { employees: plan.employees, tenants: plan.tenants },
        plans: Object.values(PLANS),
      };
    },

    /** Refuses connecting one tenant more than the plan allows. */
    async assertCanConnectTenant(orgId: string): Promise<void> {
      const a = await accountOf(orgId);
      const plan = PLANS[a.plan];
      const { tenants: n } = await usage(orgId);
      if (n >= plan.tenants) {
        throw new PlanLimitReached(`Your ${plan.name} plan allows ${plan.tenants} tenant${plan.tenants === 1 ? '' : 's'}, and ${n} ${n === 1 ? 'is' : 'are'} connected. Upgrade the plan to connect another: ${upgradeLink}`);
      }
    },

    /** The most employees the organisation may have synced (null: no limit), and the words to refuse with. */
    async employeeLimit(orgId: string): Promise<{ limit: number | null; refuse: (total: number) => string }> {
      const plan = PLANS[(await accountOf(orgId)).plan];
      return {
        limit: plan.employees,
        refuse: (total) => `Your ${plan.name} plan allows ${plan.employees} employees; this sync would bring ${total}. The sync stopped before adding anyone: upgrade the plan to sync everyone (${upgradeLink}).`,
      };
    },

    /** Why changes are refused now, or null (the API's read-only guard). */
    async readOnlyReason(orgId: string): Promise<string | null> {
      const s = standingOf(await accountOf(orgId));
      return s.readOnly ? s.message : null;
    },

    async checkout(orgId: string, plan: PlanId, interval: Interval, ctx: AuditContext): Promise<{ url: string }> {
      const g = gateway();
      const a = await accountOf(orgId);
      if (a.stripeSubscriptionId && a.status !== 'canceled') throw new UserError(409, 'has_subscription', 'This organisation already has a subscription: change its plan instead.');
      let customerId = a.stripeCustomerId;
      if (!customerId) {
        const [org] = await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, orgId));
        const [owner] = await db.select({ email: users.email }).from(members).innerJoin(users, eq(users.id, members.userId)).where(and(eq(members.orgId, orgId), eq(members.role, 'owner'))).limit(1);
        customerId = await g.createCustomer({ orgId, name: org!.name, email: owner?.email ?? null });
        await db.update(billingAccounts).set({ stripeCustomerId: customerId, updatedAt: new Date() }).where(eq(billingAccounts.orgId, orgId));
      }
      const session = await g.checkout({
        customerId,
        priceId: deps.prices[`${plan}_${interval}`],
        orgId,
        plan,
        interval,
        successUrl: `${deps.publicUrl}/tabs/billing?checkout=done`,
        cancelUrl: `${deps.publicUrl}/tabs/billing?checkout=cancelled`,
      });
      await db.transaction((tx) => appendAudit(tx, ctx, { orgId, action: 'billing.checkout_started', details: { plan, interval } }));
      return session;
    },

    async portal(orgId: string): Promise<{ url: string }> {
      const a = await accountOf(orgId);
      if (!a.stripeCustomerId) throw new UserError(409, 'no_customer', 'There is no subscription to manage yet: choose a plan first.');
      return gateway().portal(a.stripeCustomerId, `${deps.publicUrl}/tabs/billing`);
    },

    /** Moves the subscription to another plan or interval, prorated by Stripe. */
    async changePlan(orgId: string, plan: PlanId, interval: Interval, ctx: AuditContext): Promise<BillingOverview> {
      const a = await accountOf(orgId);
      if (!a.stripeSubscriptionId || a.status === 'canceled') throw new UserError(409, 'no_subscription', 'There is no subscription to change: choose a plan to subscribe.');
      if (a.plan === plan && a.interval === interval) throw new UserError(409, 'same_plan', `You are already on ${PLANS[plan].name}, billed every ${interval}.`);
      const target = PLANS[plan];
      const { employees: n, tenants: t } = await usage(orgId);
      if ((target.employees !== null && n > target.employees) || t > target.tenants) {
        throw new UserError(409, 'over_limit', `${target.name} allows ${target.employees ?? 'unlimited'} employees and ${target.tenants} tenant(s); you have ${n} and ${t}. Remove some first, or choose a larger plan.`);
      }
      const g = gateway();
      const sub = await g.changePrice(await g.subscription(a.stripeSubscriptionId), deps.prices[`${plan}_${interval}`]);
      await db.transaction(async (tx) => {
        await applySubscription(tx, orgId, sub);
        await appendAudit(tx, ctx, { orgId, action: 'billing.plan_changed', details: { from: { plan: a.plan, interval: a.interval }, to: { plan, interval } } });
      });
      return service.overview(orgId);
    },

    /** Cancels at the end of the paid period (data is kept). */
    async cancel(orgId: string, ctx: AuditContext): Promise<BillingOverview> {
      const a = await accountOf(orgId);
      if (!a.stripeSubscriptionId || a.status === 'canceled') throw new UserError(409, 'no_subscription', 'There is no subscription to cancel.');
      const sub = await gateway().setCancelAtPeriodEnd(a.stripeSubscriptionId, true);
      await db.transaction(async (tx) => {
        await applySubscription(tx, orgId, sub);
        await appendAudit(tx, ctx, { orgId, action: 'billing.cancel_requested', details: { endsAt: sub.currentPeriodEnd?.toISOString() ?? null } });
      });
      return service.overview(orgId);
    },

    async invoices(orgId: string): Promise<Invoice[]> {
      const a = await accountOf(orgId);
      if (!a.stripeCustomerId || !deps.gateway) return [];
      return (await deps.gateway.invoices(a.stripeCustomerId)).map((i) => ({ ...i, createdAt: i.created.toISOString() }));
    },

    /** A Stripe webhook: verified, then processed once (a repeat of an event id is acknowledged and skipped). */
    async webhook(payload: Buffer, signature: string | undefined): Promise<{ received: true; duplicate: boolean }> {
      const g = gateway();
      let event;
      try {
        event = g.verify(payload, signature ?? '');
      } catch {
        throw new UserError(400, 'invalid_signature', 'The Stripe-Signature header does not verify for this payload.');
      }
      const o = event.object;
      const orgOf = async (tx: Db): Promise<string | null> => {
        const meta = (o.metadata ?? {}) as { orgId?: string };
        if (meta.orgId && /^[0-9a-f-]{36}$/i.test(meta.orgId)) {
          const [a] = await tx.select({ orgId: billingAccounts.orgId }).from(billingAccounts).where(eq(billingAccounts.orgId, meta.orgId));
          if (a) return a.orgId;
        }
        const customer = typeof o.customer === 'string' ? o.customer : null;
        if (!customer) return null;
        const [a] = await tx.select({ orgId: billingAccounts.orgId }).from(billingAccounts).where(eq(billingAccounts.stripeCustomerId, customer));
        return a?.orgId ?? null;
      };
      // Read what Stripe knows about the subscription before the transaction (no network inside it).
      const subId = event.type.startsWith('customer.subscription.') ? String(o.id) : typeof o.subscription === 'string' ? o.subscription : null;
      const sub = subId && event.type !== 'customer.subscription.deleted' ? await g.subscription(subId) : null;
      return db.transaction(async (tx) => {
        const orgId = await orgOf(tx);
        const [fresh] = await tx.insert(stripeEvents).values({ id: event.id, type: event.type, orgId, summary: { subscription: subId } }).onConflictDoNothing().returning();
        if (!fresh) return { received: true, duplicate: true };
        if (!orgId) {
          log.warn({ eventId: event.id, type: event.type }, 'a Stripe event for no known organisation');
          return { received: true, duplicate: false };
        }
        const ctx = { ...SYSTEM_CONTEXT, source: 'api' as const };
        switch (event.type) {
          case 'checkout.session.completed':
          case 'customer.subscription.created':
          case 'customer.subscription.updated':
          case 'invoice.paid':
          case 'invoice.payment_failed':
            if (sub) await applySubscription(tx, orgId, event.type === 'invoice.payment_failed' && sub.status === 'active' ? { ...sub, status: 'past_due' } : sub);
            break;
          case 'customer.subscription.deleted':
            await tx.update(billingAccounts).set({ status: 'canceled', cancelAtPeriodEnd: false, pastDueSince: null, updatedAt: new Date() }).where(eq(billingAccounts.orgId, orgId));
            break;
          default:
            return { received: true, duplicate: false };
        }
        const [after] = await tx.select().from(billingAccounts).where(eq(billingAccounts.orgId, orgId));
        await appendAudit(tx, ctx, { orgId, action: 'billing.stripe_event', details: { event: event.type, eventId: event.id, plan: after?.plan, status: after?.status } });
        return { received: true, duplicate: false };
      });
    },
  };
  return service;
}

export type BillingService = ReturnType<typeof createBillingService>;
