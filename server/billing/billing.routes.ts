import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiRoutes } from '../http/api-router.js';
import { UserError } from '../errors.js';
import { auditContext } from '../orgs/auth.middleware.js';
import type { BillingService } from './billing.service.js';
import { INTERVALS, PLAN_IDS } from './contract.js';

const orgOf = (req: Request) => req.member!.orgId;
const choice = z.object({ plan: z.enum(PLAN_IDS, { message: 'must be starter, business or msp' }), interval: z.enum(INTERVALS, { message: 'must be month or year' }) }).strict();

/** The billing page's calls (Owner only), every member's standing (the banner), and Stripe's webhook. */
export function registerBillingRoutes(api: ApiRoutes, root: ApiRoutes, deps: { billing: BillingService }): void {
  const { billing } = deps;
  const base = '/orgs/:orgId/billing';
  api.get(`${base}/standing`, 'org.read', (req) => billing.standing(orgOf(req)));
  api.get(base, 'billing.read', (req) => billing.overview(orgOf(req)));
  api.get(`${base}/invoices`, 'billing.read', (req) => billing.invoices(orgOf(req)));
  api.post(`${base}/checkout`, 'billing.manage', (req) => {
    const body = choice.parse(req.body);
    return billing.checkout(orgOf(req), body.plan, body.interval, auditContext(req));
  });
  api.post(`${base}/portal`, 'billing.manage', (req) => billing.portal(orgOf(req)));
  api.post(`${base}/change-plan`, 'billing.manage', (req) => {
    const body = choice.parse(req.body);
    return billing.changePlan(orgOf(req), body.plan, body.interval, auditContext(req));
  });
  api.post(`${base}/cancel`, 'billing.manage', (req) => billing.cancel(orgOf(req), auditContext(req)), { destructive: true });

  // Stripe signs the raw body: read it as bytes, before any JSON parsing.
  root.post(
    '/api/stripe/webhook',
    'public',
    async (req) => {
      if (!Buffer.isBuffer(req.body)) throw new UserError(400, 'invalid_body', 'Send the event as application/json.');
      return billing.webhook(req.body, req.header('stripe-signature'));
    },
    { before: [express.raw({ type: 'application/json', limit: '1mb' })] },
  );
}

/** The read-only guard: a 402 naming why, while the organisation cannot make changes. */
export function writableGuard(billing: BillingService): RequestHandler {
  return async (req, _res, next) => {
    const reason = await billing.readOnlyReason(orgOf(req));
    if (reason) throw new UserError(402, 'read_only', reason);
    next();
  };
}
