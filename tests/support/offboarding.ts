import type { Offramp } from '../../server/main.js';
import type { Run } from '../../server/offboarding/contract.js';
import type { Caller } from './auth.js';
import { json } from './json.js';
import type { TestOrg } from './orgs.js';

/** Connects the app's demo tenant to the organisation and waits for its first sync; returns the tenant row id. */
export async function connectDemoTenant(org: TestOrg): Promise<string> {
  const res = await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/demo`, { method: 'POST', json: {} });
  if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${await res.text()}`);
  const { id } = await json(res);
  for (let i = 0; i < 600; i++) {
    const t = await json(await org.as.admin.fetch(`/api/v1/orgs/${org.id}/tenants/${id}`));
    if (t.sync.state === 'succeeded') return id;
    if (t.sync.state === 'failed') throw new Error(`sync failed: ${t.sync.error}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the first sync did not finish');
}

/** The synced employee row id of a person, by object id or UPN. */
export async function employeeId(app: Offramp, orgId: string, key: string): Promise<string> {
  const { rows } = await app.store.pool.query('SELECT id FROM employees WHERE org_id = $1 AND (object_id::text = $2 OR lower(user_principal_name) = lower($2))', [orgId, key]);
  if (!rows[0]) throw new Error(`no employee ${key}`);
  return rows[0].id as string;
}

export const runsUrl = (orgId: string, rest = '') => `/api/v1/orgs/${orgId}/offboarding/runs${rest}`;

/** Reads the run until it reaches one of `states` (the engine runs in the app's own workers). */
export async function waitForRun(caller: Caller, orgId: string, runId: string, states: Run['state'][], timeoutMs = 60_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  let last: Run | undefined;
  while (Date.now() < deadline) {
    last = (await json(await caller.fetch(runsUrl(orgId, `/${runId}`)))) as Run;
    if (states.includes(last.state)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} stayed ${last?.state}; steps: ${JSON.stringify(last?.steps.map((s) => [s.task, s.state, s.error]))}`);
}
