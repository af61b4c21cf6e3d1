import { X509Certificate, createPrivateKey } from 'node:crypto';
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
import type { TenantCredentials } from './m365.types.js';

const tenantParam = (req: Request) => uuidParam(req, 'tenantId');

const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('group'), groupId: z.string().trim().regex(GUID, 'must be a group object id (a GUID)') }),
]);

const pem = (label: string) => z.string().trim().max(20_000).regex(new RegExp(`-----BEGIN ${label}-----`), `must be a PEM (-----BEGIN ${label}-----)`);

/** A tenant reached through the organisation's own app registration: a secret or a certificate. */
const ownAppSchema = z
  .object({
    tenantId: z.string().trim().regex(GUID, 'must be the tenant id (a GUID)').transform((v) => v.toLowerCase()),
    clientId: z.string().trim().regex(GUID, 'must be the application (client) id (a GUID)'),
    clientSecret: z.string().min(8, 'must be at least 8 characters').max(1_000).optional(),
    certificatePem: pem('CERTIFICATE').optional(),
    privateKeyPem: pem('(RSA |EC )?PRIVATE KEY').optional(),
  })
  .superRefine((v, ctx) => {
    const cert = v.certificatePem !== undefined || v.privateKeyPem !== undefined;
    if (v.clientSecret && cert) ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'give a client secret or a certificate, not both' });
    if (!v.clientSecret && !cert) ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'is required unless certificatePem and privateKeyPem are given' });
    if (cert && (!v.certificatePem || !v.privateKeyPem)) {
      ctx.addIssue({ code: 'custom', path: [v.certificatePem ? 'privateKeyPem' : 'certificatePem'], message: 'is required with a certificate credential' });
    }
  })
  .transform((v, ctx): TenantCredentials => {
    if (v.clientSecret) return { tenantId: v.tenantId, clientId: v.clientId, clientSecret: v.clientSecret };
    try {
      const x509 = new X509Certificate(v.certificatePem!);
      const key = createPrivateKey(v.privateKeyPem!);
      if (!x509.checkPrivateKey(key)) {
        ctx.addIssue({ code: 'custom', path: ['privateKeyPem'], message: 'does not belong to the certificate' });
        return z.NEVER;
      }
      // MSAL wants PKCS#8 ("BEGIN PRIVATE KEY").
      const privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
      return { tenantId: v.tenantId, clientId: v.clientId, certificate: { thumbprintSha256: x509.fingerprint256.replace(/:/g, ''), privateKeyPem } };
    } catch {
      ctx.addIssue({ code: 'custom', path: ['certificatePem'], message: 'is not a readable certificate and private key' });
      return z.NEVER;
    }
  });

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

  api.post('/orgs/:orgId/tenants', 'tenants.manage', async (req, res) => {
    res.status(201).json(await tenants.connectWithOwnApp(req.member!.orgId, ownAppSchema.parse(req.body), auditContext(req)));
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
      .object({
        search: z.string().trim().max(100).optional(),
        tenantRef: z.uuid({ message: 'must be a tenant id of this organisation' }).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      })
      .parse(req.query);
    const where = and(
      eq(employees.orgId, req.member!.orgId),
      isNull(employees.removedAt),
      q.tenantRef ? eq(employees.tenantRef, q.tenantRef) : undefined,
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
