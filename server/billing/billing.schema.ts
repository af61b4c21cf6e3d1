import { boolean, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../orgs/orgs.schema.js';
import type { Interval, PlanId } from './contract.js';

/** Each organisation's plan and its Stripe subscription (made when first asked: the trial starts at signup). */
export const billingAccounts = pgTable('billing_accounts', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organisations.id, { onDelete: 'cascade' }),
  plan: text('plan').$type<PlanId>().notNull(),
  interval: text('interval').$type<Interval>().notNull().default('month'),
  /** Stripe's subscription status, or 'trialing' before any subscription. */
  status: text('status').$type<'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'incomplete'>().notNull(),
  trialEndsAt: timestamp('trial_ends_at', { withTimezone: true }),
  stripeCustomerId: text('stripe_customer_id'),
  stripeSubscriptionId: text('stripe_subscription_id'),
  currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
  cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
  pastDueSince: timestamp('past_due_since', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Stripe events already processed (by id): a repeat is acknowledged and ignored. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  orgId: uuid('org_id').references(() => organisations.id, { onDelete: 'cascade' }),
  summary: jsonb('summary').$type<Record<string, unknown>>(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});
