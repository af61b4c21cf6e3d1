import type { SimGroup } from '../tenant/model.js';
import type { TenantStore } from '../tenant/store.js';
import { ON_PREMISES_MASTERED, referencedId } from './common.js';
import { GROUP_SHAPE } from './directory-shapes.js';
import { countOf, entity, list } from './odata.js';
import { GROUP_READ, MEMBER_WRITE } from './perms.js';
import { badRequest, GraphError, noContent, notFound, type GraphContext, type Route } from './types.js';
import { directoryObjects } from './users.js';

/** /groups: list and read groups, members, owners; add and remove members by reference. */

export function readGroup(ctx: GraphContext, id = ctx.params.id!): SimGroup {
  const g = ctx.store.group(id);
  if (!g) throw notFound(id);
  return g;
}

/**
 * Whether Graph may change this group's members, with the error Microsoft Graph returns
 * when it may not: dynamic rules own their members; distribution lists and mail-enabled
 * security groups are Exchange's; on-premises groups are Active Directory's.
 */
export function checkMembersWritable(store: TenantStore, g: SimGroup): void {
  if (g.onPremisesSyncEnabled) throw badRequest(ON_PREMISES_MASTERED);
  if (store.isDynamic(g)) throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  if (g.mailEnabled && !g.groupTypes.includes('Unified')) throw badRequest('Cannot Update a mail-enabled security groups and or distribution list.');
}

const membersOf = (ctx: GraphContext) => ctx.store.visibleMemberIds(readGroup(ctx).id);

export const groupRoutes: Route[] = [
  {
    method: 'GET',
    path: '/groups',
    perms: GROUP_READ,
    handle: (ctx) =>
      list(ctx, {
        fragment: 'groups',
        shape: GROUP_SHAPE,
        items: ctx.store.groupOrder,
        view: (g) => ctx.store.group(g.id),
        byKey: [{ prop: 'id', find: (id) => ctx.store.groups.get(id) }],
        page: { default: 100, max: 999 },
        directory: true,
      }),
  },
  { method: 'GET', path: '/groups/$count', perms: GROUP_READ, handle: (ctx) => countOf(ctx, ctx.store.groupOrder, (g) => !g.deletedDateTime) },
  { method: 'GET', path: '/groups/{id}', perms: GROUP_READ, handle: (ctx) => entity(ctx, 'groups', GROUP_SHAPE, readGroup(ctx)) },
  { method: 'GET', path: '/groups/{id}/members', perms: GROUP_READ, cost: 3, handle: (ctx) => directoryObjects(ctx, 'directoryObjects', membersOf(ctx)) },
  { method: 'GET', path: '/groups/{id}/members/microsoft.graph.user', perms: GROUP_READ, cost: 3, handle: (ctx) => directoryObjects(ctx, 'users', membersOf(ctx).filter((id) => ctx.store.user(id))) },
  { method: 'GET', path: '/groups/{id}/members/$count', perms: GROUP_READ, handle: (ctx) => countOf(ctx, membersOf(ctx), () => true) },
  { method: 'GET', path: '/groups/{id}/transitiveMembers', perms: GROUP_READ, cost: 5, handle: (ctx) => directoryObjects(ctx, 'directoryObjects', ctx.store.transitiveMembers(readGroup(ctx).id)) },
  {
    method: 'GET',
    path: '/groups/{id}/transitiveMembers/microsoft.graph.user',
    perms: GROUP_READ,
    cost: 5,
    handle: (ctx) => directoryObjects(ctx, 'users', ctx.store.transitiveMembers(readGroup(ctx).id).filter((id) => ctx.store.user(id))),
  },
  { method: 'GET', path: '/groups/{id}/owners', perms: GROUP_READ, handle: (ctx) => directoryObjects(ctx, 'directoryObjects', [...readGroup(ctx).owners]) },
  {
    method: 'POST',
    path: '/groups/{id}/members/$ref',
    perms: MEMBER_WRITE,
    handle: (ctx) => {
      const g = readGroup(ctx);
      const memberId = referencedId(ctx.req.body);
      if (!ctx.store.user(memberId) && !ctx.store.group(memberId)) throw notFound(memberId);
      checkMembersWritable(ctx.store, g);
      if (g.members.has(memberId)) throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
      ctx.store.addMember(g.id, memberId);
      return noContent();
    },
  },
  {
    method: 'DELETE',
    path: '/groups/{id}/members/{memberId}/$ref',
    perms: MEMBER_WRITE,
    handle: (ctx) => {
      const g = readGroup(ctx);
      const memberId = ctx.params.memberId!;
      checkMembersWritable(ctx.store, g);
      if (!g.members.has(memberId)) throw notFound(memberId);
      ctx.store.removeMember(g.id, memberId);
      return noContent();
    },
  },
];
