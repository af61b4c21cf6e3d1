import type { TenantStore } from '../tenant/store.js';
import { evaluate, FilterSyntaxError, idsOnly, parseFilter, type Accessor, type ParsedFilter } from './filter.js';
import { badRequest, GraphError, type GraphContext, type GraphResponse } from './types.js';

/**
 * OData query options and the two response forms of Microsoft Graph: one entity (with
 * `@odata.context`) and a page of a collection (`value`, `@odata.nextLink`, `@odata.count`).
 * Entities are described by a Shape: each property is a function of the record, so a page
 * computes only the properties asked for ($select) and $filter reads them lazily.
 */

export interface ShapeContext {
  store: TenantStore;
  ctx: GraphContext;
}

export interface Shape<T> {
  /** e.g. 'microsoft.graph.user' */
  type: string;
  props: Record<string, (item: T, s: ShapeContext) => unknown>;
  /** Returned without $select (null: every property). */
  defaults: readonly string[] | null;
  /** Also accepted by $select (navigation properties a route expands itself). */
  selectable?: readonly string[];
  /** Always returns `id`, whatever $select says (Outlook resources do). */
  alwaysId?: boolean;
}

export interface QueryOptions {
  select: string[] | null;
  top: number | null;
  offset: number;
  filter: ParsedFilter | null;
  count: boolean;
  orderBy: { prop: string; desc: boolean }[];
  expand: { name: string; select: string[] | null }[];
  eventual: boolean;
}

const splitList = (s: string | null) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : null);

/** Splits "a,b($select=x,y),c" at top-level commas. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) out.push(cur.trim()), (cur = '');
    else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** `ownSkipToken`: the route reads $skiptoken itself (delta). */
export function queryOptions(ctx: GraphContext, page?: { max: number }, ownSkipToken = false): QueryOptions {
  const q = ctx.req.query;
  const get = (name: string) => q.get(name) ?? q.get(name.slice(1));
  const topRaw = get('$top');
  let top: number | null = null;
  if (topRaw !== null) {
    top = Number(topRaw);
    const max = page?.max ?? 999;
    if (!Number.isInteger(top) || top < 1 || top > max) {
      throw new GraphError(400, 'Request_UnsupportedQuery', `Invalid page size specified: '${topRaw}'. Must be between 1 and ${max} inclusive.`);
    }
  }
  const preferMax = ctx.req.headers.prefer?.match(/odata\.maxpagesize\s*=\s*(\d+)/i)?.[1];
  if (top === null && preferMax) top = Math.min(Number(preferMax), page?.max ?? 999);
  let filter: ParsedFilter | null = null;
  const f = get('$filter');
  if (f) {
    try {
      filter = parseFilter(f);
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw badRequest(`Invalid filter clause: ${err.message}`);
      throw err;
    }
  }
  const countRaw = get('$count');
  if (countRaw !== null && !/^(true|false)$/i.test(countRaw)) throw badRequest(`Invalid value '${countRaw}' for $count.`);
  const orderBy = (splitList(get('$orderby')) ?? []).map((o) => {
    const [prop, dir] = o.split(/\s+/);
    return { prop: prop!, desc: dir?.toLowerCase() === 'desc' };
  });
  const expand = splitTopLevel(get('$expand') ?? '').map((e) => {
    const m = e.match(/^([\w.]+)(?:\((.*)\))?$/);
    if (!m) throw badRequest(`Invalid $expand: '${e}'.`);
    const sel = m[2]?.match(/\$select=([^;)]*)/i)?.[1];
    return { name: m[1]!, select: splitList(sel ?? null) };
  });
  return {
    select: splitList(get('$select')),
    top,
    offset: ownSkipToken ? 0 : decodeSkipToken(get('$skiptoken')),
    filter,
    count: countRaw?.toLowerCase() === 'true',
    orderBy,
    expand,
    eventual: ctx.req.headers.consistencylevel?.toLowerCase() === 'eventual',
  };
}

export function encodeSkipToken(offset: number): string {
  return Buffer.from(`RFNwdAIAAQAAAA:${offset}`).toString('base64url');
}

function decodeSkipToken(token: string | null): number {
  if (!token) return 0;
  const m = Buffer.from(token, 'base64url').toString().match(/^RFNwdAIAAQAAAA:(\d+)$/);
  if (!m) throw badRequest(`Invalid $skiptoken '${token}'.`);
  return Number(m[1]);
}

export function validateSelect<T>(shape: Shape<T>, select: string[] | null): void {
  for (const s of select ?? []) {
    if (!(s in shape.props) && !shape.selectable?.includes(s)) {
      throw badRequest(`Could not find a property named '${s}' on type '${shape.type}'.`);
    }
  }
}

/** Lazy property reader over a record (what $filter evaluates against). */
export function accessor<T>(shape: Shape<T>, item: T, s: ShapeContext): Accessor {
  const memo = new Map<string, unknown>();
  return (name) => {
    if (!memo.has(name)) {
      const key = name in shape.props ? name : Object.keys(shape.props).find((k) => k.toLowerCase() === name.toLowerCase());
      memo.set(name, key ? shape.props[key]!(item, s) : undefined);
    }
    return memo.get(name);
  };
}

export function project<T>(shape: Shape<T>, item: T, select: readonly string[] | null, s: ShapeContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (shape.alwaysId && select && shape.props.id) out.id = shape.props.id(item, s);
  for (const name of select ?? shape.defaults ?? Object.keys(shape.props)) {
    const fn = shape.props[name];
    if (fn) out[name] = fn(item, s);
  }
  return out;
}

export const metadata = (ctx: GraphContext, fragment: string) => `${ctx.base}/$metadata#${fragment}`;

/** `users` + select -> `users(displayName,id)` */
export function withSelect(fragment: string, select: string[] | null): string {
  return select ? `${fragment}(${select.join(',')})` : fragment;
}

export function entity<T>(ctx: GraphContext, fragment: string, shape: Shape<T>, item: T, extra: Record<string, unknown> = {}): GraphResponse {
  const q = queryOptions(ctx);
  validateSelect(shape, q.select);
  const body = { '@odata.context': metadata(ctx, `${withSelect(fragment, q.select)}/$entity`), ...project(shape, item, q.select, { store: ctx.store, ctx }), ...extra };
  return { status: 200, body };
}

export interface ListOptions<T> {
  /** Context fragment, e.g. "users" or "users('{id}')/events". */
  fragment: string;
  shape: Shape<T>;
  items: readonly T[];
  /** What a read sees of an item (deleted or not yet replicated: undefined). */
  view?: (item: T) => T | undefined;
  /** Answers `prop eq 'x'` filters by key instead of scanning. */
  byKey?: { prop: string; find: (key: string) => T | undefined }[];
  page: { default: number; max: number };
  /** Directory rules: $count and advanced operators need ConsistencyLevel: eventual. */
  directory?: boolean;
  /** Adds `@odata.type` to every item (collections of directoryObject). */
  typed?: boolean;
  /** Renders an item instead of projecting the shape (items of several types). */
  render?: (item: T, select: string[] | null) => Record<string, unknown>;
  expand?: Record<string, (json: Record<string, unknown>, item: T, select: string[] | null) => void>;
}

export function list<T>(ctx: GraphContext, o: ListOptions<T>): GraphResponse {
  const q = queryOptions(ctx, { max: o.page.max });
  validateSelect(o.shape, q.select);
  const s: ShapeContext = { store: ctx.store, ctx };
  if (o.directory) {
    if (q.count && !q.eventual) throw badRequest('$count is not currently supported.');
    if (q.filter?.advanced.length && !(q.eventual && q.count)) {
      throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported Query.`);
    }
  }
  for (const e of q.expand) if (!o.expand?.[e.name]) throw badRequest(`Expanding '${e.name}' is not supported.`);
  const top = q.top ?? o.page.default;
  const view = o.view ?? ((x: T) => x);
  const matches = (item: T) => !q.filter || !!evaluate(q.filter.root, accessor(o.shape, item, s));

  let source: readonly T[] = o.items;
  const keyed = q.filter && o.byKey?.map((k) => ({ k, ids: idsOnly(q.filter!.root, k.prop) })).find((x) => x.ids);
  if (keyed) source = keyed.ids!.map((id) => keyed.k.find(id)).filter((x): x is T => x !== undefined);

  const page: T[] = [];
  let next = -1;
  let total: number | undefined;
  if (q.orderBy.length || q.count) {
    const all: T[] = [];
    for (const raw of source) {
      const item = view(raw);
      if (item !== undefined && matches(item)) all.push(item);
    }
    total = all.length;
    if (q.orderBy.length) sortBy(all, q.orderBy, o.shape, s);
    page.push(...all.slice(q.offset, q.offset + top));
    if (q.offset + top < all.length) next = q.offset + top;
  } else {
    let i = q.offset;
    for (; i < source.length && page.length < top; i++) {
      const item = view(source[i]!);
      if (item !== undefined && matches(item)) page.push(item);
    }
    if (i < source.length) next = i;
  }

  const value = page.map((item) => {
    const json = o.render ? o.render(item, q.select) : project(o.shape, item, q.select, s);
    for (const e of q.expand) o.expand![e.name]!(json, item, e.select);
    return o.typed ? { '@odata.type': `#${o.shape.type}`, ...json } : json;
  });
  const body: Record<string, unknown> = { '@odata.context': metadata(ctx, withSelect(o.fragment, q.select)) };
  if (total !== undefined && q.count) body['@odata.count'] = total;
  if (next >= 0) body['@odata.nextLink'] = nextLink(ctx, next);
  body.value = value;
  return { status: 200, body };
}

/** The same request, at another page. */
export function nextLink(ctx: GraphContext, offset: number, param = '$skiptoken', token = encodeSkipToken(offset)): string {
  const q = new URLSearchParams(ctx.req.query);
  q.delete('$skiptoken');
  q.delete('skiptoken');
  q.delete('$deltatoken');
  q.set(param, token);
  return `${ctx.base}${ctx.req.path}?${q.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
}

function sortBy<T>(items: T[], order: { prop: string; desc: boolean }[], shape: Shape<T>, s: ShapeContext): void {
  const keyed = items.map((item) => ({ item, get: accessor(shape, item, s) }));
  keyed.sort((a, b) => {
    for (const o of order) {
      const x = a.get(o.prop);
      const y = b.get(o.prop);
      const c = String(x ?? '').localeCompare(String(y ?? ''), 'en', { sensitivity: 'base' });
      if (c) return o.desc ? -c : c;
    }
    return 0;
  });
  keyed.forEach((k, i) => (items[i] = k.item));
}

/** GET …/$count: text/plain, directory rules. */
export function countOf<T>(ctx: GraphContext, items: Iterable<T>, view: (item: T) => boolean): GraphResponse {
  if (ctx.req.headers.consistencylevel?.toLowerCase() !== 'eventual') throw badRequest('$count is not currently supported.');
  let n = 0;
  for (const i of items) if (view(i)) n++;
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: String(n) };
}

/**
 * Checks a request body against the properties a write accepts. Unknown properties are
 * refused as Microsoft Graph refuses them.
 */
export function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  return body as Record<string, unknown>;
}
