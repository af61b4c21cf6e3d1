import type { Request } from 'express';
import { z } from 'zod';
import type { ApiRoutes } from '../http/api-router.js';
import { uuidParam } from '../http/params.js';
import { auditContext } from '../orgs/auth.middleware.js';
import { SERVICENOW_TABLES, TRIGGERS, type RuleInput } from './contract.js';
import type { DeliveriesService } from './deliveries.service.js';
import type { RulesService } from './rules.service.js';

const orgOf = (req: Request) => req.member!.orgId;
const url = z.string().trim().min(1, 'give the address').max(2000);
const trigger = z.enum(TRIGGERS, { message: `must be one of ${TRIGGERS.join(', ')}` });
const action = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.enum(['teams', 'slack', 'jira', 'webhook']), url }).strict(),
    z
      .object({
        kind: z.literal('servicenow'),
        instanceUrl: url,
        table: z.enum(SERVICENOW_TABLES, { message: 'must be incident or sc_task' }),
        authHeader: z.string().trim().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name such as Authorization'),
        authValue: z.string().trim().min(1, 'give the credential, e.g. "Basic …" or "Bearer …"').max(4000),
        closeOn: trigger.nullish(),
      })
      .strict(),
  ],
  { message: 'kind must be teams, slack, jira, servicenow or webhook' },
);
const fields = {
  name: z.string().trim().min(1, 'give the rule a name').max(120),
  trigger,
  action,
  enabled: z.boolean().optional(),
  queueWindowDays: z.number().int().min(1).max(365).optional(),
};
const ruleInput = z.object(fields).strict();

/** Automation rules, their previews and tests, and the delivery log with replay. */
export function registerIntegrationRoutes(api: ApiRoutes, deps: { rules: RulesService; deliveries: DeliveriesService }): void {
  const { rules, deliveries } = deps;
  const base = '/orgs/:orgId/integrations';
  const ruleId = (req: Request) => uuidParam(req, 'ruleId');

  api.get(`${base}/rules`, 'integrations.read', (req) => rules.list(orgOf(req)));
  api.post(`${base}/rules`, 'integrations.manage', async (req, res) => {
    res.status(201).json(await rules.create(orgOf(req), ruleInput.parse(req.body) as RuleInput, auditContext(req)));
  });
  api.post(`${base}/preview`, 'integrations.read', (req) => rules.previewDraft(ruleInput.parse(req.body) as RuleInput));
  api.get(`${base}/rules/:ruleId`, 'integrations.read', (req) => rules.get(orgOf(req), ruleId(req)));
  api.patch(`${base}/rules/:ruleId`, 'integrations.manage', (req) => {
    const body = z
      .object({ name: fields.name.optional(), trigger: trigger.optional(), action: action.optional(), enabled: fields.enabled, queueWindowDays: fields.queueWindowDays })
      .strict()
      .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' })
      .parse(req.body);
    return rules.update(orgOf(req), ruleId(req), body as Partial<RuleInput>, auditContext(req));
  });
  api.delete(`${base}/rules/:ruleId`, 'integrations.manage', async (req, res) => {
    await rules.remove(orgOf(req), ruleId(req), auditContext(req));
    res.status(204).end();
  }, { destructive: true });
  api.get(`${base}/rules/:ruleId/preview`, 'integrations.read', (req) => rules.preview(orgOf(req), ruleId(req)));
  api.post(`${base}/rules/:ruleId/test`, 'integrations.manage', (req) => rules.sendTest(orgOf(req), ruleId(req)), { destructive: true });
  api.post(`${base}/rules/:ruleId/rotate-secret`, 'integrations.manage', (req) => rules.rotateSecret(orgOf(req), ruleId(req), auditContext(req)), { destructive: true });
  api.get(`${base}/rules/:ruleId/deliveries`, 'integrations.read', async (req) => {
    const q = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).parse(req.query);
    await rules.get(orgOf(req), ruleId(req)); // 404 for another organisation's rule
    return deliveries.list(orgOf(req), ruleId(req), q.limit);
  });
  api.post(`${base}/deliveries/:deliveryId/replay`, 'integrations.manage', (req) => deliveries.replay(orgOf(req), uuidParam(req, 'deliveryId')), { destructive: true });
}
