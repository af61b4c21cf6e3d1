import express, { type Request } from 'express';
import { z } from 'zod';
import type { ApiRoutes } from '../http/api-router.js';
import { uuidParam } from '../http/params.js';
import { UserError } from '../errors.js';
import type { Db } from '../db/store.js';
import { auditContext } from '../orgs/auth.middleware.js';
import { importHardware, importSeats } from './assets.import.js';
import type { AssetsService } from './assets.service.js';
import { HARDWARE_STATUSES, QUEUE_WINDOWS, REQUEST_STATUSES, RETURN_CONDITIONS, RETURN_STATUSES, SEAT_STATUSES, type QueueWindow } from './contract.js';
import type { QueueService } from './queue.service.js';

const orgOf = (req: Request) => req.member!.orgId;
const optionalText = (max: number) => z.string().trim().max(max).nullish().transform((v) => (v ? v : null));
const personId = z.uuid({ message: 'must be the id of a synced person' });
const windowDays = z.coerce
  .number()
  .int()
  .refine((n): n is QueueWindow => (QUEUE_WINDOWS as readonly number[]).includes(n), { message: `must be one of ${QUEUE_WINDOWS.join(', ')} (days)` });

const hardwareFields = {
  model: z.string().trim().min(1, 'say what the hardware is (its model)').max(200),
  name: optionalText(200),
  assetTag: optionalText(100),
  serial: optionalText(100),
  manufacturer: optionalText(100),
  location: optionalText(200),
  status: z.enum(HARDWARE_STATUSES.filter((s) => s !== 'assigned') as [Exclude<(typeof HARDWARE_STATUSES)[number], 'assigned'>], { message: 'must be in_stock, in_repair, retired or lost (assign it to a person instead)' }).optional(),
};
const list = { search: z.string().trim().max(100).optional(), limit: z.coerce.number().int().min(1).max(500).default(200) };
const csvBody = (req: Request) => {
  if (typeof req.body !== 'string' || !req.body.trim()) throw new UserError(400, 'empty_csv', 'Send the CSV as the body (Content-Type: text/csv), with a header row.');
  return req.body;
};
const csvParser = express.text({ type: ['text/csv', 'text/plain'], limit: '5mb' });

/** The leaver queue, the checklist and its completion; hardware, seats and asset requests. */
export function registerAssetsRoutes(api: ApiRoutes, deps: { db: Db; assets: AssetsService; queue: QueueService }): void {
  const { assets, queue } = deps;
  const base = '/orgs/:orgId';

  api.get(`${base}/queue`, 'employees.read', async (req) => {
    const q = z.object({ days: windowDays.optional() }).parse(req.query);
    return queue.queue(orgOf(req), q.days ?? (await queue.windowOf(req.member!.id)));
  });
  api.put(`${base}/queue/preferences`, 'employees.read', async (req) => {
    const body = z.object({ windowDays }).strict().parse(req.body);
    return { windowDays: await queue.setWindow(req.member!.id, body.windowDays) };
  });

  api.get(`${base}/people/:employeeId/checklist`, 'employees.read', (req) => queue.checklist(orgOf(req), uuidParam(req, 'employeeId')));
  api.post(`${base}/people/:employeeId/complete`, 'employees.manage', (req) => queue.complete(orgOf(req), uuidParam(req, 'employeeId'), auditContext(req)), { destructive: true });

  api.get(`${base}/hardware`, 'employees.read', (req) => {
    const q = z.object({ ...list, status: z.enum(HARDWARE_STATUSES).optional(), holderId: z.uuid().optional() }).parse(req.query);
    return assets.listHardware(orgOf(req), q);
  });
  api.post(`${base}/hardware`, 'employees.manage', async (req, res) => {
    const body = z.object({ ...hardwareFields, assignedTo: personId.nullish() }).strict().parse(req.body);
    res.status(201).json(await assets.createHardware(orgOf(req), body, auditContext(req)));
  });
  api.patch(`${base}/hardware/:hardwareId`, 'employees.manage', (req) => {
    const body = z
      .object({ ...hardwareFields, model: hardwareFields.model.optional(), assignedTo: personId.nullable().optional() })
      .strict()
      .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' })
      .parse(req.body);
    return assets.updateHardware(orgOf(req), uuidParam(req, 'hardwareId'), body, auditContext(req));
  });
  api.post(`${base}/hardware/:hardwareId/recover`, 'employees.manage', (req) => {
    const body = z
      .object({
        condition: z.enum(RETURN_CONDITIONS, { message: `must be one of ${RETURN_CONDITIONS.join(', ')}` }),
        nextStatus: z.enum(RETURN_STATUSES, { message: `must be one of ${RETURN_STATUSES.join(', ')}` }),
        note: optionalText(2000),
      })
      .strict()
      .parse(req.body);
    return assets.recoverHardware(orgOf(req), uuidParam(req, 'hardwareId'), body, auditContext(req));
  });
  api.post(`${base}/hardware/import`, 'employees.manage', async (req, res) => {
    res.status(201).json(await importHardware(deps.db, orgOf(req), csvBody(req), auditContext(req)));
  }, { before: [csvParser] });

  api.get(`${base}/seats`, 'employees.read', (req) => {
    const q = z.object({ ...list, status: z.enum(SEAT_STATUSES).optional(), holderId: z.uuid().optional() }).parse(req.query);
    return assets.listSeats(orgOf(req), q);
  });
  api.post(`${base}/seats`, 'employees.manage', async (req, res) => {
    const body = z
      .object({
        product: z.string().trim().min(1, 'say which product').max(200),
        vendor: z.string().trim().min(1, 'say which vendor').max(200),
        holderId: personId.nullish(),
        costCents: z.number().int().min(0).max(100_000_000).nullish(),
        currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'must be a three-letter code such as USD').optional(),
      })
      .strict()
      .parse(req.body);
    res.status(201).json(await assets.createSeat(orgOf(req), body, auditContext(req)));
  });
  api.post(`${base}/seats/:seatId/assign`, 'employees.manage', (req) => {
    const body = z.object({ holderId: personId }).strict().parse(req.body);
    return assets.assignSeat(orgOf(req), uuidParam(req, 'seatId'), body.holderId, auditContext(req));
  });
  api.post(`${base}/seats/:seatId/revoke`, 'employees.manage', (req) => assets.revokeSeat(orgOf(req), uuidParam(req, 'seatId'), auditContext(req)), { destructive: true });
  api.post(`${base}/seats/import`, 'employees.manage', async (req, res) => {
    res.status(201).json(await importSeats(deps.db, orgOf(req), csvBody(req), auditContext(req)));
  }, { before: [csvParser] });

  api.get(`${base}/requests`, 'employees.read', (req) => {
    const q = z.object({ limit: list.limit, status: z.enum(REQUEST_STATUSES).optional(), employeeId: z.uuid().optional(), open: z.stringbool().optional() }).parse(req.query);
    return assets.listRequests(orgOf(req), q);
  });
  api.post(`${base}/requests`, 'employees.manage', async (req, res) => {
    const body = z.object({ employeeId: personId, what: z.string().trim().min(1, 'say what is requested').max(500) }).strict().parse(req.body);
    res.status(201).json(await assets.createRequest(orgOf(req), body, auditContext(req)));
  });
  api.patch(`${base}/requests/:requestId`, 'employees.manage', (req) => {
    const body = z
      .object({
        status: z.enum(['approved', 'fulfilled', 'rejected', 'cancelled'], { message: 'must be approved, fulfilled, rejected or cancelled' }),
        resolution: optionalText(2000),
      })
      .strict()
      .parse(req.body);
    return assets.updateRequest(orgOf(req), uuidParam(req, 'requestId'), body, auditContext(req));
  });
}
