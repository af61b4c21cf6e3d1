import type { DirChange, DirUser, SimGroup } from '../tenant/model.js';
import { GROUP_SHAPE, USER_SHAPE } from './directory-shapes.js';
import { idsOnly } from './filter.js';
import { metadata, nextLink, project, queryOptions, validateSelect, withSelect, type Shape, type ShapeContext } from './odata.js';
import { GROUP_READ, USER_READ } from './perms.js';
import { badRequest, GraphError, ok, type GraphContext, type Route } from './types.js';
import { lifecyclePerms } from './users.js';

/**
 * Delta queries on users and groups. A round starts with no token (every object, paged with
 * $skiptoken) or with a $deltatoken (what changed since it was issued) and ends with an
 * @odata.deltaLink. Changes come from the store's numbered change log, so a token is just a
 * position in it. Deleted users come back as `@removed` ("changed": restorable for 30 days,
 * "deleted": gone). Group members come as `members@delta`; a large group's members are spread
 * over several entries of the same group, as Graph does.
 */

interface Position {
  /** Phase: 'i' initial enumeration, 'c' changes since `from`. */
  p: 'i' | 'c';
  /** Offset within the phase (objects; for groups in 'i', groups). */
  o: number;
  /** For groups in 'i': offset within the current group's members. */
  m: number;
  from: number;
  to: number;
}

const MEMBER_CHUNK = 100;

const encode = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

function decode<T>(token: string): T {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString()) as T;
  } catch {
    throw badRequest('The delta token or skip token is not valid.');
  }
}

interface Kind<T> {
  set: 'users' | 'groups';
  shape: Shape<T>;
  order: (ctx: GraphContext) => readonly T[];
  byId: (ctx: GraphContext, id: string) => T | undefined;
  live: (ctx: GraphContext, item: T) => boolean;
  changed: (c: DirChange) => boolean;
  /** One page item for an object that changed (or a removal). */
  changedItem: (ctx: GraphContext, id: string, window: DirChange[], select: string[] | null) => Record<string, unknown>;
}

const typed = (type: 'user' | 'group', id: string, extra: object = {}) => ({ '@odata.type': `#microsoft.graph.${type}`, id, ...extra });

function userJson(s: ShapeContext, u: DirUser, select: string[] | null, window: DirChange[] = []): Record<string, unknown> {
  const json: Record<string, unknown> = { ...project(USER_SHAPE, u, select, s), id: u.id };
  if (select?.includes('manager')) {
    const removed = window.filter((c): c is Extract<DirChange, { kind: 'user' }> => c.kind === 'user' && c.id === u.id && !!c.managerRemoved).map((c) => c.managerRemoved!);
    json['manager@delta'] = [
      ...[...new Set(removed)].filter((m) => m !== u.managerId).map((m) => typed('user', m, { '@removed': { reason: 'deleted' } })),
      ...(u.managerId ? [typed('user', u.managerId)] : []),
    ];
  }
  return json;
}

const USERS: Kind<DirUser> = {
  set: 'users',
  shape: USER_SHAPE,
  order: (ctx) => ctx.store.userOrder,
  byId: (ctx, id) => ctx.store.users.get(id),
  live: (ctx, u) => !u.deletedDateTime && ctx.store.users.get(u.id) === u,
  changed: (c) => c.kind === 'user',
  changedItem: (ctx, id, window, select) => {
    const u = ctx.store.users.get(id);
    if (!u) return { id, '@removed': { reason: 'deleted' } };
    if (u.deletedDateTime) return { id, '@removed': { reason: 'changed' } };
    return userJson({ store: ctx.store, ctx }, u, select, window);
  },
};

const wantsMembers = (select: string[] | null) => !select || select.includes('members');
const groupProps = (s: ShapeContext, g: SimGroup, select: string[] | null) => ({ ...project(GROUP_SHAPE, g, select?.filter((x) => x !== 'members') ?? null, s), id: g.id });
const memberRef = (s: ShapeContext, id: string) => typed(s.store.groups.has(id) ? 'group' : 'user', id);

const GROUPS: Kind<SimGroup> = {
  set: 'groups',
  shape: GROUP_SHAPE,
  order: (ctx) => ctx.store.groupOrder,
  byId: (ctx, id) => ctx.store.groups.get(id),
  live: (ctx, g) => !!ctx.store.group(g.id),
  changed: (c) => c.kind === 'group' || c.kind === 'member',
  changedItem: (ctx, id, window, select) => {
    const s = { store: ctx.store, ctx };
    const g = ctx.store.group(id);
    if (!g) return { id, '@removed': { reason: 'deleted' } };
    const json: Record<string, unknown> = groupProps(s, g, select);
    if (wantsMembers(select)) {
      const net = new Map<string, { added: boolean; type: 'user' | 'group' }>();
      for (const c of window) if (c.kind === 'member' && c.id === id) net.set(c.memberId, { added: c.added, type: c.memberType });
      json['members@delta'] = [...net].map(([mid, n]) => typed(n.type, mid, n.added ? {} : { '@removed': { reason: 'deleted' } }));
    }
    return json;
  },
};

function deltaRoute<T extends { id: string }>(kind: Kind<T>, perms: readonly string[]): Route {
  return {
    method: 'GET',
    path: `/${kind.set}/delta`,
    perms,
    extraPerms: kind.set === 'users' ? lifecyclePerms : undefined,
    handle: (ctx) => {
      const q = ctx.req.query;
      const opts = queryOptions(ctx, { max: 999 }, true);
      validateSelect(kind.shape, opts.select);
      const ids = opts.filter ? idsOnly(opts.filter.root) : undefined;
      if (opts.filter && !ids) throw new GraphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.');
      const top = opts.top ?? 100;
      const seq = ctx.store.seq;
      const deltaToken = q.get('$deltatoken') ?? q.get('deltatoken');
      const skipToken = q.get('$skiptoken') ?? q.get('skiptoken');
      const s = { store: ctx.store, ctx };
      const body = (value: unknown[], link: Record<string, string>) =>
        ok({ '@odata.context': metadata(ctx, withSelect(kind.set, opts.select)), ...link, value });
      const deltaLink = (at: number) => ({ '@odata.deltaLink': nextLink(ctx, 0, '$deltatoken', encode({ k: kind.set, s: at })) });

      if (deltaToken === 'latest') return body([], deltaLink(seq));
      let pos: Position;
      if (skipToken) pos = decode<Position>(skipToken);
      else if (deltaToken) {
        const t = decode<{ k: string; s: number }>(deltaToken);
        if (t.k !== kind.set || !(t.s >= 0 && t.s <= seq)) throw badRequest('The delta token or skip token is not valid.');
        pos = { p: 'c', o: 0, m: 0, from: t.s, to: seq };
      } else pos = { p: 'i', o: 0, m: 0, from: seq, to: seq };

      const value: Record<string, unknown>[] = [];
      let next: Position | null = null;
      if (pos.p === 'c') {
        const window = ctx.store.changes.slice(pos.from, pos.to);
        const changedIds = [...new Set(window.filter(kind.changed).map((c) => c.id))].filter((id) => !ids || ids.includes(id));
        for (const id of changedIds.slice(pos.o, pos.o + top)) value.push(kind.changedItem(ctx, id, window, opts.select));
        if (pos.o + top < changedIds.length) next = { ...pos, o: pos.o + top };
      } else {
        const order = ids ? ids.map((id) => kind.byId(ctx, id)).filter((x): x is T => !!x) : kind.order(ctx);
        let i = pos.o;
        let m = pos.m;
        while (i < order.length && value.length < top) {
          const item = order[i]!;
          if (!kind.live(ctx, item)) {
            i++;
            continue;
          }
          if (kind.set === 'users') {
            value.push(userJson(s, item as unknown as DirUser, opts.select));
            i++;
            continue;
          }
          const g = item as unknown as SimGroup;
          const members = wantsMembers(opts.select) ? ctx.store.memberIds(g.id) : [];
          const json: Record<string, unknown> = m === 0 ? groupProps(s, g, opts.select) : { id: g.id };
          if (wantsMembers(opts.select)) json['members@delta'] = members.slice(m, m + MEMBER_CHUNK).map((id) => memberRef(s, id));
          value.push(json);
          if (m + MEMBER_CHUNK < members.length) m += MEMBER_CHUNK;
          else (i++, (m = 0));
        }
        if (i < order.length) next = { ...pos, o: i, m };
      }
      return body(value, next ? { '@odata.nextLink': nextLink(ctx, 0, '$skiptoken', encode(next)) } : deltaLink(pos.to));
    },
  };
}

export const deltaRoutes: Route[] = [deltaRoute(USERS, USER_READ), deltaRoute(GROUPS, GROUP_READ)];
