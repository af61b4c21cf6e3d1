/**
 * The integrations API's shapes, shared by the server and the tabs. Keep this file free of
 * imports (the tabs import it as it is).
 */

export const TRIGGERS = [
  'offboarding.approval_requested',
  'offboarding.scheduled',
  'offboarding.started',
  'offboarding.completed',
  'offboarding.failed',
  'offboarding.undone',
  'user.offboarded',
  'queue.entered',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const TRIGGER_LABEL: Record<Trigger, string> = {
  'offboarding.approval_requested': 'An offboarding needs approval',
  'offboarding.scheduled': 'An offboarding is scheduled',
  'offboarding.started': 'An offboarding starts',
  'offboarding.completed': 'An offboarding completes',
  'offboarding.failed': 'An offboarding fails',
  'offboarding.undone': 'An offboarding is undone',
  'user.offboarded': 'A checklist is completed (user.offboarded)',
  'queue.entered': 'A leaver enters the queue window',
};

export const ACTION_KINDS = ['teams', 'slack', 'jira', 'servicenow', 'webhook'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ACTION_LABEL: Record<ActionKind, string> = {
  teams: 'Microsoft Teams (incoming webhook)',
  slack: 'Slack (incoming webhook)',
  jira: 'Jira (automation webhook)',
  servicenow: 'ServiceNow (Table API)',
  webhook: 'Signed webhook (Standard Webhooks)',
};

export const SERVICENOW_TABLES = ['incident', 'sc_task'] as const;
export type ServiceNowTable = (typeof SERVICENOW_TABLES)[number];

/** What a rule does, as written: URLs and credentials go in, and are never given back. */
export type ActionInput =
  | { kind: 'teams' | 'slack' | 'jira' | 'webhook'; url: string }
  | {
      kind: 'servicenow';
      /** https://<instance>.service-now.com */
      instanceUrl: string;
      table: ServiceNowTable;
      /** The header carrying the credential, e.g. Authorization or x-sn-apikey. */
      authHeader: string;
      /** Its value, e.g. "Basic …" or "Bearer …". */
      authValue: string;
      /** A later trigger that closes the record this rule opened for the same person (optional). */
      closeOn?: Trigger | null;
    };

export interface RuleInput {
  name: string;
  trigger: Trigger;
  action: ActionInput;
  enabled?: boolean;
  /** For `queue.entered`: the look-ahead, in days (default 30). */
  queueWindowDays?: number;
}

export interface RuleAction {
  kind: ActionKind;
  /** The target with its secret parts hidden: scheme, host and the last 4 characters. */
  target: string;
  table: ServiceNowTable | null;
  closeOn: Trigger | null;
  authHeader: string | null;
}

export interface SigningSecret {
  id: string;
  /** `whsec_` and the last 4 characters. */
  preview: string;
  createdAt: string;
  /** Set while an older secret overlaps a newer one after a rotation. */
  expiresAt: string | null;
}

export interface Rule {
  id: string;
  name: string;
  trigger: Trigger;
  enabled: boolean;
  /** Why Offramp disabled the rule (410 Gone, failing for 5 days), or null. */
  disabledReason: string | null;
  action: RuleAction;
  /** Signed webhooks: the secrets that sign (two during a rotation). */
  secrets: SigningSecret[];
  queueWindowDays: number | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
  lastDelivery: { status: DeliveryStatus; at: string } | null;
}

/** The answer to creating a signed webhook rule or rotating its secret: the secret, shown once. */
export interface RuleWithSecret {
  rule: Rule;
  secret: string | null;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  /** HTTP status, or null when no answer came (timeout, refused, blocked address). */
  status: number | null;
  latencyMs: number;
  /** The first 1,000 characters of the answer. */
  response: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  ruleId: string;
  trigger: Trigger;
  /** The `webhook-id`: the same on every attempt and replay. */
  messageId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  test: boolean;
  log: DeliveryAttempt[];
}

/** Exactly what a rule would send, with secrets hidden. */
export interface RequestPreview {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The retry schedule after the first attempt (Standard Webhooks' own), in seconds. */
export const RETRY_SCHEDULE_S = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600] as const;
