import type { SimGroup } from '../tenant/model.js';
import { readUser } from './common.js';
import { entity, list, project, type Shape } from './odata.js';
import { TEAM_MEMBER_READ, TEAM_MEMBER_WRITE, TEAM_READ } from './perms.js';
import { badRequest, GraphError, ok, noContent, type GraphContext, type Route } from './types.js';

/**
 * Microsoft Teams: a team is a Microsoft 365 group provisioned with a team; its members are the
 * group's members and its owners the group's owners (what Teams shows, one state).
 */

const isTeam = (g: SimGroup) => g.resourceProvisioningOptions.includes('Team') && !g.deletedDateTime;

const TEAM_SHAPE: Shape<SimGroup> = {
  type: 'microsoft.graph.team',
  props: {
    id: (g) => g.id,
    classification: () => null,
    createdDateTime: (g) => g.createdDateTime,
    description: (g) => g.description,
    displayName: (g) => g.displayName,
    firstChannelName: () => null,
    internalId: (g) => `19:${g.id.replace(/-/g, '')}@thread.tacv2`,
    isArchived: () => false,
    specialization: () => 'none',
    tenantId: (_g, s) => s.store.tenant.id,
    visibility: (g) => (g.visibility ?? 'Private').toLowerCase(),
    webUrl: (g, s) => `https://teams.microsoft.com/l/team/19%3a${g.id.replace(/-/g, '')}%40thread.tacv2/conversations?groupId=${g.id}&tenantId=${s.store.tenant.id}`,
  },
  defaults: null,
};

interface Membership {
  team: SimGroup;
  userId: string;
}

/** Membership ids as Teams makes them: base64 of the tenant, team and user ids (URL-safe alphabet, so they fit a path). */
const membershipId = (tenantId: string, teamId: string, userId: string) =>
  Buffer.from(`0#1##${tenantId}##${teamId}##${userId}`).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

function parseMembershipId(id: string): { teamId: string; userId: string } | null {
  const parts = Buffer.from(id, 'base64').toString().split('##');
  return parts.length === 4 ? { teamId: parts[2]!, userId: parts[3]! } : null;
}

const MEMBER_SHAPE: Shape<Membership> = {
  type: 'microsoft.graph.aadUserConversationMember',
  props: {
    id: (m, s) => membershipId(s.store.tenant.id, m.team.id, m.userId),
    roles: (m) => (m.team.owners.has(m.userId) ? ['owner'] : []),
    displayName: (m, s) => s.store.user(m.userId)?.displayName ?? null,
    visibleHistoryStartDateTime: () => '0001-01-01T00:00:00Z',
    userId: (m) => m.userId,
    email: (m, s) => s.store.user(m.userId)?.mail ?? null,
    tenantId: (_m, s) => s.store.tenant.id,
  },
  defaults: null,
};

function readTeam(ctx: GraphContext): SimGroup {
  const g = ctx.store.group(ctx.params.teamId!);
  if (!g || !isTeam(g)) throw new GraphError(404, 'NotFound', `No team found with Group Id ${ctx.params.teamId}`);
  return g;
}

const teamService = { service: 'teams' as const };

export const teamRoutes: Route[] = [
  {
    ...teamService,
    method: 'GET',
    path: '/users/{id}/joinedTeams',
    perms: TEAM_READ,
    handle: (ctx) => {
      const u = readUser(ctx);
      const teams = ctx.store.memberOf(u.id).map((id) => ctx.store.group(id)!).filter(isTeam);
      return list(ctx, { fragment: 'teams', shape: TEAM_SHAPE, items: teams, page: { default: 1000, max: 1000 } });
    },
  },
  { ...teamService, method: 'GET', path: '/teams/{teamId}', perms: TEAM_READ, handle: (ctx) => entity(ctx, 'teams', TEAM_SHAPE, readTeam(ctx)) },
  {
    ...teamService,
    method: 'GET',
    path: '/teams/{teamId}/members',
    perms: TEAM_MEMBER_READ,
    handle: (ctx) => {
      const team = readTeam(ctx);
      const members = ctx.store.memberIds(team.id).filter((id) => ctx.store.user(id)).map((userId) => ({ team, userId }));
      return list(ctx, { fragment: `teams('${team.id}')/members`, shape: MEMBER_SHAPE, items: members, page: { default: 100_000, max: 100_000 }, typed: true });
    },
  },
  {
    ...teamService,
    method: 'POST',
    path: '/teams/{teamId}/members',
    perms: TEAM_MEMBER_WRITE,
    handle: (ctx) => {
      const team = readTeam(ctx);
      const b = (ctx.req.body ?? {}) as Record<string, unknown>;
      const bind = String(b['user@odata.bind'] ?? '');
      const userId = bind.match(/users(?:\('|\/)([^')/]+)/)?.[1];
      const user = userId ? ctx.store.user(decodeURIComponent(userId)) : undefined;
      if (b['@odata.type'] !== '#microsoft.graph.aadUserConversationMember' || !user) throw badRequest('Invalid member: user@odata.bind must name a user.', 'BadRequest');
      if (!team.members.has(user.id)) ctx.store.addMember(team.id, user.id);
      if (Array.isArray(b.roles) && b.roles.includes('owner') && !team.owners.has(user.id)) ctx.store.addOwner(team.id, user.id);
      return ok({ '@odata.context': `${ctx.base}/$metadata#teams('${team.id}')/members/$entity`, '@odata.type': '#microsoft.graph.aadUserConversationMember', ...project(MEMBER_SHAPE, { team, userId: user.id }, null, { store: ctx.store, ctx }) }, 201);
    },
  },
  {
    ...teamService,
    method: 'DELETE',
    path: '/teams/{teamId}/members/{membershipId}',
    perms: TEAM_MEMBER_WRITE,
    handle: (ctx) => {
      const team = readTeam(ctx);
      const parsed = parseMembershipId(ctx.params.membershipId!);
      if (!parsed || parsed.teamId !== team.id || !team.members.has(parsed.userId)) {
        throw new GraphError(404, 'NotFound', `Could not find member '${ctx.params.membershipId}' in team '${team.id}'.`);
      }
      ctx.store.removeMember(team.id, parsed.userId);
      if (team.owners.has(parsed.userId)) ctx.store.removeOwner(team.id, parsed.userId);
      return noContent();
    },
  },
];
