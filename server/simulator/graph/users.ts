import type { DirUser } from '../tenant/model.js';
import { ON_PREMISES_MASTERED, readUser, referencedId, writeUser } from './common.js';
import { directoryObject, GROUP_SHAPE, USER_SHAPE } from './directory-shapes.js';
import { countOf, entity, list, metadata, project, queryOptions, type ListOptions, type Shape, type ShapeContext } from './odata.js';
import { LIFECYCLE_READ, MEMBERSHIP_READ, USER_DELETE, USER_ENABLE, USER_PASSWORD, USER_READ, USER_REVOKE, USER_WRITE, LIFECYCLE_WRITE } from './perms.js';
import { patchPermissions, validateUserPatch } from './user-patch.js';
import { badRequest, noContent, notFound, ok, type GraphContext, type Route } from './types.js';

/** /users: read, update, delete, revoke sessions, manager, direct reports, memberships. */

/** Reading employeeLeaveDateTime needs User-LifeCycleInfo.Read.All as well. */
export function lifecyclePerms(ctx: GraphContext): readonly string[] | null {
  const q = `${ctx.req.query.get('$select') ?? ''} ${ctx.req.query.get('$filter') ?? ''}`;
  return /employeeLeaveDateTime/i.test(q) ? LIFECYCLE_READ : null;
}

const userList = (ctx: GraphContext): ListOptions<DirUser> => ({
  fragment: 'users',
  shape: USER_SHAPE,
  items: ctx.store.userOrder,
  view: (u) => ctx.store.visibleUser(u.id),
  byKey: [
    { prop: 'id', find: (id) => ctx.store.users.get(id) },
    { prop: 'userPrincipalName', find: (upn) => ctx.store.user(upn) },
  ],
  page: { default: 100, max: 999 },
  directory: true,
  expand: { manager: (json, u, select) => expandManager(ctx, json, u, select) },
});

function expandManager(ctx: GraphContext, json: Record<string, unknown>, u: DirUser, select: string[] | null): void {
  const m = u.managerId ? ctx.store.user(u.managerId) : undefined;
  if (m) json.manager = directoryObject({ store: ctx.store, ctx }, m.id, select);
}

/** Users and groups by id, as one directoryObject type (what members and memberOf list). */
const DIRECTORY_OBJECT_SHAPE: Shape<string> = {
  type: 'microsoft.graph.directoryObject',
  props: Object.fromEntries(
    [...new Set([...Object.keys(USER_SHAPE.props), ...Object.keys(GROUP_SHAPE.props)])].map((name) => [
      name,
      (id: string, s: ShapeContext) => {
        const u = s.store.user(id);
        if (u) return USER_SHAPE.props[name]?.(u, s);
        const g = s.store.group(id);
        return g ? GROUP_SHAPE.props[name]?.(g, s) : undefined;
      },
    ]),
  ),
  defaults: null,
};

/** A page of a directoryObject collection (members, memberOf, direct reports), each item typed. */
export function directoryObjects(ctx: GraphContext, fragment: string, ids: readonly string[]) {
  const s = { store: ctx.store, ctx };
  return list(ctx, {
    fragment,
    shape: DIRECTORY_OBJECT_SHAPE,
    items: ids.filter((id) => ctx.store.user(id) || ctx.store.group(id)),
    page: { default: 100, max: 999 },
    directory: true,
    render: (id, select) => directoryObject(s, id, select)!,
  });
}

function managerRef(ctx: GraphContext, u: DirUser): DirUser {
  const m = u.managerId ? ctx.store.user(u.managerId) : undefined;
  if (!m) throw notFound('manager');
  return m;
}

export const userRoutes: Route[] = [
  { method: 'GET', path: '/users', perms: USER_READ, cost: 2, extraPerms: lifecyclePerms, handle: (ctx) => list(ctx, userList(ctx)) },
  {
    method: 'GET',
    path: '/users/$count',
    perms: USER_READ,
    handle: (ctx) => countOf(ctx, ctx.store.userOrder, (u) => !!ctx.store.visibleUser(u.id)),
  },
  {
    method: 'GET',
    path: '/users/{id}',
    perms: USER_READ,
    extraPerms: lifecyclePerms,
    handle: (ctx) => {
      const u = readUser(ctx);
      const res = entity(ctx, 'users', USER_SHAPE, u);
      const ex = queryOptions(ctx).expand;
      for (const e of ex) {
        if (e.name !== 'manager') throw badRequest(`Expanding '${e.name}' is not supported.`);
        expandManager(ctx, res.body as Record<string, unknown>, u, e.select);
      }
      return res;
    },
  },
  {
    method: 'PATCH',
    path: '/users/{id}',
    perms: [...USER_WRITE, ...USER_ENABLE, ...USER_PASSWORD, ...LIFECYCLE_WRITE],
    extraPerms: patchPermissions,
    handle: (ctx) => {
      const u = writeUser(ctx);
      ctx.store.updateUser(u.id, validateUserPatch(ctx, u));
      return noContent();
    },
  },
  {
    method: 'DELETE',
    path: '/users/{id}',
    perms: USER_DELETE,
    handle: (ctx) => {
      const u = writeUser(ctx);
      if (u.onPremisesSyncEnabled) throw badRequest(ON_PREMISES_MASTERED);
      ctx.store.deleteUser(u.id);
      return noContent();
    },
  },
  {
    method: 'POST',
    path: '/users/{id}/revokeSignInSessions',
    perms: USER_REVOKE,
    handle: (ctx) => {
      const u = writeUser(ctx);
      if (ctx.req.body !== undefined && Object.keys(ctx.req.body as object).length) throw badRequest('The request body must be empty.');
      ctx.store.updateUser(u.id, { signInSessionsValidFromDateTime: ctx.store.iso() });
      return ok({ '@odata.context': metadata(ctx, 'Edm.Boolean'), value: true });
    },
  },
  {
    method: 'GET',
    path: '/users/{id}/manager',
    perms: USER_READ,
    handle: (ctx) => {
      const m = managerRef(ctx, readUser(ctx));
      const select = queryOptions(ctx).select;
      return ok({ '@odata.context': metadata(ctx, 'directoryObjects/$entity'), '@odata.type': '#microsoft.graph.user', ...project(USER_SHAPE, m, select, { store: ctx.store, ctx }) });
    },
  },
  {
    method: 'GET',
    path: '/users/{id}/manager/$ref',
    perms: USER_READ,
    handle: (ctx) => {
      const m = managerRef(ctx, readUser(ctx));
      return ok({ '@odata.context': metadata(ctx, 'directoryObjects/$entity'), '@odata.id': `${ctx.base}/directoryObjects/${m.id}/Microsoft.DirectoryServices.User` });
    },
  },
  {
    method: 'PUT',
    path: '/users/{id}/manager/$ref',
    perms: USER_WRITE,
    handle: (ctx) => {
      const u = writeUser(ctx);
      const managerId = referencedId(ctx.req.body);
      const m = ctx.store.user(managerId);
      if (!m) throw notFound(managerId);
      if (m.id === u.id) throw badRequest('A user cannot be their own manager.');
      if (u.onPremisesSyncEnabled) throw badRequest(ON_PREMISES_MASTERED);
      ctx.store.setManager(u.id, m.id);
      return noContent();
    },
  },
  {
    method: 'DELETE',
    path: '/users/{id}/manager/$ref',
    perms: USER_WRITE,
    handle: (ctx) => {
      const u = writeUser(ctx);
      managerRef(ctx, u);
      if (u.onPremisesSyncEnabled) throw badRequest(ON_PREMISES_MASTERED);
      ctx.store.setManager(u.id, null);
      return noContent();
    },
  },
  {
    method: 'GET',
    path: '/users/{id}/directReports',
    perms: USER_READ,
    handle: (ctx) => directoryObjects(ctx, 'directoryObjects', ctx.store.directReports(readUser(ctx).id).map((u) => u.id)),
  },
  ...(['memberOf', 'transitiveMemberOf'] as const).flatMap((nav): Route[] => {
    const ids = (ctx: GraphContext) => {
      const direct = ctx.store.visibleMemberOf(readUser(ctx).id);
      return nav === 'memberOf' ? direct : ctx.store.transitiveMemberOf('', direct);
    };
    return [
      { method: 'GET', path: `/users/{id}/${nav}`, perms: MEMBERSHIP_READ, cost: 2, handle: (ctx) => directoryObjects(ctx, 'directoryObjects', ids(ctx)) },
      { method: 'GET', path: `/users/{id}/${nav}/microsoft.graph.group`, perms: MEMBERSHIP_READ, cost: 2, handle: (ctx) => directoryObjects(ctx, 'groups', ids(ctx)) },
    ];
  }),
];
