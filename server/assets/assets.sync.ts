import { sql } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import type { ManagedDeviceInfo } from '../m365/m365.types.js';
import type { AfterSync } from '../m365/sync.service.js';
import { seedDemoAssets } from './demo.js';
import { skuProductName } from './skus.js';

/**
 * What a tenant sync brings into the assets: its Intune managed devices become hardware (linked
 * by device id) and every licence a person holds becomes a Microsoft 365 seat.
 *
 * Offramp's own records win over a repeat of what Intune already said: a device recovered here
 * stays recovered while Intune still names the same primary user, and follows Intune again only
 * when that user changes. A device gone from Intune stays as hardware (it still exists), marked.
 */
export function createAssetsSync(db: Db, opts: { demoAssets: boolean }): AfterSync {
  return async (tenant, { devices }) => {
    await syncHardware(db, tenant.orgId, tenant.id, devices);
    await syncSeats(db, tenant.orgId, tenant.id);
    if (tenant.demo && opts.demoAssets) await seedDemoAssets(db, tenant.orgId, tenant.id);
  };
}

const CHUNK = 1000;

async function syncHardware(db: Db, orgId: string, tenantRef: string, devices: ManagedDeviceInfo[]): Promise<void> {
  for (let i = 0; i < devices.length; i += CHUNK) {
    const chunk = devices.slice(i, i + CHUNK);
    const col = <K extends keyof ManagedDeviceInfo>(k: K) => sql.param(chunk.map((d) => d[k]));
    await db.execute(sql`
      INSERT INTO hardware AS h (org_id, source, tenant_ref, intune_device_id, intune_user_object_id, name, serial, model, manufacturer, status, assigned_to, assigned_since)
      SELECT ${orgId}, 'intune', ${tenantRef}, d.id, d.user_id, d.name, d.serial, COALESCE(d.model, d.os, 'Unknown device'), d.maker,
             CASE WHEN e.id IS NULL THEN 'in_stock' ELSE 'assigned' END, e.id, CASE WHEN e.id IS NULL THEN NULL ELSE COALESCE(d.enrolled, now()) END
      FROM unnest(${col('id')}::text[], ${col('userId')}::uuid[], ${col('deviceName')}::text[], ${col('serialNumber')}::text[], ${col('model')}::text[],
                  ${col('operatingSystem')}::text[], ${col('manufacturer')}::text[], ${col('enrolledDateTime')}::timestamptz[])
           AS d(id, user_id, name, serial, model, os, maker, enrolled)
      LEFT JOIN employees e ON e.tenant_ref = ${tenantRef} AND e.object_id = d.user_id
      ON CONFLICT (org_id, intune_device_id) WHERE intune_device_id IS NOT NULL DO UPDATE SET
        name = excluded.name, serial = excluded.serial, model = excluded.model, manufacturer = excluded.manufacturer,
        tenant_ref = excluded.tenant_ref, intune_gone_at = NULL, intune_user_object_id = excluded.intune_user_object_id,
        assigned_to = CASE WHEN h.intune_user_object_id IS DISTINCT FROM excluded.intune_user_object_id THEN excluded.assigned_to ELSE h.assigned_to END,
        assigned_since = CASE WHEN h.intune_user_object_id IS DISTINCT FROM excluded.intune_user_object_id THEN now() ELSE h.assigned_since END,
        status = CASE WHEN h.intune_user_object_id IS DISTINCT FROM excluded.intune_user_object_id THEN excluded.status ELSE h.status END,
        updated_at = now()
      WHERE h.intune_user_object_id IS DISTINCT FROM excluded.intune_user_object_id OR h.intune_gone_at IS NOT NULL
         OR h.name IS DISTINCT FROM excluded.name OR h.serial IS DISTINCT FROM excluded.serial OR h.model IS DISTINCT FROM excluded.model
         OR h.manufacturer IS DISTINCT FROM excluded.manufacturer OR h.tenant_ref IS DISTINCT FROM excluded.tenant_ref`);
  }
  await db.execute(sql`
    UPDATE hardware SET intune_gone_at = now(), updated_at = now()
    WHERE org_id = ${orgId} AND tenant_ref = ${tenantRef} AND source = 'intune' AND intune_gone_at IS NULL
      AND NOT (intune_device_id = ANY(${sql.param(devices.map((d) => d.id))}::text[]))`);
}

async function syncSeats(db: Db, orgId: string, tenantRef: string): Promise<void> {
  // Names are looked up here (not in SQL) so one table serves the server and the page.
  const { rows } = await db.execute<{ sku: string }>(sql`
    SELECT DISTINCT l.sku FROM employees e, jsonb_array_elements_text(e.licences) AS l(sku) WHERE e.tenant_ref = ${tenantRef}`);
  const skus = rows.map((r) => r.sku);
  await db.execute(sql`
    INSERT INTO seats AS s (org_id, source, tenant_ref, sync_key, product, vendor, holder_id, status, assigned_since)
    SELECT ${orgId}, 'm365', ${tenantRef}, e.id::text || ':' || l.sku, n.product, 'Microsoft', e.id, 'assigned', now()
    FROM employees e
    CROSS JOIN LATERAL jsonb_array_elements_text(e.licences) AS l(sku)
    JOIN unnest(${sql.param(skus)}::text[], ${sql.param(skus.map(skuProductName))}::text[]) AS n(sku, product) ON n.sku = l.sku
    WHERE e.tenant_ref = ${tenantRef} AND e.removed_at IS NULL
    ON CONFLICT (org_id, sync_key) WHERE sync_key IS NOT NULL DO UPDATE SET
      status = 'assigned', holder_id = excluded.holder_id, assigned_since = now(), revoke_run_id = NULL, updated_at = now()
    WHERE s.status = 'free'`);
  // A licence no longer held frees its seat (removed by an offboarding run, or in the tenant).
  await db.execute(sql`
    UPDATE seats s SET status = 'free', holder_id = NULL, revoke_run_id = NULL, updated_at = now()
    WHERE s.org_id = ${orgId} AND s.tenant_ref = ${tenantRef} AND s.source = 'm365' AND s.status <> 'free'
      AND NOT EXISTS (
        SELECT 1 FROM employees e
        WHERE e.id = split_part(s.sync_key, ':', 1)::uuid AND e.removed_at IS NULL AND e.licences ? split_part(s.sync_key, ':', 2))`);
}
