/** Typed calls for integration rules: writing them, previewing and testing them, their delivery log and replays. */
import { apiDelete, apiGet, apiPatch, apiPost, type RequestOptions } from './client';
import type { Delivery, RequestPreview, Rule, RuleInput, RuleWithSecret } from '../../../server/integrations/contract';

export type {
  ActionInput,
  ActionKind,
  Delivery,
  DeliveryAttempt,
  DeliveryStatus,
  RequestPreview,
  Rule,
  RuleAction,
  RuleInput,
  RuleWithSecret,
  ServiceNowTable,
  SigningSecret,
  Trigger,
} from '../../../server/integrations/contract';
export { ACTION_KINDS, ACTION_LABEL, RETRY_SCHEDULE_S, SERVICENOW_TABLES, TRIGGERS, TRIGGER_LABEL } from '../../../server/integrations/contract';

/** What PATCH …/rules/:ruleId accepts: any of these (a new action replaces the old one's credentials). */
export type RulePatch = Partial<Pick<RuleInput, 'name' | 'trigger' | 'action' | 'enabled' | 'queueWindowDays'>>;

/** Sending waits for the target's answer (the server gives it up to 15 s by default). */
const SEND_TIMEOUT_MS = 70_000;

const base = (orgId: string) => `/orgs/${encodeURIComponent(orgId)}/integrations`;
const rule = (orgId: string, ruleId: string) => `${base(orgId)}/rules/${encodeURIComponent(ruleId)}`;

export const listRules = (orgId: string, opts?: RequestOptions) => apiGet<Rule[]>(`${base(orgId)}/rules`, opts);
/** A signed webhook's answer carries its secret, this once. */
export const createRule = (orgId: string, input: RuleInput) => apiPost<RuleWithSecret>(`${base(orgId)}/rules`, input);
export const updateRule = (orgId: string, ruleId: string, patch: RulePatch) => apiPatch<Rule>(rule(orgId, ruleId), patch);
export const setRuleEnabled = (orgId: string, ruleId: string, enabled: boolean) => updateRule(orgId, ruleId, { enabled });
export const deleteRule = (orgId: string, ruleId: string) => apiDelete(rule(orgId, ruleId));

/** The exact request a rule being written would send (nothing is saved). */
export const previewDraft = (orgId: string, input: RuleInput, opts?: RequestOptions) => apiPost<RequestPreview>(`${base(orgId)}/preview`, input, opts);
/** The exact request a saved rule sends, secrets hidden. */
export const previewRule = (orgId: string, ruleId: string, opts?: RequestOptions) => apiGet<RequestPreview>(`${rule(orgId, ruleId)}/preview`, opts);

/** Sends a sample event once, now; the answer is the delivery with its log. */
export const sendTest = (orgId: string, ruleId: string) => apiPost<Delivery>(`${rule(orgId, ruleId)}/test`, {}, { timeoutMs: SEND_TIMEOUT_MS });
/** A new signing secret, shown once; the old one keeps signing for 24 hours. */
export const rotateSecret = (orgId: string, ruleId: string) => apiPost<RuleWithSecret>(`${rule(orgId, ruleId)}/rotate-secret`, {});

/** Newest first, each with its attempts. */
export const listDeliveries = (orgId: string, ruleId: string, limit?: number, opts?: RequestOptions) =>
  apiGet<Delivery[]>(`${rule(orgId, ruleId)}/deliveries`, { ...opts, query: { limit } });
/** Sends a finished delivery again (409 while it is still pending). */
export const replayDelivery = (orgId: string, deliveryId: string) =>
  apiPost<Delivery>(`${base(orgId)}/deliveries/${encodeURIComponent(deliveryId)}/replay`, {}, { timeoutMs: SEND_TIMEOUT_MS });
