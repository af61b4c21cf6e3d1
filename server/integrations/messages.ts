import { Webhook } from 'standardwebhooks';
import type { ActionKind, ServiceNowTable, Trigger } from './contract.js';
import type { RuleSecrets } from './integrations.schema.js';

/**
 * What each action sends, built from an event's facts: the person (name, UPN, job, department,
 * leave date), the run (id, state, time), the tenant's name, who acted and a link. Nothing else
 * about the person travels (no mail address, no manager, no devices).
 */

export interface EventFacts {
  employee: { id: string; objectId?: string; displayName: string; userPrincipalName: string; department: string | null; jobTitle: string | null; leaveDate?: string | null };
  tenant?: { displayName: string };
  run?: { id: string; state: string; scheduledAt?: string | null };
  actor?: string | null;
  /** Days of look-ahead (queue.entered). */
  windowDays?: number;
  /** Where in Offramp to look (absolute URL). */
  link: string;
  /** A ServiceNow rule's closing delivery. */
  close?: boolean;
}

export interface OutboundRequest {
  method: 'POST' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface RuleShape {
  kind: ActionKind;
  table: ServiceNowTable | null;
  authHeader: string | null;
}

const who = (f: EventFacts) => f.employee.displayName;

/** One line saying what happened. */
export function headline(trigger: Trigger, f: EventFacts): string {
  switch (trigger) {
    case 'offboarding.approval_requested':
      return `Offboarding of ${who(f)} needs approval`;
    case 'offboarding.scheduled':
      return `Offboarding of ${who(f)} is scheduled${f.run?.scheduledAt ? ` for ${f.run.scheduledAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`;
    case 'offboarding.started':
      return `Offboarding of ${who(f)} has started`;
    case 'offboarding.completed':
      return `Offboarding of ${who(f)} completed`;
    case 'offboarding.failed':
      return `Offboarding of ${who(f)} failed`;
    case 'offboarding.undone':
      return `Offboarding of ${who(f)} was undone`;
    case 'user.offboarded':
      return `${who(f)} is offboarded: nothing is left to recover`;
    case 'queue.entered':
      return `${who(f)} leaves${f.employee.leaveDate ? ` on ${f.employee.leaveDate.slice(0, 10)}` : ''}`;
  }
}

function facts(f: EventFacts): [string, string][] {
  const out: [string, string][] = [['Person', `${f.employee.displayName} (${f.employee.userPrincipalName})`]];
  if (f.employee.jobTitle || f.employee.department) out.push(['Role', [f.employee.jobTitle, f.employee.department].filter(Boolean).join(', ')]);
  if (f.employee.leaveDate) out.push(['Leave date', f.employee.leaveDate.slice(0, 10)]);
  if (f.tenant) out.push(['Tenant', f.tenant.displayName]);
  if (f.run) out.push(['Run', `${f.run.id.slice(0, 8)} (${f.run.state.replace(/_/g, ' ')})`]);
  if (f.actor) out.push(['By', f.actor]);
  return out;
}

function teamsBody(trigger: Trigger, f: EventFacts): unknown {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: headline(trigger, f), weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'FactSet', facts: facts(f).map(([title, value]) => ({ title, value })) },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open in Offramp', url: f.link }],
        },
      },
    ],
  };
}

function slackBody(trigger: Trigger, f: EventFacts): unknown {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    text: headline(trigger, f),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline(trigger, f).slice(0, 150) } },
      { type: 'section', fields: facts(f).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${escape(v)}` })) },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Offramp' }, url: f.link }] },
    ],
  };
}

/** Jira automation reads these as {{webhookData.employee.displayName}}, {{webhookData.summary}}… */
function jiraBody(trigger: Trigger, f: EventFacts, occurredAt: string): unknown {
  return {
    event: trigger,
    occurredAt,
    summary: headline(trigger, f),
    employee: { displayName: f.employee.displayName, userPrincipalName: f.employee.userPrincipalName, jobTitle: f.employee.jobTitle, department: f.employee.department, leaveDate: f.employee.leaveDate ?? null },
    tenant: f.tenant?.displayName ?? null,
    run: f.run ? { id: f.run.id, state: f.run.state } : null,
    by: f.actor ?? null,
    link: f.link,
  };
}

/** The generic webhook's payload, in Standard Webhooks' shape: type, timestamp, data. */
function webhookBody(trigger: Trigger, f: EventFacts, occurredAt: string): unknown {
  return {
    type: trigger,
    timestamp: occurredAt,
    data: {
      employee: { id: f.employee.id, objectId: f.employee.objectId ?? null, displayName: f.employee.displayName, userPrincipalName: f.employee.userPrincipalName, jobTitle: f.employee.jobTitle, department: f.employee.department, leaveDate: f.employee.leaveDate ?? null },
      tenant: f.tenant?.displayName ?? null,
      run: f.run ?? null,
      by: f.actor ?? null,
      link: f.link,
    },
  };
}

/** ServiceNow's closed states: incident 7 (Closed), sc_task 3 (Closed Complete). */
const CLOSED_STATE: Record<ServiceNowTable, string> = { incident: '7', sc_task: '3' };

/**
 * The exact request for one attempt. `signedAt` is the attempt's time (webhook-timestamp);
 * `record` is the ServiceNow record to close, for a closing delivery.
 */
export function buildRequest(rule: RuleShape, secrets: RuleSecrets, trigger: Trigger, f: EventFacts, opts: { messageId: string; occurredAt: string; signedAt: Date; record?: { sysId: string } | null }): OutboundRequest {
  const json = (b: unknown) => JSON.stringify(b);
  switch (rule.kind) {
    case 'teams':
      return { method: 'POST', url: secrets.url, headers: {}, body: json(teamsBody(trigger, f)) };
    case 'slack':
      return { method: 'POST', url: secrets.url, headers: {}, body: json(slackBody(trigger, f)) };
    case 'jira':
      return { method: 'POST', url: secrets.url, headers: {}, body: json(jiraBody(trigger, f, opts.occurredAt)) };
    case 'servicenow': {
      const table = rule.table!;
      const base = `${secrets.url.replace(/\/+$/, '')}/api/now/table/${table}`;
      const headers = { accept: 'application/json', [rule.authHeader!.toLowerCase()]: secrets.authValue ?? '' };
      if (f.close && opts.record) {
        return {
          method: 'PATCH',
          url: `${base}/${encodeURIComponent(opts.record.sysId)}`,
          headers,
          body: json({ state: CLOSED_STATE[table], close_code: 'Solved (Permanently)', close_notes: `${headline(trigger, f)}. Closed by Offramp: ${f.link}`, work_notes: headline(trigger, f) }),
        };
      }
      return {
        method: 'POST',
        url: base,
        headers,
        body: json({
          short_description: headline(trigger, f).slice(0, 160),
          description: `${facts(f).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${f.link}`,
          category: 'Offboarding',
          correlation_id: `offramp:${f.employee.id}`,
          correlation_display: 'Offramp',
        }),
      };
    }
    case 'webhook': {
      const body = json(webhookBody(trigger, f, opts.occurredAt));
      // Every secret still valid signs: during a rotation the receiver accepts either.
      const signatures = (secrets.signing ?? []).filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > opts.signedAt.getTime()).map((s) => new Webhook(s.secret).sign(opts.messageId, opts.signedAt, body));
      return {
        method: 'POST',
        url: secrets.url,
        headers: { 'webhook-id': opts.messageId, 'webhook-timestamp': String(Math.floor(opts.signedAt.getTime() / 1000)), 'webhook-signature': signatures.join(' ') },
        body,
      };
    }
  }
}

/** The facts of a made-up event, for previews and "Send test". */
export function sampleFacts(trigger: Trigger, publicUrl: string): EventFacts {
  const now = new Date();
  const leave = new Date(now.getTime() + 14 * 86_400_000).toISOString();
  return {
    employee: { id: '00000000-0000-4000-8000-000000000001', objectId: '00000000-0000-4000-8000-000000000002', displayName: 'Adele Vance (test)', userPrincipalName: 'adele.vance@contoso.example', jobTitle: 'Retail Manager', department: 'Retail', leaveDate: leave },
    tenant: { displayName: 'Contoso' },
    run: trigger.startsWith('offboarding.') ? { id: '00000000-0000-4000-8000-000000000003', state: trigger === 'offboarding.failed' ? 'failed' : trigger === 'offboarding.completed' ? 'succeeded' : 'scheduled', scheduledAt: leave } : undefined,
    actor: 'Offramp test',
    windowDays: trigger === 'queue.entered' ? 30 : undefined,
    link: `${publicUrl}/tabs/queue`,
  };
}
