/**
 * The offboarding API's shapes, shared by the server, the tabs and the bot. Keep this file
 * free of imports (the tabs import it as it is).
 */

export const TASK_IDS = [
  'disable_sign_in',
  'revoke_sessions',
  'reset_password',
  'remove_mfa_methods',
  'remove_groups',
  'remove_teams',
  'hide_from_address_list',
  'set_auto_reply',
  'forward_mail',
  'grant_mailbox_access',
  'grant_onedrive_access',
  'remove_inbox_rules',
  'remove_mobile_devices',
  'cancel_meetings',
  'remove_held_permissions',
  'convert_to_shared',
  'remove_licences',
  'retire_devices',
  'notify_manager',
  'delete_user',
] as const;
export type TaskId = (typeof TASK_IDS)[number];

export const RUN_STATES = [
  'awaiting_approval',
  'scheduled',
  'running',
  'succeeded',
  'failed',
  'partially_failed',
  'cancelled',
  'rejected',
  'undoing',
  'undone',
  'partially_undone',
] as const;
export type RunState = (typeof RUN_STATES)[number];

/** Runs that have ended (nothing more happens unless someone retries or undoes). */
export const FINISHED_STATES: readonly RunState[] = ['succeeded', 'failed', 'partially_failed', 'cancelled', 'rejected', 'undone', 'partially_undone'];

export const STEP_STATES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export type StepState = (typeof STEP_STATES)[number];

/** How states read to people, the same on every page, card and report. */
export const RUN_STATE_LABEL: Record<RunState, string> = {
  awaiting_approval: 'Awaiting approval',
  scheduled: 'Scheduled',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  partially_failed: 'Partly failed',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  undoing: 'Undoing',
  undone: 'Undone',
  partially_undone: 'Partly undone',
};

export const STEP_STATE_LABEL: Record<StepState, string> = {
  pending: 'Waiting',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

export type TaskGroup = 'account' | 'access' | 'mail' | 'files' | 'devices' | 'wrap-up';

/** One option of a task, as the wizard draws it. */
export interface OptionField {
  key: string;
  label: string;
  kind: 'text' | 'textarea' | 'boolean' | 'select' | 'recipient' | 'datetime';
  choices?: { value: string; label: string }[];
  help?: string;
}

/** A task of the catalogue, as the API describes it. */
export interface TaskInfo {
  id: TaskId;
  title: string;
  summary: string;
  group: TaskGroup;
  /** What it reads before it changes anything. */
  reads: string;
  /** What it changes. */
  changes: string;
  /** Why running it twice changes nothing more. */
  idempotent: string;
  undo: { kind: 'full' | 'partial' | 'none'; how: string };
  /** Tasks it runs after when both are in a plan. */
  after: TaskId[];
  /** Microsoft Graph / Exchange Online application permissions it needs. */
  permissions: string[];
  /** A second, explicit confirmation is needed for some option values (a wipe). */
  confirmation: string | null;
  options: OptionField[];
  defaults: Record<string, unknown>;
}

/** One task chosen for a plan, with its options. */
export interface PlanStep {
  task: TaskId;
  options: Record<string, unknown>;
}

/** A tenant's default plan: what the wizard preselects and the bot runs. */
export interface Template {
  tenantRef: string;
  steps: PlanStep[];
  /** False until someone saves it: the built-in default plan. */
  customised: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface OffboardingSettings {
  /** Runs wait for an approver (Admin/Owner) before they are scheduled. */
  requireApproval: boolean;
  /** An Admin/Owner's own request needs no second person. */
  allowApproveOwn: boolean;
  /** When a synced person gets a leave date, propose a run for that date (awaiting approval). */
  proposeFromLeaveDate: boolean;
}

export interface Item {
  id: string;
  label: string;
  detail?: string;
}

export interface StepPreview {
  task: TaskId;
  title: string;
  /** One sentence: what this step would do. */
  summary: string;
  /** Exactly what would change (these groups, these licences, this device…). */
  items: Item[];
  warnings: string[];
  /** Why the step cannot run for this person, if it cannot (it would fail). */
  blocked: string | null;
}

export interface PersonRef {
  employeeId: string;
  objectId: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  jobTitle: string | null;
  department: string | null;
}

export interface Preview {
  person: PersonRef;
  generatedAt: string;
  steps: StepPreview[];
  /** About the person as a whole (synced account, group-based licences, large mailbox). */
  warnings: string[];
}

export type When = { kind: 'now' } | { kind: 'at'; at: string; timeZone: string };

export interface StepResult {
  summary: string;
  /** The evidence: what was removed, set or sent. */
  items: Item[];
}

export interface RunStep {
  id: string;
  seq: number;
  phase: 'do' | 'undo';
  task: TaskId;
  title: string;
  state: StepState;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  requestIds: string[];
  result: StepResult | null;
  error: string | null;
  skippedReason: string | null;
  after: TaskId[];
  undo: TaskInfo['undo'];
}

export interface Actor {
  memberId: string | null;
  name: string;
}

export interface RunSummary {
  id: string;
  state: RunState;
  tenant: { id: string; displayName: string; defaultDomain: string };
  person: PersonRef;
  when: When;
  scheduledAt: string | null;
  requestedBy: Actor;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  bulkId: string | null;
  counts: { total: number; succeeded: number; failed: number; skipped: number };
}

export interface Run extends RunSummary {
  approvedBy: Actor | null;
  decidedAt: string | null;
  rejectionReason: string | null;
  cancelRequestedAt: string | null;
  undoneAt: string | null;
  steps: RunStep[];
  preview: Preview | null;
  /** A password set by the run is waiting to be shown (once) to the approver. */
  passwordWaiting: boolean;
  /** What the caller may do now. */
  allowed: { approve: boolean; reject: boolean; reschedule: boolean; cancel: boolean; retry: boolean; undo: boolean; revealPassword: boolean };
}

export interface BulkResult {
  bulkId: string;
  runs: RunSummary[];
  errors: { line: number; value: string; message: string }[];
}
