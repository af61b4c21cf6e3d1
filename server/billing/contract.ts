/**
 * Plans and the billing API's shapes, shared by the server and the tabs. Keep this file free of
 * imports (the tabs import it as it is).
 */

export const PLAN_IDS = ['starter', 'business', 'msp'] as const;
export type PlanId = (typeof PLAN_IDS)[number];
export const INTERVALS = ['month', 'year'] as const;
export type Interval = (typeof INTERVALS)[number];

export interface Plan {
  id: PlanId;
  name: string;
  /** In cents (USD). */
  price: Record<Interval, number>;
  /** null: unlimited. */
  employees: number | null;
  tenants: number;
}

export const PLANS: Record<PlanId, Plan> = {
  starter: { id: 'starter', name: 'Starter', price: { month: 4900, year: 49000 }, employees: 50, tenants: 1 },
  business: { id: 'business', name: 'Business', price: { month: 14900, year: 149000 }, employees: 200, tenants: 1 },
  msp: { id: 'msp', name: 'MSP', price: { month: 39900, year: 399000 }, employees: null, tenants: 10 },
};

export const TRIAL_DAYS = 14;
/** How long a past-due organisation keeps working before it becomes read-only. */
export const GRACE_DAYS = 7;

export type BillingStatus = 'trialing' | 'trial_ended' | 'active' | 'past_due' | 'canceled';

/** What every member's pages need to know (the banner), without billing details. */
export interface BillingStanding {
  status: BillingStatus;
  plan: PlanId;
  trialDaysLeft: number | null;
  /** Changes are refused (402) while true; reading, exports and billing itself still work. */
  readOnly: boolean;
  /** Why, in a sentence for people, when there is something to say (trial ending, past due, read-only). */
  message: string | null;
  /** Days of grace left while past due. */
  graceDaysLeft: number | null;
}

export interface BillingOverview extends BillingStanding {
  interval: Interval;
  trialEndsAt: string | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  pastDueSince: string | null;
  hasSubscription: boolean;
  usage: { employees: number; tenants: number };
  limits: { employees: number | null; tenants: number };
  plans: Plan[];
}

export interface Invoice {
  id: string;
  number: string | null;
  amount: number;
  currency: string;
  status: string;
  createdAt: string;
  pdfUrl: string | null;
  hostedUrl: string | null;
}
