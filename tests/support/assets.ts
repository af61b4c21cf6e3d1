import type { Offramp } from '../../server/main.js';
import type { Checklist } from '../../server/assets/contract.js';
import { json } from './json.js';
import type { TestOrg } from './orgs.js';

/** Asks for a sync of the tenant and waits for it to finish (a new one, not the last). */
export async function syncNow(org: TestOrg, tenantRef: string): Promise<void> {
  const url = `/api/v1/orgs/${org.id}/tenants/${tenantRef}`;
  const before = (await json(await org.as.admin.fetch(url))).sync.finishedAt;
  const res = await org.as.admin.fetch(`${url}/sync`, { method: 'POST', json: {} });
  if (res.status >= 300) throw new Error(`sync refused: ${res.status} ${await res.text()}`);
  for (let i = 0; i < 600; i++) {
    const t = await json(await org.as.admin.fetch(url));
    if (t.sync.state === 'succeeded' && t.sync.finishedAt !== before) return;
    if (t.sync.state === 'failed') throw new Error(`sync failed: ${t.sync.error}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the sync did not finish');
}

/**
 * Leaves a person with nothing open, through the API: hardware returned, hand-entered seats
 * revoked, requests cancelled; their licences removed in the simulated tenant (as a Remove
 * licences run would), then a sync. Afterwards the checklist allows completing.
 */
export async function clearChecklist(app: Offramp, org: TestOrg, tenantRef: string, employeeId: string): Promise<void> {
  const base = `/api/v1/orgs/${org.id}`;
  const ok = async (res: Response) => {
    if (res.status >= 300) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  };
  const c: Checklist = await json(await org.as.manager.fetch(`${base}/people/${employeeId}/checklist`));
  for (const h of c.hardware) await ok(await org.as.manager.fetch(`${base}/hardware/${h.id}/recover`, { method: 'POST', json: { condition: 'good', nextStatus: 'in_stock' } }));
  for (const s of c.seats.filter((x) => x.source === 'manual')) await ok(await org.as.manager.fetch(`${base}/seats/${s.id}/revoke`, { method: 'POST', json: {} }));
  for (const r of c.requests) await ok(await org.as.manager.fetch(`${base}/requests/${r.id}`, { method: 'PATCH', json: { status: 'cancelled', resolution: 'not needed' } }));
  const sim = app.simulator!;
  const { rows } = await app.store.pool.query('SELECT object_id FROM employees WHERE id = $1', [employeeId]);
  const u = sim.findUser(rows[0].object_id)!;
  for (const l of sim.state.licenceStates(u)) {
    if (l.assignedByGroup) sim.admin.removeGroupMember(l.assignedByGroup, u.id);
    else sim.admin.removeLicence(u.id, l.skuId);
  }
  await syncNow(org, tenantRef);
}
