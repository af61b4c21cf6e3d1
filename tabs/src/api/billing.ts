/** Typed calls for billing: the plan, usage and standing, Checkout and the Customer Portal, plan changes, invoices. */
import { apiGet, apiPost, type RequestOptions } from './client';
import type { BillingOverview, BillingStanding, Interval, Invoice, PlanId } from '../../../server/billing/contract';

export type { BillingOverview, BillingStanding, BillingStatus, Interval, Invoice, Plan, PlanId } from '../../../server/billing/contract';
export { GRACE_DAYS, INTERVALS, PLANS, TRIAL_DAYS } from '../../../server/billing/contract';

const billing = (orgId: string) => `/orgs/${encodeURIComponent(orgId)}/billing`;

export const getBilling = (orgId: string, opts?: RequestOptions) => apiGet<BillingOverview>(billing(orgId), opts);
export const getStanding = (orgId: string, opts?: RequestOptions) => apiGet<BillingStanding>(`${billing(orgId)}/standing`, opts);
export const listInvoices = (orgId: string, opts?: RequestOptions) => apiGet<Invoice[]>(`${billing(orgId)}/invoices`, opts);
export const startCheckout = (orgId: string, plan: PlanId, interval: Interval) => apiPost<{ url: string }>(`${billing(orgId)}/checkout`, { plan, interval }, { timeoutMs: 60_000 });
export const openPortal = (orgId: string) => apiPost<{ url: string }>(`${billing(orgId)}/portal`, {}, { timeoutMs: 60_000 });
export const changePlan = (orgId: string, plan: PlanId, interval: Interval) => apiPost<BillingOverview>(`${billing(orgId)}/change-plan`, { plan, interval }, { timeoutMs: 60_000 });
export const cancelSubscription = (orgId: string) => apiPost<BillingOverview>(`${billing(orgId)}/cancel`, {}, { timeoutMs: 60_000 });
