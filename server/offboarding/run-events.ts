import type { AuditContext } from '../audit/audit.service.js';
import type { Db } from '../db/store.js';
import { appendEvent, type OrgEventType } from '../integrations/events.js';
import type { offboardingRuns } from './offboarding.schema.js';

type RunRow = typeof offboardingRuns.$inferSelect;

/** Which integration event an audited run change is, if any. */
function eventOf(action: string, r: RunRow): OrgEventType | null {
  switch (action) {
    case 'offboarding.run_created':
      return r.state === 'awaiting_approval' ? 'offboarding.approval_requested' : 'offboarding.scheduled';
    case 'offboarding.run_approved':
    case 'offboarding.run_rescheduled':
      return 'offboarding.scheduled';
    case 'offboarding.run_started':
      return 'offboarding.started';
    case 'offboarding.run_finished':
      return r.state === 'succeeded' ? 'offboarding.completed' : r.state === 'failed' || r.state === 'partially_failed' ? 'offboarding.failed' : null;
    case 'offboarding.run_undone':
      return 'offboarding.undone';
    default:
      return null;
  }
}

/**
 * Records the integration event of a run change in the transaction that makes (and audits) it:
 * an event is delivered exactly when its change happened.
 */
export async function recordRunEvent(tx: Db, ctx: AuditContext, action: string, r: RunRow): Promise<void> {
  const type = eventOf(action, r);
  if (!type) return;
  await appendEvent(tx, r.orgId, type, {
    run: { id: r.id, state: r.state, scheduledAt: r.scheduledAt?.toISOString() ?? null },
    employee: { id: r.person.employeeId, objectId: r.person.objectId, displayName: r.person.displayName, userPrincipalName: r.person.userPrincipalName, department: r.person.department, jobTitle: r.person.jobTitle },
    tenantRef: r.tenantRef,
    actor: ctx.actor.memberId ? ctx.actor.name : null,
  });
}
