import { and, desc, eq, sql } from 'drizzle-orm';
import { appendAudit, type AuditContext } from '../audit/audit.service.js';
import type { Db } from '../db/store.js';
import { UserError } from '../errors.js';
import { appendEvent } from '../integrations/events.js';
import { employees, tenants } from '../m365/m365.schema.js';
import { notifications } from '../notifications/notifications.schema.js';
import { offboardingRuns } from '../offboarding/offboarding.schema.js';
import { queuePreferences } from './assets.schema.js';
import { lockedPerson, type AssetsService } from './assets.service.js';
import {
  DEFAULT_QUEUE_WINDOW,
  OPEN_REQUEST_STATUSES,
  QUEUE_WINDOWS,
  openSentence,
  type Checklist,
  type OpenCounts,
  type QueueResult,
  type QueueRow,
  type QueueWindow,
} from './contract.js';

/**
 * The leaver queue, each person's checklist and the completion gate.
 *
 * Completing locks the person's row FOR UPDATE and counts what is open inside that transaction:
 * every assignment locks the same row FOR SHARE (and the foreign key takes KEY SHARE), so one
 * made before the completion is counted, and one made during it waits for it to end.
 */

const DAY = 86_400_000;
const OPEN_REQUESTS = sql.raw(OPEN_REQUEST_STATUSES.map((s) => `'${s}'`).join(', '));

const openCountsSql = (employeeRef: ReturnType<typeof sql.raw>) => sql`
  (SELECT count(*)::int FROM hardware h WHERE h.assigned_to = ${employeeRef}) AS hardware_open,
  (SELECT count(*)::int FROM seats s WHERE s.holder_id = ${employeeRef} AND s.status <> 'free') AS seats_open,
  (SELECT count(*)::int FROM asset_requests r WHERE r.employee_id = ${employeeRef} AND r.status IN (${OPEN_REQUESTS})) AS requests_open`;

type CountsRow = {
  hardware_open: number;
  seats_open: number;
  requests_open: number;
};
const countsOf = (r: CountsRow): OpenCounts => ({ hardware: r.hardware_open, seats: r.seats_open, requests: r.requests_open });

/** Whole days from the start of today (UTC) to the day of `d`. */
export const daysFromToday = (d: Date, now = new Date()) => Math.floor(d.getTime() / DAY) - Math.floor(now.getTime() / DAY);

export interface QueueDeps {
  db: Db;
  assets: AssetsService;
  /** Called after a completion (its manager's notice and its event go out now, not at the next pass). */
  onCompleted?: () => void;
}

export function createQueueService(deps: QueueDeps) {
  const { db, assets } = deps;

  async function openCounts(tx: Db, employeeId: string): Promise<OpenCounts> {
    const { rows } = await tx.execute<CountsRow>(sql`SELECT ${openCountsSql(sql.raw('e.id'))} FROM employees e WHERE e.id = ${employeeId}`);
    return countsOf(rows[0]!);
  }

  const service = {
    async windowOf(memberId: string): Promise<QueueWindow> {
      const [row] = await db.select({ days: queuePreferences.windowDays }).from(queuePreferences).where(eq(queuePreferences.memberId, memberId));
      return (QUEUE_WINDOWS as readonly number[]).includes(row?.days ?? 0) ? (row!.days as QueueWindow) : DEFAULT_QUEUE_WINDOW;
    },

    /** Remembers the member's look-ahead (a preference: it changes no data). */
    async setWindow(memberId: string, days: QueueWindow): Promise<QueueWindow> {
      await db
        .insert(queuePreferences)
        .values({ memberId, windowDays: days })
        .onConflictDoUpdate({ target: queuePreferences.memberId, set: { windowDays: days, updatedAt: new Date() } });
      return days;
    },

    /**
     * People whose leave date is past or within `days`, not yet offboarded; and offboarded people
     * who still hold hardware (the safety net). Soonest leave date first.
     */
    async queue(orgId: string, days: QueueWindow, now = new Date()): Promise<QueueResult> {
      const until = new Date(now.getTime() + days * DAY);
      const { rows } = await db.execute<
        CountsRow & {
          id: string;
          display_name: string;
          user_principal_name: string;
          job_title: string | null;
          department: string | null;
          leave_date: Date | null;
          status: 'active' | 'offboarded';
          manager_id: string | null;
          manager_name: string | null;
          manager_object_id: string | null;
          run_id: string | null;
          run_state: string | null;
          run_created_at: Date | null;
          tenant: string;
        }
      >(sql`
        WITH q AS (
          SELECT e.* FROM employees e
          WHERE e.org_id = ${orgId} AND e.status <> 'offboarded' AND e.leave_date <= ${until}
          UNION ALL
          SELECT e.* FROM employees e
          WHERE e.org_id = ${orgId} AND e.status = 'offboarded' AND EXISTS (SELECT 1 FROM hardware h WHERE h.assigned_to = e.id)
        )
        SELECT q.id, q.display_name, q.user_principal_name, q.job_title, q.department, q.leave_date, q.status, q.manager_object_id,
               m.id AS manager_id, m.display_name AS manager_name, t.display_name AS tenant,
               r.id AS run_id, r.state AS run_state, r.created_at AS run_created_at,
               ${openCountsSql(sql.raw('q.id'))}
        FROM q
        JOIN tenants t ON t.id = q.tenant_ref
        LEFT JOIN employees m ON m.tenant_ref = q.tenant_ref AND m.object_id = q.manager_object_id
        LEFT JOIN LATERAL (
          SELECT id, state, created_at FROM offboarding_runs WHERE employee_id = q.id ORDER BY created_at DESC LIMIT 1
        ) r ON true
        ORDER BY q.leave_date ASC NULLS LAST, q.display_name ASC`);
      const people = rows.map(
        (r): QueueRow => ({
          employeeId: r.id,
          displayName: r.display_name,
          userPrincipalName: r.user_principal_name,
          jobTitle: r.job_title,
          department: r.department,
          leaveDate: r.leave_date ? new Date(r.leave_date).toISOString() : null,
          daysToLeave: r.leave_date ? daysFromToday(new Date(r.leave_date), now) : null,
          status: r.status,
          manager: r.manager_name ? { employeeId: r.manager_id, displayName: r.manager_name } : null,
          open: countsOf(r),
          latestRun: r.run_id ? { id: r.run_id, state: r.run_state!, createdAt: new Date(r.run_created_at!).toISOString() } : null,
          safetyNet: r.status === 'offboarded',
          tenant: r.tenant,
        }),
      );
      return { windowDays: days, windows: QUEUE_WINDOWS, people };
    },

    async checklist(orgId: string, employeeId: string): Promise<Checklist> {
      const [row] = await db
        .select({ e: employees, tenantName: tenants.displayName })
        .from(employees)
        .innerJoin(tenants, eq(tenants.id, employees.tenantRef))
        .where(and(eq(employees.orgId, orgId), eq(employees.id, employeeId)));
      if (!row) throw new UserError(404, 'not_found', 'That person was not found in this organisation.');
      const e = row.e;
      const [manager] = e.managerObjectId
        ? await db.select({ id: employees.id, displayName: employees.displayName }).from(employees).where(and(eq(employees.tenantRef, e.tenantRef), eq(employees.objectId, e.managerObjectId)))
        : [];
      const [run] = await db
        .select({ id: offboardingRuns.id, state: offboardingRuns.state, createdAt: offboardingRuns.createdAt, finishedAt: offboardingRuns.finishedAt })
        .from(offboardingRuns)
        .where(eq(offboardingRuns.employeeId, e.id))
        .orderBy(desc(offboardingRuns.createdAt))
        .limit(1);
      const [hw, st, rq, returns] = await Promise.all([
        assets.listHardware(orgId, { holderId: e.id }),
        assets.listSeats(orgId, { holderId: e.id }),
        assets.listRequests(orgId, { employeeId: e.id, open: true }),
        assets.returnsOf(orgId, e.id),
      ]);
      const seatsOpen = st.filter((s) => s.status !== 'free');
      const open: OpenCounts = { hardware: hw.length, seats: seatsOpen.length, requests: rq.length };
      const ended = run && ['succeeded', 'failed', 'partially_failed', 'cancelled', 'undone'].includes(run.state);
      return {
        person: {
          employeeId: e.id,
          displayName: e.displayName,
          userPrincipalName: e.userPrincipalName,
          mail: e.mail,
          jobTitle: e.jobTitle,
          department: e.department,
          manager: manager ? { employeeId: manager.id, displayName: manager.displayName } : null,
          hireDate: e.hireDate?.toISOString() ?? null,
          leaveDate: e.leaveDate?.toISOString() ?? null,
          status: e.status,
          offboardedAt: e.offboardedAt?.toISOString() ?? null,
          offboardedBy: e.offboardedBy,
          account: { enabled: e.accountEnabled, removedFromTenant: e.removedAt !== null, syncedAt: e.syncedAt.toISOString(), licences: e.licences },
          tenant: { id: e.tenantRef, displayName: row.tenantName },
        },
        latestRun: run
          ? { id: run.id, state: run.state, createdAt: run.createdAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null, pdfUrl: ended ? `/api/v1/orgs/${orgId}/offboarding/runs/${run.id}/report.pdf` : null }
          : null,
        hardware: hw,
        seats: seatsOpen,
        requests: rq,
        returns,
        open,
        blockedBy: e.status === 'offboarded' ? 'This person is already offboarded.' : openSentence(open),
      };
    },

    /**
     * Marks the person offboarded, if nothing is open, in one transaction: the leave date (today if
     * empty), their direct reports' manager cleared (one audit entry each), a notice to their
     * manager, and a `user.offboarded` event for the integrations to deliver.
     */
    async complete(orgId: string, employeeId: string, ctx: AuditContext) {
      await db.transaction(async (tx) => {
        const e = await lockedPerson(tx, orgId, employeeId, 'update');
        if (e.status === 'offboarded') throw new UserError(409, 'already_offboarded', `${e.displayName} is already offboarded (${e.offboardedAt?.toISOString().slice(0, 10)}, by ${e.offboardedBy}).`);
        const open = await openCounts(tx, e.id);
        const refusal = openSentence(open);
        if (refusal) throw new UserError(409, 'items_open', refusal, { open });
        const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, e.tenantRef));
        const now = new Date();
        const leaveDate = e.leaveDate ?? now;
        await tx.update(employees).set({ status: 'offboarded', offboardedAt: now, offboardedBy: ctx.actor.name, leaveDate }).where(eq(employees.id, e.id));
        const reports = await tx
          .update(employees)
          .set({ managerObjectId: null })
          .where(and(eq(employees.tenantRef, e.tenantRef), eq(employees.managerObjectId, e.objectId)))
          .returning({ id: employees.id, displayName: employees.displayName });
        for (const r of reports) {
          await appendAudit(tx, ctx, {
            orgId,
            action: 'employee.manager_cleared',
            target: { type: 'employee', id: r.id, label: r.displayName },
            details: { formerManager: { id: e.id, name: e.displayName } },
          });
        }
        const [manager] = e.managerObjectId
          ? await tx.select().from(employees).where(and(eq(employees.tenantRef, e.tenantRef), eq(employees.objectId, e.managerObjectId)))
          : [];
        if (manager) {
          await tx
            .insert(notifications)
            .values({
              orgId,
              key: `employee:${e.id}:offboarded`,
              recipientObjectId: manager.objectId,
              recipientAddress: manager.mail ?? manager.userPrincipalName,
              recipientName: manager.displayName,
              title: `${e.displayName} is offboarded`,
              body: `${ctx.actor.name} completed ${e.displayName}'s offboarding: every device, seat and request is accounted for.${reports.length ? ` ${reports.length} direct report(s) no longer have a manager in Offramp.` : ''}`,
              link: `/tabs/people/${e.id}`,
            })
            .onConflictDoNothing();
        }
        await appendEvent(tx, orgId, 'user.offboarded', {
          employee: { id: e.id, objectId: e.objectId, displayName: e.displayName, userPrincipalName: e.userPrincipalName, mail: e.mail, department: e.department, jobTitle: e.jobTitle, leaveDate: leaveDate.toISOString() },
          tenant: { id: tenant!.id, tenantId: tenant!.tenantId, displayName: tenant!.displayName },
          completedBy: { memberId: ctx.actor.memberId, name: ctx.actor.name },
          completedAt: now.toISOString(),
          directReportsCleared: reports.length,
        });
        await appendAudit(tx, ctx, {
          orgId,
          action: 'employee.offboarded',
          target: { type: 'employee', id: e.id, label: e.displayName },
          details: { leaveDate: leaveDate.toISOString(), leaveDateFilled: !e.leaveDate, directReportsCleared: reports.length, managerNotified: Boolean(manager) },
        });
      });
      deps.onCompleted?.();
      return service.checklist(orgId, employeeId);
    },
  };
  return service;
}

export type QueueService = ReturnType<typeof createQueueService>;
