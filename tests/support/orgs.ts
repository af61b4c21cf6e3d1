import type { Offramp } from '../../server/main.js';
import type { Role } from '../../server/orgs/orgs.schema.js';
import { demoUser, withSso, type Caller } from './auth.js';
import { json } from './json.js';

export interface TestOrg {
  id: string;
  owner: Caller;
  /** Callers by role, each a member who joined through an invitation. */
  as: Record<Role, Caller>;
  memberIds: Record<Role, string>;
}

/** Makes an organisation through the API (as its first person would) and fills each role by invitation. */
export async function makeOrg(app: Offramp, name: string, firstUserIndex: number): Promise<TestOrg> {
  const owner = await withSso(app, demoUser(app, firstUserIndex));
  const created = await owner.fetch('/api/v1/orgs', { method: 'POST', json: { name } });
  if (created.status !== 201) throw new Error(`could not create ${name}: ${created.status} ${await created.text()}`);
  const { id } = await json(created);
  const as = { owner } as Record<Role, Caller>;
  let i = firstUserIndex + 1;
  for (const role of ['admin', 'manager', 'viewer'] as const) {
    const person = demoUser(app, i++);
    as[role] = await joinByInvite(app, owner, id, person.mail, role, i - 1);
  }
  const members = (await json(await owner.fetch(`/api/v1/orgs/${id}/members`))) as { id: string; role: Role; email: string }[];
  const memberIds = Object.fromEntries(members.map((m) => [m.role, m.id])) as Record<Role, string>;
  return { id, owner, as, memberIds };
}

export async function invite(inviter: Caller, orgId: string, email: string, role: Role): Promise<{ id: string; link: string; token: string }> {
  const res = await inviter.fetch(`/api/v1/orgs/${orgId}/invites`, { method: 'POST', json: { email, role } });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${await res.text()}`);
  const body = await json(res);
  return { id: body.id, link: body.link, token: body.link.split('/').pop() };
}

export async function joinByInvite(app: Offramp, inviter: Caller, orgId: string, email: string, role: Role, userIndex: number): Promise<Caller> {
  const { token } = await invite(inviter, orgId, email, role);
  const joiner = await withSso(app, demoUser(app, userIndex));
  const res = await joiner.fetch(`/api/v1/invites/${token}/accept`, { method: 'POST', json: {} });
  if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${await res.text()}`);
  return joiner;
}
