import type { z } from 'zod';
import type { AutoReply, LicenceAssignment, M365Actions, Mailbox, ManagedDevice, Membership } from '../m365/actions.js';
import type { Item, OptionField, StepPreview, StepResult, TaskGroup, TaskId, TaskInfo } from './contract.js';

/** The person a run works on, as the tenant knows them. */
export interface Person {
  objectId: string;
  userPrincipalName: string;
  mail: string | null;
  displayName: string;
}

/**
 * What a run reads before its first change (and a preview reads to show what would change):
 * the base every plan needs, and parts of their own for the tasks that need more.
 */
export interface Snapshot {
  takenAt: string;
  account: { accountEnabled: boolean; onPremisesSyncEnabled: boolean } | null;
  manager: { id: string; displayName: string; mail: string | null; userPrincipalName: string } | null;
  groups: Membership[];
  licences: LicenceAssignment[];
  /** skuId -> skuPartNumber, for the people reading the report. */
  skus: Record<string, string>;
  mailbox: Mailbox | null;
  autoReply: AutoReply | null;
  devices: ManagedDevice[];
  /** Parts of single tasks (their own reads), by task id. */
  parts: Partial<Record<TaskId, unknown>>;
}

/** What a task gets when it previews, runs or undoes. */
export interface TaskEnv<O> {
  m365: M365Actions;
  person: Person;
  snapshot: Snapshot;
  options: O;
  organisation: string;
  /**
   * When an earlier attempt of this step began (null on the first attempt). A step that may have
   * acted before (a crash, a lost answer) checks the tenant against it before acting again.
   */
  earlierAttemptAt: Date | null;
  /** Seals the password a reset is about to set, for the approver to see once. */
  savePassword(password: string): Promise<void>;
  /** Records a notice for someone (the bot delivers it); once per key. */
  notify(n: { key: string; recipientObjectId: string | null; recipientAddress: string | null; recipientName: string | null; title: string; body: string }): Promise<void>;
  /** Request ids of sub-requests (a $batch's parts), for the journal. */
  addRequestIds(ids: (string | null)[]): void;
}

/** What a task's own snapshot read gets. */
export interface SnapshotEnv {
  m365: M365Actions;
  person: Person;
  snapshot: Omit<Snapshot, 'parts'>;
}

export interface RunOutcome extends StepResult {
  /** What the undo of this step needs. */
  undoData?: unknown;
}

export interface TaskDefinition<S extends z.ZodType = z.ZodType> {
  id: TaskId;
  title: string;
  summary: string;
  group: TaskGroup;
  reads: string;
  changes: string;
  idempotent: string;
  undo: TaskInfo['undo'];
  after: TaskId[];
  permissions: string[];
  confirmation?: string;
  options: S;
  fields: OptionField[];
  /** Reads of its own taken into the snapshot (e.g. the inbox rules it will delete). */
  snapshot?(env: SnapshotEnv): Promise<unknown>;
  preview(env: TaskEnv<z.output<S>>): Promise<Omit<StepPreview, 'task' | 'title'>> | Omit<StepPreview, 'task' | 'title'>;
  /** Acts on what is left to do (it re-reads first): running it again after a crash is safe. */
  run(env: TaskEnv<z.output<S>>): Promise<RunOutcome>;
  /** Puts back what the step took away, from its undo data and the snapshot. */
  revert?(env: TaskEnv<z.output<S>>, undoData: unknown): Promise<StepResult>;
}

export const item = (id: string, label: string, detail?: string): Item => (detail ? { id, label, detail } : { id, label });
