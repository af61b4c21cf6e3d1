import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TenantDirectory } from './directory.js';
import type { DirectoryUser, ManagedDeviceInfo, UserChange } from './m365.types.js';
import { employees, tenants, type SyncResult } from './m365.schema.js';

/**
 * Brings a tenant's people into the employees table: the whole tenant, or the members of one
 * security group. The first sync (or one after the scope changed) reads everyone; later ones
 * read only what changed, through Graph's delta links. Progress is written as it goes.
 */

export type TenantRow = typeof tenants.$inferSelect;

const UPSERT_CHUNK = 500;
const PROGRESS_EVERY_MS = 500;

export interface SyncDeps {
  db: Db;
  log: Logger;
  /** Called as progress is written: the job extends its lock with it. */
  heartbeat?: () => Promise<void>;
  /** Called once the people are written, with the tenant's Intune devices (the assets feature links its hardware and seats). */
  afterSync?: AfterSync;
  /** The most employees the organisation may have (null: no limit), and the refusal's words for a total. */
  employeeLimit?: (orgId: string) => Promise<{ limit: number | null; refuse: (total: number) => string }>;
}

/** The sync would take the organisation past its plan's employee limit (the message says so, with the way to upgrade). */
export class PlanLimitError extends UserError {
  constructor(message: string) {
    super(402, 'plan_limit', message);
  }
}

export type AfterSync = (tenant: TenantRow, found: { devices: ManagedDeviceInfo[] }) => Promise<void>;

export async function syncTenant(deps: SyncDeps, tenant: TenantRow, dir: TenantDirectory, opts: { full?: boolean } = {}): Promise<SyncResult> {
  const { db } = deps;
  const full =
    opts.full === true || !tenant.usersDeltaLink || (tenant.scopeKind === 'group' && !tenant.groupDeltaLink);
  await db
    .update(tenants)
    .set({ syncState: 'running', syncFull: full, syncStartedAt: new Date(), syncFinishedAt: null, syncProcessed: 0, syncTotal: null, syncError: null })
    .where(eq(tenants.id, tenant.id));

  const skus = new Map((await dir.subscribedSkus()).map((s) => [s.skuId, s.skuPartNumber]));
  const counts = { added: 0, updated: 0, removed: 0 };
  let processed = 0;
  let lastProgress = 0;
  const progress = async (n: number, force = false) => {
    processed += n;
    if (force || Date.now() - lastProgress > PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      await db.update(tenants).set({ syncProcessed: processed }).where(eq(tenants.id, tenant.id));
      await deps.heartbeat?.();
    }
  };

  const cap = (await deps.employeeLimit?.(tenant.orgId)) ?? null;
  /** Others' live employees in the organisation (the plan's limit counts every tenant). */
  const elsewhere = async () =>
    (
      (await db
        .select({ n: sql<number>`count(*)::int` })
        .from(employees)
        .where(and(eq(employees.orgId, tenant.orgId), sql`${employees.tenantRef} <> ${tenant.id}`, isNull(employees.removedAt)))) as [{ n: number }]
    )[0].n;
  const refuseOver = (total: number) => {
    if (cap?.limit != null && total > cap.limit) throw new PlanLimitError(cap.refuse(total));
  };

  const upsert = async (users: DirectoryUser[], managers?: Map<string, string | null>) => {
    if (cap?.limit != null && users.length) {
      // Before writing: this tenant's live people after the chunk, plus the other tenants'.
      const ids = users.map((u) => u.id);
      const [{ known }] = (await db
        .select({ known: sql<number>`count(*)::int` })
        .from(employees)
        .where(and(eq(employees.tenantRef, tenant.id), isNull(employees.removedAt), sql`${employees.objectId} = ANY(${sql.param(ids)}::uuid[])`))) as [{ known: number }];
      const [{ live }] = (await db.select({ live: sql<number>`count(*)::int` }).from(employees).where(and(eq(employees.orgId, tenant.orgId), isNull(employees.removedAt)))) as [{ live: number }];
      refuseOver(live + users.length - known);
    }
    for (let i = 0; i < users.length; i += UPSERT_CHUNK) {
      const chunk = users.slice(i, i + UPSERT_CHUNK);
      const rows = chunk.map((u) => ({
        orgId: tenant.orgId,
        tenantRef: tenant.id,
        objectId: u.id,
        userPrincipalName: u.userPrincipalName,
        mail: u.mail,
        displayName: u.displayName,
        givenName: u.givenName,
        surname: u.surname,
        department: u.department,
        jobTitle: u.jobTitle,
        leaveDate: u.employeeLeaveDateTime ? new Date(u.employeeLeaveDateTime) : null,
        hireDate: u.employeeHireDate ? new Date(u.employeeHireDate) : null,
        accountEnabled: u.accountEnabled,
        onPremisesSynced: u.onPremisesSyncEnabled,
        licences: [...new Set(u.licenseSkuIds.map((id) => skus.get(id) ?? id))].sort(),
        managerObjectId: managers?.get(u.id) ?? null,
        removedAt: null,
        syncedAt: new Date(),
      }));
      const result = await db
        .insert(employees)
        .values(rows)
        .onConflictDoUpdate({
          target: [employees.tenantRef, employees.objectId],
          set: {
            userPrincipalName: sql`excluded.user_principal_name`,
            mail: sql`excluded.mail`,
            displayName: sql`excluded.display_name`,
            givenName: sql`excluded.given_name`,
            surname: sql`excluded.surname`,
            department: sql`excluded.department`,
            jobTitle: sql`excluded.job_title`,
            // Completing an offboarding fills an empty leave date: the tenant's empty one does not undo it.
            leaveDate: sql`CASE WHEN ${employees.status} = 'offboarded' THEN COALESCE(excluded.leave_date, ${employees.leaveDate}) ELSE excluded.leave_date END`,
            hireDate: sql`excluded.hire_date`,
            accountEnabled: sql`excluded.account_enabled`,
            onPremisesSynced: sql`excluded.on_premises_synced`,
            licences: sql`excluded.licences`,
            // A change without news of the manager keeps the one we know.
            // A manager whose offboarding was completed is no one's manager here any more (completion cleared it).
            managerObjectId: managers
              ? sql`CASE WHEN EXISTS (SELECT 1 FROM employees m WHERE m.tenant_ref = excluded.tenant_ref AND m.object_id = excluded.manager_object_id AND m.status = 'offboarded') THEN NULL ELSE excluded.manager_object_id END`
              : sql`${employees.managerObjectId}`,
            removedAt: sql`NULL`,
            syncedAt: sql`excluded.synced_at`,
          },
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      for (const r of result) if (r.inserted) counts.added++;
      counts.updated += result.length - result.filter((r) => r.inserted).length;
      await progress(chunk.length);
    }
  };

  const markRemoved = async (ids: string[]) => {
    if (ids.length === 0) return;
    const gone = await db
      .update(employees)
      .set({ removedAt: new Date() })
      .where(and(eq(employees.tenantRef, tenant.id), isNull(employees.removedAt), sql`${employees.objectId} = ANY(${sql.param(ids)}::uuid[])`))
      .returning({ id: employees.id });
    counts.removed += gone.length;
  };

  /** After a full read: whoever we knew and did not see is gone. */
  const removeUnseen = async (seen: Set<string>) => {
    const known = await db
      .select({ objectId: employees.objectId })
      .from(employees)
      .where(and(eq(employees.tenantRef, tenant.id), isNull(employees.removedAt)));
    await markRemoved(known.map((k) => k.objectId).filter((id) => !seen.has(id)));
  };

  const applyChanges = async (changes: UserChange[], inScope: (id: string) => boolean) => {
    const ups = changes.filter((c): c is Extract<UserChange, { kind: 'upsert' }> => c.kind === 'upsert' && inScope(c.user.id));
    const withManager = ups.every((c) => c.managerId !== undefined);
    await upsert(
      ups.map((c) => c.user),
      withManager ? new Map(ups.map((c) => [c.user.id, c.managerId ?? null])) : await dir.managersOf(ups.map((c) => c.user.id)),
    );
    await markRemoved(changes.filter((c) => c.kind === 'removed').map((c) => c.id));
  };

  let usersDeltaLink: string;
  let groupDeltaLink: string | null = null;

  if (tenant.scopeKind === 'all') {
    if (full) {
      const total = await dir.userCount();
      await db.update(tenants).set({ syncTotal: total }).where(eq(tenants.id, tenant.id));
      // Over the plan's limit: refused before anyone is added.
      if (total !== null) refuseOver(total + (await elsewhere()));
    }
    const seen = new Set<string>();
    usersDeltaLink = await dir.usersDelta(full ? null : tenant.usersDeltaLink, async (changes) => {
      for (const c of changes) if (c.kind === 'upsert') seen.add(c.user.id);
      await applyChanges(changes, () => true);
    });
    if (full) await removeUnseen(seen);
  } else {
    const groupId = tenant.scopeGroupId!;
    if (full) {
      const seen = new Set<string>();
      await dir.groupUsers(groupId, async (users) => {
        for (const u of users) seen.add(u.id);
        await upsert(users, await dir.managersOf(users.map((u) => u.id)));
      });
      await removeUnseen(seen);
      groupDeltaLink = (await dir.groupMembersDelta(groupId, null)).deltaLink;
      usersDeltaLink = await dir.usersDelta(null, async () => undefined, { latest: true });
    } else {
      const members = await dir.groupMembersDelta(groupId, tenant.groupDeltaLink);
      groupDeltaLink = members.deltaLink;
      const joined = await dir.usersById(members.added);
      await upsert(joined, await dir.managersOf(joined.map((u) => u.id)));
      await markRemoved(members.removed);
      const current = new Set(
        (
          await db
            .select({ objectId: employees.objectId })
            .from(employees)
            .where(and(eq(employees.tenantRef, tenant.id), isNull(employees.removedAt)))
        ).map((e) => e.objectId),
      );
      usersDeltaLink = await dir.usersDelta(tenant.usersDeltaLink, (changes) => applyChanges(changes, (id) => current.has(id)));
    }
  }

  // Devices: a recount each time (one paged read of the tenant's managed devices).
  const found = await dir.managedDevices();
  const devices = new Map<string, number>();
  for (const d of found) if (d.userId) devices.set(d.userId, (devices.get(d.userId) ?? 0) + 1);
  await db.execute(sql`
    UPDATE employees e SET devices_count = COALESCE(d.c, 0)
    FROM employees e2
    LEFT JOIN unnest(${sql.param([...devices.keys()])}::uuid[], ${sql.param([...devices.values()])}::int[]) AS d(object_id, c) ON d.object_id = e2.object_id
    WHERE e.id = e2.id AND e.tenant_ref = ${tenant.id} AND e.devices_count IS DISTINCT FROM COALESCE(d.c, 0)`);

  await deps.afterSync?.(tenant, { devices: found });

  const [{ total }] = (await db
    .select({ total: sql<number>`count(*)::int` })
    .from(employees)
    .where(and(eq(employees.tenantRef, tenant.id), isNull(employees.removedAt)))) as [{ total: number }];
  const result: SyncResult = { ...counts, total };
  await progress(0, true);
  await db
    .update(tenants)
    .set({ syncState: 'succeeded', syncFinishedAt: new Date(), syncResult: result, usersDeltaLink, groupDeltaLink })
    .where(eq(tenants.id, tenant.id));
  deps.log.info({ tenant: tenant.tenantId, full, ...result }, 'tenant synced');
  return result;
}
