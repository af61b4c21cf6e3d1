import { and, asc, desc, eq, ilike, inArray, ne, or, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appendAudit, type AuditContext } from '../audit/audit.service.js';
import { containing } from '../db/like.js';
import type { Db } from '../db/store.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { employees } from '../m365/m365.schema.js';
import { offboardingRuns, offboardingSteps } from '../offboarding/offboarding.schema.js';
import type { RunsService } from '../offboarding/runs.service.js';
import { assetRequests, hardware, hardwareReturns, seats } from './assets.schema.js';
import {
  CLOSED_REQUEST_STATUSES,
  OPEN_REQUEST_STATUSES,
  hardwareLabel as label,
  type AssetRequestItem,
  type HardwareItem,
  type HardwareReturn,
  type HardwareStatus,
  type RequestStatus,
  type ReturnCondition,
  type ReturnStatus,
  type SeatItem,
} from './contract.js';

/**
 * Hardware, software seats and asset requests: recording them, assigning them to people,
 * recovering hardware, revoking seats and closing requests. Every change is audited in the
 * transaction that makes it. Assigning to a person locks that person's row (FOR SHARE) so that
 * completing their offboarding (FOR UPDATE) sees every assignment made before it, or blocks it.
 */

export interface HardwareInput {
  model: string;
  name?: string | null;
  assetTag?: string | null;
  serial?: string | null;
  manufacturer?: string | null;
  location?: string | null;
  status?: Exclude<HardwareStatus, 'assigned'>;
  assignedTo?: string | null;
}

export interface SeatInput {
  product: string;
  vendor: string;
  holderId?: string | null;
  costCents?: number | null;
  currency?: string;
}

export interface AssetsDeps {
  db: Db;
  runs: RunsService;
  log: Logger;
}

type HardwareRow = typeof hardware.$inferSelect;
type SeatRow = typeof seats.$inferSelect;
type RequestRow = typeof assetRequests.$inferSelect;
type EmployeeRow = typeof employees.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
export const holder = alias(employees, 'holder');

export const presentRequest = (r: RequestRow): AssetRequestItem => ({
  id: r.id,
  employeeId: r.employeeId,
  what: r.what,
  status: r.status,
  requestedByName: r.requestedByName,
  createdAt: r.createdAt.toISOString(),
  resolvedAt: iso(r.resolvedAt),
  resolvedByName: r.resolvedByName,
  resolution: r.resolution,
});

export const presentHardware = (h: HardwareRow, who: { id: string; displayName: string } | null): HardwareItem => ({
  id: h.id,
  source: h.source,
  name: h.name,
  assetTag: h.assetTag,
  serial: h.serial,
  model: h.model,
  manufacturer: h.manufacturer,
  location: h.location,
  status: h.status,
  assignedTo: who ? { employeeId: who.id, displayName: who.displayName } : null,
  assignedSince: iso(h.assignedSince),
  intuneGone: h.intuneGoneAt !== null,
});

export const presentSeat = (s: SeatRow, who: { id: string; displayName: string } | null): SeatItem => ({
  id: s.id,
  source: s.source,
  product: s.product,
  vendor: s.vendor,
  holder: who ? { employeeId: who.id, displayName: who.displayName } : null,
  status: s.status,
  assignedSince: iso(s.assignedSince),
  costCents: s.costCents,
  currency: s.currency,
  revokeRunId: s.revokeRunId,
});

export const held = { id: holder.id, displayName: holder.displayName };

/** A person of the organisation, locked so that their offboarding cannot complete meanwhile. */
export async function lockedPerson(tx: Db, orgId: string, employeeId: string, mode: 'share' | 'update'): Promise<EmployeeRow> {
  const [e] = await tx
    .select()
    .from(employees)
    .where(and(eq(employees.orgId, orgId), eq(employees.id, employeeId)))
    .for(mode === 'share' ? 'share' : 'update');
  if (!e) throw new UserError(404, 'not_found', 'That person was not found in this organisation.');
  return e;
}

export function createAssetsService(deps: AssetsDeps) {
  const { db } = deps;

  async function hardwareIn(tx: Db, orgId: string, id: string, lock = false): Promise<HardwareRow> {
    const q = tx.select().from(hardware).where(and(eq(hardware.orgId, orgId), eq(hardware.id, id)));
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw new UserError(404, 'not_found', 'That hardware was not found.');
    return row;
  }
  async function seatIn(tx: Db, orgId: string, id: string): Promise<SeatRow> {
    const [row] = await tx.select().from(seats).where(and(eq(seats.orgId, orgId), eq(seats.id, id))).for('update');
    if (!row) throw new UserError(404, 'not_found', 'That seat was not found.');
    return row;
  }
  async function hardwareItem(orgId: string, id: string): Promise<HardwareItem> {
    const [row] = await db.select({ h: hardware, who: held }).from(hardware).leftJoin(holder, eq(holder.id, hardware.assignedTo)).where(and(eq(hardware.orgId, orgId), eq(hardware.id, id)));
    return presentHardware(row!.h, row!.who);
  }
  async function seatItem(orgId: string, id: string): Promise<SeatItem> {
    const [row] = await db.select({ s: seats, who: held }).from(seats).leftJoin(holder, eq(holder.id, seats.holderId)).where(and(eq(seats.orgId, orgId), eq(seats.id, id)));
    return presentSeat(row!.s, row!.who);
  }
  const tagTaken = (err: unknown, tag: string | null | undefined) => {
    const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
    return code === '23505' ? new UserError(409, 'asset_tag_taken', `Asset tag ${tag} is already used by other hardware.`) : err;
  };

  const service = {
    async listHardware(orgId: string, q: { search?: string; status?: HardwareStatus; holderId?: string; limit?: number }): Promise<HardwareItem[]> {
      const where: (SQL | undefined)[] = [eq(hardware.orgId, orgId)];
      if (q.status) where.push(eq(hardware.status, q.status));
      if (q.holderId) where.push(eq(hardware.assignedTo, q.holderId));
      if (q.search) {
        const p = containing(q.search);
        where.push(or(ilike(hardware.model, p), ilike(hardware.assetTag, p), ilike(hardware.serial, p), ilike(hardware.name, p), ilike(holder.displayName, p)));
      }
      const rows = await db
        .select({ h: hardware, who: held })
        .from(hardware)
        .leftJoin(holder, eq(holder.id, hardware.assignedTo))
        .where(and(...where))
        .orderBy(asc(hardware.model), asc(hardware.id))
        .limit(q.limit ?? 200);
      return rows.map((r) => presentHardware(r.h, r.who));
    },

    async createHardware(orgId: string, input: HardwareInput, ctx: AuditContext): Promise<HardwareItem> {
      const id = await db
        .transaction(async (tx) => {
          const person = input.assignedTo ? await lockedPerson(tx, orgId, input.assignedTo, 'share') : null;
          const [row] = await tx
            .insert(hardware)
            .values({
              orgId,
              source: 'manual',
              model: input.model,
              name: input.name ?? null,
              assetTag: input.assetTag ?? null,
              serial: input.serial ?? null,
              manufacturer: input.manufacturer ?? null,
              location: input.location ?? null,
              status: person ? 'assigned' : (input.status ?? 'in_stock'),
              assignedTo: person?.id ?? null,
              assignedSince: person ? new Date() : null,
            })
            .returning();
          await appendAudit(tx, ctx, {
            orgId,
            action: 'hardware.created',
            target: { type: 'hardware', id: row!.id, label: label(row!) },
            details: { assignedTo: person ? { id: person.id, name: person.displayName } : null },
          });
          return row!.id;
        })
        .catch((err: unknown) => {
          throw tagTaken(err, input.assetTag);
        });
      return hardwareItem(orgId, id);
    },

    /** Edits details, assigns to a person (only hardware nobody holds) or moves unheld hardware between stock, repair, retired and lost. */
    async updateHardware(orgId: string, id: string, patch: Partial<HardwareInput>, ctx: AuditContext): Promise<HardwareItem> {
      await db
        .transaction(async (tx) => {
          const row = await hardwareIn(tx, orgId, id, true);
          const set: Partial<HardwareRow> = { updatedAt: new Date() };
          for (const k of ['model', 'name', 'assetTag', 'serial', 'manufacturer', 'location'] as const) if (patch[k] !== undefined) set[k] = patch[k] as never;
          let assignee: EmployeeRow | null = null;
          if (patch.assignedTo !== undefined) {
            if (patch.assignedTo === null) throw new UserError(409, 'record_return', 'To take hardware back from someone, record its return (condition and where it goes).');
            if (row.assignedTo && row.assignedTo !== patch.assignedTo) {
              const [was] = await tx.select({ name: employees.displayName }).from(employees).where(eq(employees.id, row.assignedTo));
              throw new UserError(409, 'hardware_held', `${label(row)} is held by ${was?.name ?? 'someone else'}: record its return first.`);
            }
            assignee = await lockedPerson(tx, orgId, patch.assignedTo, 'share');
            if (row.assignedTo !== assignee.id) Object.assign(set, { assignedTo: assignee.id, assignedSince: new Date(), status: 'assigned' });
          }
          if (patch.status !== undefined) {
            if (row.assignedTo && !assignee) throw new UserError(409, 'hardware_held', `${label(row)} is held by someone: record its return to change its status.`);
            if (!assignee) set.status = patch.status;
          }
          await tx.update(hardware).set(set).where(eq(hardware.id, id));
          await appendAudit(tx, ctx, {
            orgId,
            action: assignee && row.assignedTo !== assignee.id ? 'hardware.assigned' : 'hardware.updated',
            target: { type: 'hardware', id, label: label(row) },
            details: { changes: Object.keys(set).filter((k) => k !== 'updatedAt'), ...(assignee ? { assignedTo: { id: assignee.id, name: assignee.displayName } } : {}) },
          });
        })
        .catch((err: unknown) => {
          throw tagTaken(err, patch.assetTag);
        });
      return hardwareItem(orgId, id);
    },

    /** Records a return: the condition, where the device goes next and a note; the person no longer holds it. */
    async recoverHardware(orgId: string, id: string, input: { condition: ReturnCondition; nextStatus: ReturnStatus; note?: string | null }, ctx: AuditContext): Promise<HardwareReturn> {
      const ret = await db.transaction(async (tx) => {
        const row = await hardwareIn(tx, orgId, id, true);
        if (!row.assignedTo) throw new UserError(409, 'not_held', `${label(row)} is not held by anyone: there is nothing to recover.`);
        const [person] = await tx.select({ id: employees.id, name: employees.displayName }).from(employees).where(eq(employees.id, row.assignedTo));
        const [r] = await tx
          .insert(hardwareReturns)
          .values({ orgId, hardwareId: id, employeeId: row.assignedTo, condition: input.condition, nextStatus: input.nextStatus, note: input.note ?? null, recordedBy: ctx.actor.memberId, recordedByName: ctx.actor.name })
          .returning();
        await tx.update(hardware).set({ assignedTo: null, assignedSince: null, status: input.nextStatus, updatedAt: new Date() }).where(eq(hardware.id, id));
        await appendAudit(tx, ctx, {
          orgId,
          action: 'hardware.recovered',
          target: { type: 'hardware', id, label: label(row) },
          details: { from: person ? { id: person.id, name: person.name } : null, condition: input.condition, nextStatus: input.nextStatus, note: input.note ?? null },
        });
        return { r: r!, row };
      });
      return presentReturn(ret.r, ret.row);
    },

    async listSeats(orgId: string, q: { search?: string; holderId?: string; status?: SeatItem['status']; limit?: number }): Promise<SeatItem[]> {
      const where: (SQL | undefined)[] = [eq(seats.orgId, orgId)];
      if (q.status) where.push(eq(seats.status, q.status));
      if (q.holderId) where.push(eq(seats.holderId, q.holderId));
      if (q.search) {
        const p = containing(q.search);
        where.push(or(ilike(seats.product, p), ilike(seats.vendor, p), ilike(holder.displayName, p)));
      }
      const rows = await db
        .select({ s: seats, who: held })
        .from(seats)
        .leftJoin(holder, eq(holder.id, seats.holderId))
        .where(and(...where))
        .orderBy(asc(seats.product), asc(seats.id))
        .limit(q.limit ?? 200);
      return rows.map((r) => presentSeat(r.s, r.who));
    },

    async createSeat(orgId: string, input: SeatInput, ctx: AuditContext): Promise<SeatItem> {
      const id = await db.transaction(async (tx) => {
        const person = input.holderId ? await lockedPerson(tx, orgId, input.holderId, 'share') : null;
        const [row] = await tx
          .insert(seats)
          .values({
            orgId,
            source: 'manual',
            product: input.product,
            vendor: input.vendor,
            holderId: person?.id ?? null,
            status: person ? 'assigned' : 'free',
            assignedSince: person ? new Date() : null,
            costCents: input.costCents ?? null,
            currency: input.currency ?? 'USD',
          })
          .returning();
        await appendAudit(tx, ctx, {
          orgId,
          action: 'seat.created',
          target: { type: 'seat', id: row!.id, label: `${row!.vendor} ${row!.product}` },
          details: { holder: person ? { id: person.id, name: person.displayName } : null },
        });
        return row!.id;
      });
      return seatItem(orgId, id);
    },

    /** Gives a free seat (entered by hand) to a person. Microsoft 365 licences are assigned in the tenant, and come with the sync. */
    async assignSeat(orgId: string, id: string, holderId: string, ctx: AuditContext): Promise<SeatItem> {
      await db.transaction(async (tx) => {
        const seat = await seatIn(tx, orgId, id);
        if (seat.source === 'm365') throw new UserError(409, 'seat_from_sync', 'Microsoft 365 licences are assigned in the tenant; the next sync brings them here.');
        if (seat.holderId === holderId) return;
        if (seat.status !== 'free') throw new UserError(409, 'seat_held', `This ${seat.product} seat is held by someone: revoke it first.`);
        const person = await lockedPerson(tx, orgId, holderId, 'share');
        await tx.update(seats).set({ holderId: person.id, status: 'assigned', assignedSince: new Date(), updatedAt: new Date() }).where(eq(seats.id, id));
        await appendAudit(tx, ctx, { orgId, action: 'seat.assigned', target: { type: 'seat', id, label: `${seat.vendor} ${seat.product}` }, details: { holder: { id: person.id, name: person.displayName } } });
      });
      return seatItem(orgId, id);
    },

    /**
     * Frees a seat. A seat entered by hand is freed at once. A Microsoft 365 licence is removed in
     * the tenant by an offboarding run of the Remove licences task (which removes every licence the
     * person holds, so all their Microsoft 365 seats are marked); the seats are freed when it succeeds.
     */
    async revokeSeat(orgId: string, id: string, ctx: AuditContext): Promise<{ seat: SeatItem; run: { id: string; state: string } | null }> {
      const [current] = await db.select().from(seats).where(and(eq(seats.orgId, orgId), eq(seats.id, id)));
      if (!current) throw new UserError(404, 'not_found', 'That seat was not found.');
      if (current.status === 'free' || !current.holderId) throw new UserError(409, 'seat_free', `This ${current.product} seat is not held by anyone.`);
      if (current.status === 'revoking') throw new UserError(409, 'seat_revoking', `This ${current.product} seat is already being revoked (offboarding run ${current.revokeRunId?.slice(0, 8)}).`);
      if (current.source === 'manual') {
        await db.transaction(async (tx) => {
          const seat = await seatIn(tx, orgId, id);
          if (seat.status !== 'assigned') throw new UserError(409, 'seat_free', `This ${seat.product} seat is not held by anyone.`);
          const [person] = await tx.select({ id: employees.id, name: employees.displayName }).from(employees).where(eq(employees.id, seat.holderId!));
          await tx.update(seats).set({ holderId: null, status: 'free', assignedSince: null, updatedAt: new Date() }).where(eq(seats.id, id));
          await appendAudit(tx, ctx, { orgId, action: 'seat.revoked', target: { type: 'seat', id, label: `${seat.vendor} ${seat.product}` }, details: { from: person ?? null } });
        });
        return { seat: await seatItem(orgId, id), run: null };
      }
      // The run is made first (it refuses when the person already has one under way); its own audit entry records it.
      const run = await deps.runs.create(orgId, { employeeId: current.holderId, steps: [{ task: 'remove_licences', options: {} }], when: { kind: 'now' } }, ctx);
      await db.transaction(async (tx) => {
        await tx
          .update(seats)
          .set({ status: 'revoking', revokeRunId: run.id, updatedAt: new Date() })
          .where(and(eq(seats.orgId, orgId), eq(seats.holderId, current.holderId!), eq(seats.source, 'm365'), eq(seats.status, 'assigned')));
        await appendAudit(tx, ctx, {
          orgId,
          action: 'seat.revoke_requested',
          target: { type: 'seat', id, label: `${current.vendor} ${current.product}` },
          details: { runId: run.id, runState: run.state },
        });
      });
      return { seat: await seatItem(orgId, id), run: { id: run.id, state: run.state } };
    },

    /**
     * After a run ends: if it removed the person's licences, their Microsoft 365 seats are free;
     * seats it was revoking that are still held go back to assigned (the run failed or was stopped).
     */
    async afterRun(runId: string): Promise<void> {
      const [run] = await db.select({ id: offboardingRuns.id, orgId: offboardingRuns.orgId, employeeId: offboardingRuns.employeeId, state: offboardingRuns.state }).from(offboardingRuns).where(eq(offboardingRuns.id, runId));
      if (!run?.employeeId) return;
      const [removed] = await db
        .select({ id: offboardingSteps.id })
        .from(offboardingSteps)
        .where(and(eq(offboardingSteps.runId, runId), eq(offboardingSteps.task, 'remove_licences'), eq(offboardingSteps.phase, 'do'), eq(offboardingSteps.state, 'succeeded')))
        .limit(1);
      if (removed && run.state !== 'undone' && run.state !== 'undoing') {
        await db
          .update(seats)
          .set({ status: 'free', holderId: null, assignedSince: null, revokeRunId: null, updatedAt: new Date() })
          .where(and(eq(seats.orgId, run.orgId), eq(seats.holderId, run.employeeId), eq(seats.source, 'm365'), ne(seats.status, 'free')));
      }
      await db.update(seats).set({ status: 'assigned', revokeRunId: null, updatedAt: new Date() }).where(and(eq(seats.revokeRunId, runId), eq(seats.status, 'revoking')));
    },

    async listRequests(orgId: string, q: { employeeId?: string; status?: RequestStatus; open?: boolean; limit?: number }): Promise<AssetRequestItem[]> {
      const rows = await db
        .select()
        .from(assetRequests)
        .where(
          and(
            eq(assetRequests.orgId, orgId),
            q.employeeId ? eq(assetRequests.employeeId, q.employeeId) : undefined,
            q.status ? eq(assetRequests.status, q.status) : undefined,
            q.open ? inArray(assetRequests.status, [...OPEN_REQUEST_STATUSES]) : undefined,
          ),
        )
        .orderBy(desc(assetRequests.createdAt))
        .limit(q.limit ?? 200);
      return rows.map(presentRequest);
    },

    async createRequest(orgId: string, input: { employeeId: string; what: string }, ctx: AuditContext): Promise<AssetRequestItem> {
      return db.transaction(async (tx) => {
        const person = await lockedPerson(tx, orgId, input.employeeId, 'share');
        const [row] = await tx.insert(assetRequests).values({ orgId, employeeId: person.id, what: input.what, requestedBy: ctx.actor.memberId, requestedByName: ctx.actor.name }).returning();
        await appendAudit(tx, ctx, { orgId, action: 'request.created', target: { type: 'request', id: row!.id, label: input.what }, details: { for: { id: person.id, name: person.displayName } } });
        return presentRequest(row!);
      });
    },

    /** Approves an open request, or closes it (fulfilled, rejected, cancelled) with a resolution. */
    async updateRequest(orgId: string, id: string, input: { status: Exclude<RequestStatus, 'pending'>; resolution?: string | null }, ctx: AuditContext): Promise<AssetRequestItem> {
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(assetRequests).where(and(eq(assetRequests.orgId, orgId), eq(assetRequests.id, id))).for('update');
        if (!row) throw new UserError(404, 'not_found', 'That request was not found.');
        if ((CLOSED_REQUEST_STATUSES as readonly string[]).includes(row.status)) throw new UserError(409, 'request_closed', `This request is already ${row.status}.`);
        const closing = (CLOSED_REQUEST_STATUSES as readonly string[]).includes(input.status);
        if (closing && !input.resolution?.trim()) throw new UserError(400, 'invalid_request', 'resolution: say how the request was resolved.', { resolution: ['required to close a request'] });
        if (input.status === 'approved' && row.status === 'approved') return presentRequest(row);
        const [updated] = await tx
          .update(assetRequests)
          .set(closing ? { status: input.status, resolution: input.resolution!.trim(), resolvedAt: new Date(), resolvedByName: ctx.actor.name } : { status: input.status })
          .where(eq(assetRequests.id, id))
          .returning();
        await appendAudit(tx, ctx, { orgId, action: closing ? 'request.closed' : 'request.approved', target: { type: 'request', id, label: row.what }, details: { status: input.status, resolution: input.resolution ?? null } });
        return presentRequest(updated!);
      });
    },

    /** The returns recorded for a person, newest first. */
    async returnsOf(orgId: string, employeeId: string): Promise<HardwareReturn[]> {
      const rows = await db
        .select({ r: hardwareReturns, h: hardware })
        .from(hardwareReturns)
        .innerJoin(hardware, eq(hardware.id, hardwareReturns.hardwareId))
        .where(and(eq(hardwareReturns.orgId, orgId), eq(hardwareReturns.employeeId, employeeId)))
        .orderBy(desc(hardwareReturns.at))
        .limit(100);
      return rows.map((x) => presentReturn(x.r, x.h));
    },
  };
  return service;
}

export function presentReturn(r: typeof hardwareReturns.$inferSelect, h: HardwareRow): HardwareReturn {
  return {
    id: r.id,
    hardwareId: r.hardwareId,
    model: h.model,
    assetTag: h.assetTag,
    serial: h.serial,
    condition: r.condition,
    nextStatus: r.nextStatus,
    note: r.note,
    recordedByName: r.recordedByName,
    at: r.at.toISOString(),
  };
}

export type AssetsService = ReturnType<typeof createAssetsService>;
