import type { Request } from 'express';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import type { Db } from '../db/store.js';
import type { ApiRoutes } from '../http/api-router.js';
import { allAudit, listAudit, verifyChain, type AuditFilter } from './audit.service.js';
import type { auditEvents } from './audit.schema.js';

const filterSchema = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(200).optional(),
  source: z.enum(['tab', 'bot', 'api', 'job']).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  from: z.coerce.date({ message: 'must be a date' }).optional(),
  to: z.coerce.date({ message: 'must be a date' }).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const filterOf = (req: Request) => {
  const empty = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
  return filterSchema.parse(empty);
};

type Row = typeof auditEvents.$inferSelect;

const present = (r: Row) => ({
  seq: r.seq,
  at: r.at,
  actor: r.actorName ? { name: r.actorName, role: r.actorRole, tid: r.actorTid, oid: r.actorOid } : null,
  action: r.action,
  target: r.targetType ? { type: r.targetType, id: r.targetId, label: r.targetLabel } : null,
  source: r.source,
  outcome: r.outcome,
  requestId: r.requestId,
  details: r.details,
  hash: r.hash,
});

/** The audit trail: list with filters, CSV export, chain verification. */
export function registerAuditRoutes(api: ApiRoutes, deps: { db: Db }): void {
  api.get('/orgs/:orgId/audit', 'audit.read', async (req) => {
    const { limit, ...filter } = filterOf(req);
    const page = await listAudit(deps.db, req.member!.orgId, filter as AuditFilter, limit);
    return { entries: page.entries.map(present), nextBefore: page.nextBefore };
  });

  api.get('/orgs/:orgId/audit/export.csv', 'audit.export', async (req, res) => {
    const { limit: _limit, ...filter } = filterOf(req);
    const day = new Date().toISOString().slice(0, 10);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="offramp-audit-${day}.csv"`);
    const csv = stringify({
      header: true,
      // A cell starting like a formula is shown as text by spreadsheets (CSV injection).
      cast: { string: (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v) },
      columns: ['seq', 'at', 'actor', 'actor_role', 'actor_tid', 'actor_oid', 'action', 'target_type', 'target_id', 'target', 'source', 'outcome', 'request_id', 'details', 'prev_hash', 'hash'],
    });
    csv.pipe(res);
    for await (const r of allAudit(deps.db, req.member!.orgId, filter as AuditFilter)) {
      const ok = csv.write([
        r.seq, r.at.toISOString(), r.actorName, r.actorRole, r.actorTid, r.actorOid, r.action, r.targetType, r.targetId, r.targetLabel,
        r.source, r.outcome, r.requestId, JSON.stringify(r.details), r.prevHash, r.hash,
      ]);
      if (!ok) await new Promise((resolve) => csv.once('drain', resolve));
    }
    csv.end();
    await new Promise((resolve) => res.once('finish', resolve));
  });

  api.get('/orgs/:orgId/audit/verify', 'audit.read', async (req) => verifyChain(deps.db, req.member!.orgId));
}
