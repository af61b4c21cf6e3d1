import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { appendAudit, type AuditContext } from '../audit/audit.service.js';
import type { SecretBox } from '../crypto/envelope.js';
import type { Db } from '../db/store.js';
import { UserError } from '../errors.js';
import type { ActionInput, RequestPreview, Rule, RuleInput, RuleWithSecret, Trigger } from './contract.js';
import { sealedFor, type Clock, type DeliveriesService } from './deliveries.service.js';
import { integrationRules, type RuleSecrets } from './integrations.schema.js';
import { buildRequest, sampleFacts } from './messages.js';
import { BlockedTarget, checkUrl, type SendPolicy } from './safe-http.js';

/**
 * Automation rules: written with their target's credentials (sealed, never shown again),
 * listed with the target hidden, previewed (the exact request, secrets masked), tested, and,
 * for signed webhooks, given a new signing secret with the old one still signing for a day.
 */

type RuleRow = typeof integrationRules.$inferSelect;

const ROTATION_OVERLAP_MS = 24 * 3600_000;

export interface RulesDeps {
  db: Db;
  box: SecretBox;
  deliveries: DeliveriesService;
  clock: Clock;
  policy: SendPolicy;
  publicUrl: string;
}

/** scheme://host/…last4: enough to recognise, not enough to use. */
export function maskUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const rest = `${u.pathname}${u.search}`;
    return `${u.protocol}//${u.host}${rest.length > 1 ? `/…${rest.slice(-4)}` : ''}`;
  } catch {
    return '…';
  }
}

/** A credential as shown: its scheme word when it has one (Basic, Bearer…), never any of the secret. */
export const maskCredential = (v: string) => {
  const scheme = /^(Basic|Bearer|Token|Digest|Negotiate|SSWS)\s+\S/i.exec(v)?.[1];
  return scheme ? `${scheme} ••••` : '••••';
};

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const maskSecret = (s: string) => `whsec_…${s.slice(-4)}`;

export function createRulesService(deps: RulesDeps) {
  const { db } = deps;

  const open = (r: RuleRow): RuleSecrets => JSON.parse(deps.box.open(r.secrets, sealedFor(r.id))) as RuleSecrets;

  function present(r: RuleRow, last?: Rule['lastDelivery']): Rule {
    const s = open(r);
    return {
      id: r.id,
      name: r.name,
      trigger: r.trigger,
      enabled: r.enabled,
      disabledReason: r.disabledReason,
      action: { kind: r.kind, target: r.target, table: r.table, closeOn: r.closeOn, authHeader: r.authHeader },
      secrets: (s.signing ?? []).map((x) => ({ id: x.id, preview: maskSecret(x.secret), createdAt: x.createdAt, expiresAt: x.expiresAt })),
      queueWindowDays: r.queueWindowDays,
      failingSince: r.failingSince?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      lastDelivery: last ?? null,
    };
  }

  /** The action's target checked now (scheme, address literal, no credentials in the URL): a bad one is a 400 naming it. */
  function checkTarget(action: ActionInput): string {
    const url = action.kind === 'servicenow' ? action.instanceUrl : action.url;
    try {
      checkUrl(url, deps.policy);
    } catch (err) {
      if (err instanceof BlockedTarget) throw new UserError(400, 'invalid_target', `${action.kind === 'servicenow' ? 'instanceUrl' : 'url'}: ${err.message}`, { field: action.kind === 'servicenow' ? 'instanceUrl' : 'url' });
      throw err;
    }
    return url;
  }

  function secretsFor(action: ActionInput, previous: RuleSecrets | null): RuleSecrets {
    const url = checkTarget(action);
    if (action.kind === 'servicenow') return { url, authValue: action.authValue };
    if (action.kind === 'webhook') return { url, signing: previous?.signing?.length ? previous.signing : [{ id: randomUUID(), secret: newSecret(), createdAt: deps.clock.now().toISOString(), expiresAt: null }] };
    return { url };
  }

  async function rowOf(orgId: string, id: string): Promise<RuleRow> {
    const [r] = await db.select().from(integrationRules).where(and(eq(integrationRules.orgId, orgId), eq(integrationRules.id, id)));
    if (!r) throw new UserError(404, 'not_found', 'That integration rule was not found.');
    return r;
  }

  const columns = (input: RuleInput) => ({
    name: input.name,
    trigger: input.trigger,
    kind: input.action.kind,
    table: input.action.kind === 'servicenow' ? input.action.table : null,
    authHeader: input.action.kind === 'servicenow' ? input.action.authHeader : null,
    closeOn: input.action.kind === 'servicenow' ? (input.action.closeOn ?? null) : null,
    queueWindowDays: input.trigger === 'queue.entered' ? (input.queueWindowDays ?? 30) : null,
    target: maskUrl(input.action.kind === 'servicenow' ? input.action.instanceUrl : input.action.url),
  });

  const previewOf = (kind: RuleRow['kind'], shape: { table: RuleRow['table']; authHeader: string | null }, secrets: RuleSecrets, trigger: Trigger): RequestPreview => {
    const req = buildRequest({ kind, table: shape.table, authHeader: shape.authHeader }, secrets, trigger, sampleFacts(trigger, deps.publicUrl), {
      messageId: 'msg_preview',
      occurredAt: deps.clock.now().toISOString(),
      signedAt: deps.clock.now(),
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Offramp-Webhooks/1.0' };
    for (const [k, v] of Object.entries(req.headers)) headers[k] = k === shape.authHeader?.toLowerCase() ? maskCredential(v) : k === 'webhook-signature' ? v.replace(/,[^ ]+/g, ',…') : v;
    return { method: 'POST', url: maskUrl(req.url), headers, body: JSON.stringify(JSON.parse(req.body), null, 2) };
  };

  return {
    async list(orgId: string): Promise<Rule[]> {
      const rows = await db.select().from(integrationRules).where(eq(integrationRules.orgId, orgId)).orderBy(asc(integrationRules.createdAt));
      const last = await deps.deliveries.latestByRule(orgId);
      return rows.map((r) => present(r, last.get(r.id)));
    },

    async get(orgId: string, id: string): Promise<Rule> {
      return present(await rowOf(orgId, id), (await deps.deliveries.latestByRule(orgId)).get(id));
    },

    async create(orgId: string, input: RuleInput, ctx: AuditContext): Promise<RuleWithSecret> {
      const id = randomUUID();
      const secrets = secretsFor(input.action, null);
      const row = await db.transaction(async (tx) => {
        const [r] = await tx
          .insert(integrationRules)
          .values({ id, orgId, ...columns(input), enabled: input.enabled ?? true, secrets: deps.box.seal(JSON.stringify(secrets), sealedFor(id)), createdBy: ctx.actor.memberId })
          .returning();
        await appendAudit(tx, ctx, { orgId, action: 'integration.rule_created', target: { type: 'integration_rule', id, label: input.name }, details: { trigger: input.trigger, kind: input.action.kind, target: r!.target } });
        return r!;
      });
      return { rule: present(row), secret: secrets.signing?.[0]?.secret ?? null };
    },

    /** Changes a rule; a new action replaces the old one's credentials (a signed webhook keeps its secrets). */
    async update(orgId: string, id: string, patch: Partial<RuleInput>, ctx: AuditContext): Promise<Rule> {
      const current = await rowOf(orgId, id);
      const merged: RuleInput = {
        name: patch.name ?? current.name,
        trigger: patch.trigger ?? current.trigger,
        queueWindowDays: patch.queueWindowDays ?? current.queueWindowDays ?? undefined,
        action: patch.action ?? (null as unknown as ActionInput),
      };
      const set: Partial<typeof integrationRules.$inferInsert> = { name: merged.name, trigger: merged.trigger, queueWindowDays: merged.trigger === 'queue.entered' ? (merged.queueWindowDays ?? 30) : null, updatedAt: new Date() };
      if (patch.action) {
        const prev = current.kind === 'webhook' && patch.action.kind === 'webhook' ? open(current) : null;
        Object.assign(set, columns(merged), { secrets: deps.box.seal(JSON.stringify(secretsFor(patch.action, prev)), sealedFor(id)) });
      }
      if (patch.enabled !== undefined) Object.assign(set, { enabled: patch.enabled, ...(patch.enabled ? { disabledReason: null, failingSince: null } : {}) });
      const row = await db.transaction(async (tx) => {
        const [r] = await tx.update(integrationRules).set(set).where(eq(integrationRules.id, id)).returning();
        await appendAudit(tx, ctx, {
          orgId,
          action: patch.enabled === false ? 'integration.rule_disabled' : patch.enabled === true && !current.enabled ? 'integration.rule_enabled' : 'integration.rule_updated',
          target: { type: 'integration_rule', id, label: r!.name },
          details: { changes: Object.keys(patch), ...(patch.action ? { target: r!.target } : {}) },
        });
        return r!;
      });
      return present(row, (await deps.deliveries.latestByRule(orgId)).get(id));
    },

    async remove(orgId: string, id: string, ctx: AuditContext): Promise<void> {
      const r = await rowOf(orgId, id);
      await db.transaction(async (tx) => {
        await tx.delete(integrationRules).where(eq(integrationRules.id, id));
        await appendAudit(tx, ctx, { orgId, action: 'integration.rule_deleted', target: { type: 'integration_rule', id, label: r.name } });
      });
    },

    /** A new signing secret (shown once); the previous one keeps signing for 24 hours beside it. */
    async rotateSecret(orgId: string, id: string, ctx: AuditContext): Promise<RuleWithSecret> {
      const r = await rowOf(orgId, id);
      if (r.kind !== 'webhook') throw new UserError(409, 'not_signed', 'Only signed webhooks have a signing secret.');
      const s = open(r);
      const now = deps.clock.now();
      const secret = newSecret();
      const expires = new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString();
      s.signing = [
        { id: randomUUID(), secret, createdAt: now.toISOString(), expiresAt: null },
        ...(s.signing ?? []).filter((x) => !x.expiresAt || Date.parse(x.expiresAt) > now.getTime()).map((x) => ({ ...x, expiresAt: x.expiresAt ?? expires })),
      ];
      const row = await db.transaction(async (tx) => {
        const [u] = await tx.update(integrationRules).set({ secrets: deps.box.seal(JSON.stringify(s), sealedFor(id)), updatedAt: new Date() }).where(eq(integrationRules.id, id)).returning();
        await appendAudit(tx, ctx, { orgId, action: 'integration.secret_rotated', target: { type: 'integration_rule', id, label: r.name }, details: { previousExpiresAt: expires } });
        return u!;
      });
      return { rule: present(row, (await deps.deliveries.latestByRule(orgId)).get(id)), secret };
    },

    /** Exactly what the rule sends for its trigger (a sample event), secrets hidden. */
    async preview(orgId: string, id: string): Promise<RequestPreview> {
      const r = await rowOf(orgId, id);
      return previewOf(r.kind, r, open(r), r.trigger);
    },

    /** The same for a rule being written (nothing is saved). */
    previewDraft(input: RuleInput): RequestPreview {
      const a = input.action;
      return previewOf(a.kind, { table: a.kind === 'servicenow' ? a.table : null, authHeader: a.kind === 'servicenow' ? a.authHeader : null }, secretsFor(a, null), input.trigger);
    },

    async sendTest(orgId: string, id: string) {
      const r = await rowOf(orgId, id);
      return deps.deliveries.sendTest(r, sampleFacts(r.trigger, deps.publicUrl));
    },
  };
}

export type RulesService = ReturnType<typeof createRulesService>;
