import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import { UserError, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { SecretBox } from '../crypto/envelope.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { appendAudit, type AuditContext } from '../audit/audit.service.js';
import { createActions, type M365Actions } from './actions.js';
import { createTenantDirectory, type TenantDirectory } from './directory.js';
import { M365Error, M365Unavailable, type CallRecord, type TenantCredentials } from './m365.types.js';
import { consentAttempts, employees, tenants } from './m365.schema.js';
import { REQUIRED_PERMISSIONS, adminConsentUrl } from './permissions.js';
import { syncTenant, type AfterSync, type SyncDeps } from './sync.service.js';
import type { Transport } from './transport.js';

/** Connecting Microsoft 365 tenants to an organisation, their sync scope, and their syncs. */

export const SYNC_TENANT_JOB = 'm365.sync-tenant';
export const SYNC_DUE_JOB = 'm365.sync-due';

type TenantRow = typeof tenants.$inferSelect;
export type Scope = { kind: 'all' } | { kind: 'group'; groupId: string };

export interface AppRegistration {
  clientId: string;
  clientSecret: string;
  authorityHost: string;
}

export interface TenantsDeps {
  db: Db;
  box: SecretBox;
  transport: Transport;
  jobs: JobQueue;
  /** Our multi-tenant Entra app (whose credentials act in every consenting tenant). */
  app: AppRegistration;
  /** The simulated tenant, in demo mode. */
  demoTenant: { tenantId: string } | null;
  publicUrl: string;
  syncIntervalMs: number;
  log: Logger;
  /** What else a sync brings in (the assets feature: Intune hardware, licence seats). */
  afterSync?: AfterSync;
  /** The plan's limits (billing): refuses a tenant or employees beyond them. */
  limits?: { beforeConnect(orgId: string): Promise<void> } & Pick<SyncDeps, 'employeeLimit'>;
}

const CONSENT_LIFETIME_MS = 15 * 60_000;
const sealedFor = (rowId: string) => `tenant:${rowId}`;

export function createTenantsService(deps: TenantsDeps) {
  const { db } = deps;
  const log = deps.log.child({ module: 'tenants' });

  const credentialsOf = (row: TenantRow): TenantCredentials => JSON.parse(deps.box.open(row.credentials, sealedFor(row.id))) as TenantCredentials;
  const directoryOf = (row: TenantRow): TenantDirectory => createTenantDirectory(deps.transport, credentialsOf(row));

  async function rowOf(orgId: string, id: string): Promise<TenantRow> {
    const [row] = await db.select().from(tenants).where(and(eq(tenants.orgId, orgId), eq(tenants.id, id))).limit(1);
    if (!row) throw notFound('That tenant');
    return row;
  }

  async function present(row: TenantRow) {
    const [{ n }] = (await db
      .select({ n: sql<number>`count(*)::int` })
      .from(employees)
      .where(and(eq(employees.tenantRef, row.id), isNull(employees.removedAt)))) as [{ n: number }];
    const granted = row.grantedPermissions;
    const busy = row.syncState === 'queued' || row.syncState === 'running';
    return {
      id: row.id,
      tenantId: row.tenantId,
      displayName: row.displayName,
      defaultDomain: row.defaultDomain,
      demo: row.demo,
      status: row.status,
      connectedAt: row.connectedAt,
      scope: row.scopeKind === 'group' ? { kind: 'group' as const, groupId: row.scopeGroupId!, groupName: row.scopeGroupName } : { kind: 'all' as const },
      permissions: {
        granted,
        required: REQUIRED_PERMISSIONS,
        missing: REQUIRED_PERMISSIONS.map((r) => r.permission).filter((p) => !granted.includes(p)),
      },
      sync: {
        state: row.syncState,
        full: row.syncFull,
        startedAt: row.syncStartedAt,
        finishedAt: row.syncFinishedAt,
        progress: busy ? { processed: row.syncProcessed, total: row.syncTotal } : null,
        result: row.syncResult ?? null,
        error: row.syncError,
        nextRunAt:
          row.status === 'connected' && !busy ? new Date((row.syncFinishedAt ?? row.connectedAt).getTime() + deps.syncIntervalMs) : null,
      },
      employeeCount: n,
    };
  }

  /** Records a connected tenant: reads its name and domain and what Microsoft granted, seals its credentials. */
  async function connect(orgId: string, creds: TenantCredentials, demo: boolean, ctx: AuditContext): Promise<TenantRow> {
    const dir = createTenantDirectory(deps.transport, creds);
    let org, granted;
    try {
      [org, granted] = await Promise.all([dir.organization(), dir.grantedPermissions()]);
    } catch (err) {
      if (err instanceof M365Error) {
        throw new UserError(400, 'tenant_not_accessible', `Offramp could not read this tenant (${err.message}). Was admin consent granted?`);
      }
      throw err;
    }
    const [already] = await db.select({ status: tenants.status }).from(tenants).where(and(eq(tenants.orgId, orgId), eq(tenants.tenantId, creds.tenantId))).limit(1);
    // The plan's tenant limit (outside the transaction: it reads on its own connection).
    if (already?.status !== 'connected') await deps.limits?.beforeConnect(orgId);
    const row = await db.transaction(async (tx) => {
      const [existing] = await tx.select().from(tenants).where(and(eq(tenants.orgId, orgId), eq(tenants.tenantId, creds.tenantId))).limit(1);
      if (existing?.status === 'connected') {
        throw new UserError(409, 'tenant_already_connected', `${existing.displayName} is already connected to this organisation.`);
      }
      const id = existing?.id ?? randomUUID();
      const values = {
        orgId,
        tenantId: creds.tenantId,
        displayName: org.displayName,
        defaultDomain: org.defaultDomain,
        demo,
        status: 'connected' as const,
        connectedAt: new Date(),
        connectedBy: ctx.actor.memberId,
        disconnectedAt: null,
        credentials: deps.box.seal(JSON.stringify(creds), sealedFor(id)),
        grantedPermissions: granted,
        usersDeltaLink: null,
        groupDeltaLink: null,
        syncState: 'queued' as const,
        syncError: null,
      };
      const [saved] = existing
        ? await tx.update(tenants).set(values).where(eq(tenants.id, id)).returning()
        : await tx.insert(tenants).values({ id, ...values }).returning();
      await appendAudit(tx, ctx, {
        orgId,
        action: 'tenant.connected',
        target: { type: 'tenant', id, label: `${org.displayName} (${org.defaultDomain})` },
        details: { tenantId: creds.tenantId, demo, grantedPermissions: granted.length },
      });
      return saved!;
    });
    await deps.jobs.now(SYNC_TENANT_JOB, { tenantRef: row.id, full: true });
    return row;
  }

  return {
    async list(orgId: string) {
      const rows = await db.select().from(tenants).where(eq(tenants.orgId, orgId)).orderBy(tenants.connectedAt);
      return Promise.all(rows.map(present));
    },

    /**
     * The driver for one connected tenant: its operations (each call reported to `onCall`) and
     * its directory reads. A disconnected tenant is refused with a sentence people can act on.
     */
    async m365(tenantRef: string, onCall?: (call: CallRecord) => void): Promise<{ actions: M365Actions; directory: TenantDirectory; tenant: TenantRow }> {
      const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantRef)).limit(1);
      if (!row) throw notFound('That tenant');
      if (row.status !== 'connected') throw new UserError(409, 'tenant_disconnected', `${row.displayName} is disconnected: connect it again on the Tenants page.`);
      const creds = credentialsOf(row);
      return { actions: createActions(deps.transport, creds, onCall), directory: createTenantDirectory(deps.transport, creds, onCall), tenant: row };
    },

    async get(orgId: string, id: string) {
      return present(await rowOf(orgId, id));
    },

    async connectDemo(orgId: string, ctx: AuditContext) {
      if (!deps.demoTenant) throw new UserError(404, 'not_found', 'There is no demo tenant: this server is connected to Microsoft.');
      const row = await connect(
        orgId,
        { tenantId: deps.demoTenant.tenantId, clientId: deps.app.clientId, clientSecret: deps.app.clientSecret },
        true,
        ctx,
      );
      return present(row);
    },

    /**
     * Connects a tenant through the organisation's own app registration in it (as MSPs often
     * run): its client id with a secret or a certificate. Nothing is recorded unless Microsoft
     * gives that app a token and Graph answers with it.
     */
    async connectWithOwnApp(orgId: string, creds: TenantCredentials, ctx: AuditContext) {
      return present(await connect(orgId, creds, false, ctx));
    },

    /** Where to send an admin to grant Offramp's app consent in their tenant. */
    async startConsent(orgId: string, memberId: string) {
      const state = randomBytes(24).toString('base64url');
      await db.delete(consentAttempts).where(lt(consentAttempts.createdAt, new Date(Date.now() - CONSENT_LIFETIME_MS)));
      await db.insert(consentAttempts).values({ state, orgId, memberId });
      return {
        url: adminConsentUrl({ authorityHost: deps.app.authorityHost, clientId: deps.app.clientId, redirectUri: `${deps.publicUrl}/auth/consent/callback`, state }),
      };
    },

    /** Microsoft's answer to the consent: records the tenant and starts its first sync. */
    async finishConsent(query: Record<string, string | undefined>, ctxOf: (orgId: string, memberId: string) => Promise<AuditContext>) {
      const [attempt] = query.state ? await db.delete(consentAttempts).where(eq(consentAttempts.state, query.state)).returning() : [];
      if (!attempt || attempt.createdAt.getTime() < Date.now() - CONSENT_LIFETIME_MS) {
        throw new UserError(400, 'consent_expired', 'This consent took too long or was already used. Start again from the Tenants page.');
      }
      if (query.error) throw new UserError(400, 'consent_refused', `Microsoft reports: ${query.error_description ?? query.error}`);
      if (query.admin_consent?.toLowerCase() !== 'true' || !query.tenant || !/^[0-9a-f-]{36}$/i.test(query.tenant)) {
        throw new UserError(400, 'consent_refused', 'Admin consent was not granted.');
      }
      const ctx = await ctxOf(attempt.orgId, attempt.memberId);
      const row = await connect(attempt.orgId, { tenantId: query.tenant.toLowerCase(), clientId: deps.app.clientId, clientSecret: deps.app.clientSecret }, false, ctx);
      return { orgId: attempt.orgId, id: row.id };
    },

    async disconnect(orgId: string, id: string, ctx: AuditContext) {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(tenants)
          .set({ status: 'disconnected', disconnectedAt: new Date(), usersDeltaLink: null, groupDeltaLink: null, syncState: 'never' })
          .where(and(eq(tenants.orgId, orgId), eq(tenants.id, id), eq(tenants.status, 'connected')))
          .returning();
        if (!row) throw notFound('That connected tenant');
        await appendAudit(tx, ctx, { orgId, action: 'tenant.disconnected', target: { type: 'tenant', id, label: `${row.displayName} (${row.defaultDomain})` } });
      });
    },

    async setScope(orgId: string, id: string, scope: Scope, ctx: AuditContext) {
      const row = await rowOf(orgId, id);
      if (row.status !== 'connected') throw new UserError(409, 'tenant_disconnected', 'Connect the tenant again before changing what it syncs.');
      let groupName: string | null = null;
      if (scope.kind === 'group') {
        const group = await directoryOf(row).getGroup(scope.groupId);
        if (!group) throw new UserError(400, 'group_not_found', `No group with id ${scope.groupId} exists in ${row.displayName}.`, { field: 'groupId' });
        if (!group.securityEnabled) {
          throw new UserError(400, 'not_a_security_group', `${group.displayName} is not a security group: choose a security group.`, { field: 'groupId' });
        }
        groupName = group.displayName;
      }
      await db.transaction(async (tx) => {
        await tx
          .update(tenants)
          .set({
            scopeKind: scope.kind,
            scopeGroupId: scope.kind === 'group' ? scope.groupId : null,
            scopeGroupName: groupName,
            // A new scope starts from a full read.
            usersDeltaLink: null,
            groupDeltaLink: null,
          })
          .where(eq(tenants.id, id));
        await appendAudit(tx, ctx, {
          orgId,
          action: 'tenant.scope_changed',
          target: { type: 'tenant', id, label: row.displayName },
          details: scope.kind === 'group' ? { kind: 'group', groupId: scope.groupId, groupName } : { kind: 'all' },
        });
      });
      return present(await rowOf(orgId, id));
    },

    /** Queues a sync unless one is already queued or running. */
    async requestSync(orgId: string, id: string, ctx: AuditContext | null) {
      const [row] = await db
        .update(tenants)
        .set({ syncState: 'queued', syncError: null })
        .where(and(eq(tenants.orgId, orgId), eq(tenants.id, id), eq(tenants.status, 'connected'), sql`${tenants.syncState} NOT IN ('queued', 'running')`))
        .returning();
      if (row) {
        await deps.jobs.now(SYNC_TENANT_JOB, { tenantRef: id, full: false });
        if (ctx) await db.transaction((tx) => appendAudit(tx, ctx, { orgId, action: 'tenant.sync_requested', target: { type: 'tenant', id, label: row.displayName } }));
      } else {
        const existing = await rowOf(orgId, id);
        if (existing.status !== 'connected') throw new UserError(409, 'tenant_disconnected', 'This tenant is disconnected.');
      }
      return present(await rowOf(orgId, id));
    },

    /** The job: one sync of one tenant. A failure is recorded on the tenant for people to see. */
    async runSync(tenantRef: string, full: boolean, heartbeat?: () => Promise<void>) {
      const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantRef)).limit(1);
      if (!row || row.status !== 'connected') return;
      try {
        await syncTenant({ db, log, heartbeat, afterSync: deps.afterSync, employeeLimit: deps.limits?.employeeLimit }, row, directoryOf(row), { full });
      } catch (err) {
        // What people see: Microsoft's own words, or a plain sentence for our faults (the
        // details, which may hold SQL and ids, go to the log only).
        const fromMicrosoft = err instanceof M365Error || err instanceof M365Unavailable;
        const message = fromMicrosoft
          ? `Microsoft 365: ${err.message}${err.requestId ? ` (request id ${err.requestId})` : ''}`
          : err instanceof UserError
            ? err.message // e.g. the plan's employee limit
            : 'Offramp could not finish this sync because of an internal error. It will try again at the next sync; if it keeps failing, contact support.';
        log.warn({ tenant: row.tenantId, err }, 'tenant sync failed');
        await db.update(tenants).set({ syncState: 'failed', syncFinishedAt: new Date(), syncError: message }).where(eq(tenants.id, tenantRef));
      }
    },

    /** The recurring job: queues a sync of every connected tenant whose last one is older than the interval. */
    async queueDueSyncs() {
      const due = await db
        .update(tenants)
        .set({ syncState: 'queued' })
        .where(
          and(
            eq(tenants.status, 'connected'),
            inArray(tenants.syncState, ['never', 'succeeded', 'failed']),
            sql`COALESCE(${tenants.syncFinishedAt}, ${tenants.connectedAt}) <= now() - make_interval(secs => ${deps.syncIntervalMs / 1000})`,
          ),
        )
        .returning({ id: tenants.id });
      for (const t of due) await deps.jobs.now(SYNC_TENANT_JOB, { tenantRef: t.id, full: false });
      return due.length;
    },
  };
}

export type TenantsService = ReturnType<typeof createTenantsService>;
