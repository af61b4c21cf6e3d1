import type { Request, Response } from 'express';
import { and, asc, eq, ilike, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { containing } from '../db/like.js';
import type { Db } from '../db/store.js';
import type { ApiRoutes } from '../http/api-router.js';
import { GUID, uuidParam } from '../http/params.js';
import { UserError } from '../errors.js';
import { auditContext } from '../orgs/auth.middleware.js';
import type { AuditContext } from '../audit/audit.service.js';
import { employees } from './m365.schema.js';
import type { TenantsService } from './tenants.service.js';

const tenantParam = (req: Request) => uuidParam(req, 'tenantId');

const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('group'), groupId: z.string().trim().regex(GUID, 'must be a group object id (a GUID)') }),
]);

/** Tenants (connect, consent, scope, sync) and the synced employees. */
export function registerTenantRoutes(
  api: ApiRoutes,
  root: ApiRoutes,
  deps: { tenants: TenantsService; db: Db; consentContext: (orgId: string, memberId: string) => Promise<AuditContext> },
): void {
  const { tenants } = deps;

  api.get('/orgs/:orgId/tenants', 'tenants.read', (req) => tenants.list(req.member!.orgId));
  api.get('/orgs/:orgId/tenants/:tenantId', 'tenants.read', (req) => tenants.get(req.member!.orgId, tenantParam(req)));

  api.post('/orgs/:orgId/tenants/demo', 'tenants.manage', async (req, res) => {
    res.status(201).json(await tenants.connectDemo(req.member!.orgId, auditContext(req)));
  });

  api.post('/orgs/:orgId/tenants/consent', 'tenants.manage', (req) => tenants.startConsent(req.member!.orgId, req.member!.id));

  api.delete(
    '/orgs/:orgId/tenants/:tenantId',
    'tenants.manage',
    async (req, res) => {
      await tenants.disconnect(req.member!.orgId, tenantParam(req), auditContext(req));
      res.status(204).end();
    },
    { destructive: true },
  );

  api.put('/orgs/:orgId/tenants/:tenantId/scope', 'tenants.manage', (req) =>
    tenants.setScope(req.member!.orgId, tenantParam(req), scopeSchema.parse(req.body), auditContext(req)),
  );

  api.post('/orgs/:orgId/tenants/:tenantId/sync', 'tenants.manage', async (req, res) => {
    res.status(202).json(await tenants.requestSync(req.member!.orgId, tenantParam(req), auditContext(req)));
  });

  // Microsoft sends the admin back here after consent (no session needed: the state names who asked).
  root.get('/auth/consent/callback', 'public', async (req: Request, res: Response) => {
    try {
      const { id } = await tenants.finishConsent(req.query as Record<string, string | undefined>, deps.consentContext);
      res.redirect(302, `/tabs/tenants?connected=${id}`);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      res.redirect(302, `/tabs/tenants?consentError=${encodeURIComponent(err.message)}`);
    }
  });

  const manager = alias(employees, 'manager');
  api.get('/orgs/:orgId/employees', 'employees.read', async (req) => {
    const q = z
      .object({ search: z.string().trim().max(100).optional(), limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) })
      .parse(req.query);
    const where = and(
      eq(employees.orgId, req.member!.orgId),
      isNull(employees.removedAt),
      q.search
        ? or(
            ilike(employees.displayName, containing(q.search)),
            ilike(employees.userPrincipalName, containing(q.search)),
          )
        : undefined,
    );
    const rows = await deps.db
      .select({
        id: employees.id,
        tenantRef: employees.tenantRef,
        objectId: employees.objectId,
        userPrincipalName: employees.userPrincipalName,
        mail: employees.mail,
        displayName: employees.displayName,
        department: employees.department,
        jobTitle: employees.jobTitle,
        managerName: manager.displayName,
        leaveDate: employees.leaveDate,
        accountEnabled: employees.accountEnabled,
        licences: employees.licences,
        devicesCount: employees.devicesCount,
      })
      .from(employees)
      .leftJoin(manager, and(eq(manager.tenantRef, employees.tenantRef), eq(manager.objectId, employees.managerObjectId)))
      .where(where)
      .orderBy(asc(employees.displayName))
      .limit(q.limit)
      .offset(q.offset);
    const [{ total }] = (await deps.db.select({ total: sql<number>`count(*)::int` }).from(employees).where(where)) as [{ total: number }];
    return { employees: rows, total };
  });
}
