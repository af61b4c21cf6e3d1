import express, { type Request, type Response } from 'express';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { ApiRoutes } from '../http/api-router.js';
import { uuidParam } from '../http/params.js';
import { UserError } from '../errors.js';
import { auditContext } from '../orgs/auth.middleware.js';
import { renderCompliancePdf } from '../reports/compliance-pdf.js';
import { RUN_STATES, type PlanStep, type When } from './contract.js';
import { planInput } from './plan.js';
import type { RunEvents } from './events.js';
import type { RunsService } from './runs.service.js';

const whenSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('now') }),
  z.object({ kind: z.literal('at'), at: z.string().trim().min(1).max(40), timeZone: z.string().trim().min(1).max(64) }),
]);
const steps = planInput.optional();
const employeeId = z.uuid({ message: 'must be the id of a synced employee' });

const runParam = (req: Request) => uuidParam(req, 'runId');
const orgOf = (req: Request) => req.member!.orgId;

/** How often the live stream checks the database for changes another replica made. */
const STREAM_CHECK_MS = 1_000;

/** Offboarding: the catalogue, settings and templates, previews and runs. */
export function registerOffboardingRoutes(api: ApiRoutes, deps: { runs: RunsService; events: RunEvents }): void {
  const { runs } = deps;
  const base = '/orgs/:orgId/offboarding';

  api.get(`${base}/tasks`, 'offboarding.read', () => runs.tasks());
  api.get(`${base}/settings`, 'settings.read', (req) => runs.settings(orgOf(req)));
  api.put(`${base}/settings`, 'settings.manage', (req) => {
    const body = z.object({ requireApproval: z.boolean(), allowApproveOwn: z.boolean(), proposeFromLeaveDate: z.boolean() }).strict().parse(req.body);
    return runs.updateSettings(orgOf(req), body, auditContext(req));
  });
  api.get('/orgs/:orgId/tenants/:tenantId/template', 'offboarding.read', (req) => runs.template(orgOf(req), uuidParam(req, 'tenantId')));
  api.delete('/orgs/:orgId/tenants/:tenantId/template', 'settings.manage', (req) => runs.resetTemplate(orgOf(req), uuidParam(req, 'tenantId'), auditContext(req)));
  api.put('/orgs/:orgId/tenants/:tenantId/template', 'settings.manage', (req) => {
    const body = z.object({ steps: planInput }).parse(req.body);
    return runs.updateTemplate(orgOf(req), uuidParam(req, 'tenantId'), body.steps as PlanStep[], auditContext(req));
  });

  api.post(`${base}/preview`, 'offboarding.trigger', (req) => {
    const body = z.object({ employeeId, steps }).parse(req.body);
    return runs.preview(orgOf(req), body as { employeeId: string; steps?: PlanStep[] });
  });

  api.post(`${base}/runs`, 'offboarding.trigger', async (req, res) => {
    const body = z.object({ employeeId, steps, when: whenSchema.default({ kind: 'now' }) }).parse(req.body);
    res.status(201).json(await runs.create(orgOf(req), body as { employeeId: string; steps?: PlanStep[]; when: When }, auditContext(req)));
  });
  api.post(
    `${base}/runs/bulk`,
    'offboarding.trigger',
    async (req, res) => {
      const body = z
        .object({ employeeIds: z.array(z.string().trim().max(100)).max(1000).optional(), upns: z.array(z.string().trim().max(320)).max(1000).optional(), steps, when: whenSchema.default({ kind: 'now' }) })
        .refine((b) => b.employeeIds || b.upns, { message: 'give employeeIds or upns', path: ['employeeIds'] })
        .parse(req.body);
      res.status(201).json(await runs.bulk(orgOf(req), body as Parameters<RunsService['bulk']>[1], auditContext(req)));
    },
    { destructive: true },
  );
  api.post(
    `${base}/runs/bulk.csv`,
    'offboarding.trigger',
    async (req, res) => {
      if (typeof req.body !== 'string' || !req.body.trim()) throw new UserError(400, 'empty_csv', 'Send the CSV as the body (Content-Type: text/csv): a userPrincipalName column, or one UPN per line.');
      const q = z.object({ at: z.string().optional(), timeZone: z.string().optional() }).parse(req.query);
      const when: When = q.at ? { kind: 'at', at: q.at, timeZone: q.timeZone ?? 'UTC' } : { kind: 'now' };
      const rows = upnsFromCsv(req.body);
      res.status(201).json(await runs.bulk(orgOf(req), { upns: rows.map((r) => r.value), lines: rows.map((r) => r.line), when }, auditContext(req)));
    },
    { destructive: true, before: [express.text({ type: ['text/csv', 'text/plain'], limit: '1mb' })] },
  );

  api.get(`${base}/runs`, 'offboarding.read', (req) => {
    const q = z
      .object({
        state: z.enum(RUN_STATES).optional(),
        search: z.string().trim().max(100).optional(),
        from: z.coerce.date().optional(),
        to: z.coerce.date().optional(),
        bulkId: z.uuid().optional(),
        employeeId: z.uuid().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      })
      .parse(req.query);
    return runs.list(orgOf(req), q);
  });
  api.get(`${base}/runs/:runId`, 'offboarding.read', (req) => runs.get(orgOf(req), runParam(req), auditContext(req)));
  api.get(`${base}/runs/:runId/events`, 'offboarding.read', (req, res) => stream(req, res, deps));
  api.get(`${base}/runs/:runId/report.pdf`, 'offboarding.read', async (req, res) => {
    const data = await runs.reportData(orgOf(req), runParam(req));
    const pdf = await renderCompliancePdf(data);
    const name = `offboarding-${data.run.person.userPrincipalName.replace(/[^A-Za-z0-9._-]/g, '_')}-${data.run.id.slice(0, 8)}.pdf`;
    res.status(200).set({ 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' }).send(pdf);
  });

  api.post(`${base}/runs/:runId/approve`, 'offboarding.approve', (req) => runs.approve(orgOf(req), runParam(req), auditContext(req)));
  api.post(`${base}/runs/:runId/reject`, 'offboarding.approve', (req) => {
    const { reason } = z.object({ reason: z.string().trim().min(1, 'say why (the requester reads it)').max(1000) }).parse(req.body);
    return runs.reject(orgOf(req), runParam(req), reason, auditContext(req));
  });
  api.post(`${base}/runs/:runId/reschedule`, 'offboarding.trigger', (req) => {
    const { when } = z.object({ when: whenSchema }).parse(req.body);
    return runs.reschedule(orgOf(req), runParam(req), when as When, auditContext(req));
  });
  api.post(`${base}/runs/:runId/cancel`, 'offboarding.trigger', (req) => runs.cancel(orgOf(req), runParam(req), auditContext(req)), { destructive: true });
  api.post(
    `${base}/runs/:runId/retry`,
    'offboarding.trigger',
    (req) => {
      const { stepId } = z.object({ stepId: z.uuid().optional() }).parse(req.body ?? {});
      return runs.retry(orgOf(req), runParam(req), stepId ?? null, auditContext(req));
    },
    { destructive: true },
  );
  api.post(`${base}/runs/:runId/undo`, 'offboarding.approve', (req) => runs.undo(orgOf(req), runParam(req), auditContext(req)), { destructive: true });
  api.post(`${base}/runs/:runId/password`, 'offboarding.trigger', (req) => runs.revealPassword(orgOf(req), runParam(req), auditContext(req)), { destructive: true });
}

/** A CSV of people: a column named userPrincipalName / upn / email / mail, or the first column; with the file line of each. */
export function upnsFromCsv(text: string): { value: string; line: number }[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { skip_empty_lines: true, trim: true, relax_column_count: true, bom: true, info: true }) as unknown as typeof records;
  } catch (err) {
    throw new UserError(400, 'invalid_csv', `The CSV could not be read: ${(err as Error).message}`);
  }
  if (records.length === 0) throw new UserError(400, 'empty_csv', 'The CSV has no rows.');
  const header = records[0]!.record.map((h) => h.toLowerCase().replace(/[^a-z]/g, ''));
  const col = header.findIndex((h) => ['userprincipalname', 'upn', 'email', 'mail'].includes(h));
  const body = col >= 0 ? records.slice(1) : records;
  const rows = body.map((r) => ({ value: (r.record[col >= 0 ? col : 0] ?? '').trim(), line: r.info.lines }));
  if (rows.length > 1000) throw new UserError(400, 'too_many_people', `${rows.length} rows: at most 1,000 people a file.`);
  return rows;
}

/**
 * The live run: server-sent events, `event: run` with the whole run after every change. Changes
 * made in this process arrive by event; those made by another replica by a check of the row's
 * update time each second.
 */
async function stream(req: Request, res: Response, deps: { runs: RunsService; events: RunEvents }) {
  const orgId = orgOf(req);
  const runId = runParam(req);
  const ctx = auditContext(req);
  let run = await deps.runs.get(orgId, runId, ctx);
  res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  let version = await deps.runs.version(orgId, runId);
  let sending = false;
  let again = false;
  const send = async () => {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    try {
      do {
        again = false;
        version = await deps.runs.version(orgId, runId);
        run = await deps.runs.get(orgId, runId, ctx);
        res.write(`event: run\ndata: ${JSON.stringify(run)}\n\n`);
      } while (again);
    } catch {
      // the next check tries again
    } finally {
      sending = false;
    }
  };
  res.write(`retry: 2000\nevent: run\ndata: ${JSON.stringify(run)}\n\n`);
  const off = deps.events.on((e) => {
    if (e.runId === runId) void send();
  });
  const check = setInterval(() => {
    void deps.runs
      .version(orgId, runId)
      .then((v) => {
        if (v !== version) return send();
        res.write(': keep-alive\n\n');
      })
      .catch(() => undefined);
  }, STREAM_CHECK_MS);
  await new Promise<void>((resolve) => req.on('close', () => resolve()));
  off();
  clearInterval(check);
}
