import type { Db } from '../db/store.js';
import { orgEvents } from './integrations.schema.js';

/** What a run's events carry: the run, the person as the run recorded them, who acted. */
export interface RunEventData {
  run: { id: string; state: string; scheduledAt: string | null };
  employee: { id: string; objectId: string; displayName: string; userPrincipalName: string; department: string | null; jobTitle: string | null };
  tenantRef: string;
  actor: string | null;
}

/** The events integrations can deliver, with what each carries. */
export interface OrgEventData {
  'offboarding.approval_requested': RunEventData;
  'offboarding.scheduled': RunEventData;
  'offboarding.started': RunEventData;
  'offboarding.completed': RunEventData;
  'offboarding.failed': RunEventData;
  'offboarding.undone': RunEventData;
  'user.offboarded': {
    employee: { id: string; objectId: string; displayName: string; userPrincipalName: string; mail: string | null; department: string | null; jobTitle: string | null; leaveDate: string };
    tenant: { id: string; tenantId: string; displayName: string };
    completedBy: { memberId: string | null; name: string };
    completedAt: string;
    directReportsCleared: number;
  };
}
export type OrgEventType = keyof OrgEventData;

/** Records an event with the transaction that makes the change it tells of. */
export async function appendEvent<T extends OrgEventType>(tx: Db, orgId: string, type: T, data: OrgEventData[T]): Promise<string> {
  const [row] = await tx.insert(orgEvents).values({ orgId, type, data: data as unknown as Record<string, unknown> }).returning({ id: orgEvents.id });
  return row!.id;
}
