/**
 * OData `$filter` as Microsoft Graph accepts it on the collections the simulator serves:
 * eq, ne, gt, ge, lt, le, in, and, or, not, parentheses, startswith / endswith / contains,
 * lambda `any` / `all` over collections (`groupTypes/any(c:c eq 'Unified')`,
 * `assignedLicenses/any(x:x/skuId eq {guid})`), paths (`start/dateTime`), string, number,
 * boolean, null, GUID and date-time literals. String comparison is case-insensitive, as in the
 * directory. `advanced` reports the operators Graph allows on directory objects only as an
 * advanced query (ConsistencyLevel: eventual with $count=true).
 */

export type Accessor = (name: string) => unknown;

export type FilterNode =
  | { k: 'lit'; v: unknown }
  | { k: 'path'; segs: string[] }
  | { k: 'cmp'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; l: FilterNode; r: FilterNode }
  | { k: 'in'; l: FilterNode; list: unknown[] }
  | { k: 'and' | 'or'; l: FilterNode; r: FilterNode }
  | { k: 'not'; e: FilterNode }
  | { k: 'fn'; name: string; args: FilterNode[] }
  | { k: 'lambda'; all: boolean; coll: FilterNode; v: string; e: FilterNode };

export interface ParsedFilter {
  root: FilterNode;
  /** Operators or functions that need an advanced query on directory objects. */
  advanced: string[];
  /** Top-level property paths referenced (for validation against the type). */
  properties: string[];
}

export class FilterSyntaxError extends Error {}

type Tok = { t: 'punct'; v: string } | { t: 'str'; v: string } | { t: 'word'; v: string };

const TOKEN = /\s*(?:(\(|\)|,|\/)|'((?:[^']|'')*)'|(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)|([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|(-?\d+(?:\.\d+)?)|([A-Za-z_$@][\w.$@]*)|(:))/y;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let pos = 0;
  while (pos < src.length) {
    if (!src.slice(pos).trim()) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new FilterSyntaxError(`Syntax error at position ${pos} in '${src}'.`);
    pos = TOKEN.lastIndex;
    if (m[1]) out.push({ t: 'punct', v: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'str', v: m[2].replace(/''/g, "'") });
    else if (m[7]) out.push({ t: 'punct', v: ':' });
    else out.push({ t: 'word', v: (m[3] ?? m[4] ?? m[5] ?? m[6])! });
  }
  return out;
}

const CMP = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCS = new Set(['startswith', 'endswith', 'contains']);

export function parseFilter(src: string): ParsedFilter {
  const toks = tokenize(src);
  const advanced = new Set<string>();
  const properties = new Set<string>();
  const vars: string[] = [];
  let i = 0;
  const peekWord = (w: string) => toks[i]?.t === 'word' && toks[i]!.v.toLowerCase() === w;
  const expect = (v: string) => {
    const t = toks[i++];
    if (t?.t !== 'punct' || t.v !== v) throw new FilterSyntaxError(`Syntax error: '${v}' expected in '${src}'.`);
  };

  const literal = (t: Tok): FilterNode | null => {
    if (t.t === 'str') return { k: 'lit', v: t.v };
    if (t.t !== 'word') return null;
    const w = t.v;
    if (/^(true|false)$/i.test(w)) return { k: 'lit', v: w.toLowerCase() === 'true' };
    if (/^null$/i.test(w)) return { k: 'lit', v: null };
    if (/^-?\d+(\.\d+)?$/.test(w)) return { k: 'lit', v: Number(w) };
    if (/^[0-9a-f]{8}-/i.test(w) || /^\d{4}-\d{2}-\d{2}T/.test(w)) return { k: 'lit', v: w };
    return null;
  };

  const primary = (): FilterNode => {
    const t = toks[i++];
    if (!t) throw new FilterSyntaxError(`Syntax error: unexpected end of '${src}'.`);
    if (t.t === 'punct' && t.v === '(') {
      const e = or();
      expect(')');
      return e;
    }
    const lit = literal(t);
    if (lit) return lit;
    if (t.t !== 'word') throw new FilterSyntaxError(`Syntax error at '${t.v}' in '${src}'.`);
    const name = t.v;
    if (FUNCS.has(name.toLowerCase()) && toks[i]?.t === 'punct' && toks[i]!.v === '(') {
      i++;
      const args = [or()];
      while (toks[i]?.t === 'punct' && toks[i]!.v === ',') i++, args.push(or());
      expect(')');
      const fn = name.toLowerCase();
      if (fn !== 'startswith') advanced.add(fn);
      return { k: 'fn', name: fn, args };
    }
    const segs = [name];
    if (!vars.includes(name)) properties.add(name);
    while (toks[i]?.t === 'punct' && toks[i]!.v === '/') {
      i++;
      const seg = toks[i++];
      if (seg?.t !== 'word') throw new FilterSyntaxError(`Syntax error after '/' in '${src}'.`);
      const lower = seg.v.toLowerCase();
      if ((lower === 'any' || lower === 'all') && toks[i]?.t === 'punct' && toks[i]!.v === '(') {
        i++;
        const v = toks[i++];
        if (v?.t !== 'word') throw new FilterSyntaxError(`Syntax error: lambda variable expected in '${src}'.`);
        expect(':');
        vars.push(v.v);
        const e = or();
        vars.pop();
        expect(')');
        return { k: 'lambda', all: lower === 'all', coll: { k: 'path', segs }, v: v.v, e };
      }
      segs.push(seg.v);
    }
    return { k: 'path', segs };
  };

  const comparison = (): FilterNode => {
    const l = primary();
    const t = toks[i];
    if (t?.t === 'word' && CMP.has(t.v.toLowerCase())) {
      i++;
      const op = t.v.toLowerCase() as 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
      if (op === 'ne') advanced.add('ne');
      return { k: 'cmp', op, l, r: primary() };
    }
    if (t?.t === 'word' && t.v.toLowerCase() === 'in') {
      i++;
      expect('(');
      const list: unknown[] = [];
      for (;;) {
        const lit = literal(toks[i++] ?? { t: 'punct', v: '' });
        if (!lit || lit.k !== 'lit') throw new FilterSyntaxError(`Syntax error: literal expected in 'in' list of '${src}'.`);
        list.push(lit.v);
        if (toks[i]?.t === 'punct' && toks[i]!.v === ',') i++;
        else break;
      }
      expect(')');
      return { k: 'in', l, list };
    }
    return l;
  };
  const not = (): FilterNode => {
    if (peekWord('not')) {
      i++;
      advanced.add('not');
      return { k: 'not', e: not() };
    }
    return comparison();
  };
  const and = (): FilterNode => {
    let l = not();
    while (peekWord('and')) i++, (l = { k: 'and', l, r: not() });
    return l;
  };
  const or = (): FilterNode => {
    let l = and();
    while (peekWord('or')) i++, (l = { k: 'or', l, r: and() });
    return l;
  };
  const root = or();
  if (i !== toks.length) throw new FilterSyntaxError(`Syntax error at position ${i} of '${src}'.`);
  return { root, advanced: [...advanced], properties: [...properties] };
}

const DATE = /^\d{4}-\d{2}-\d{2}(T|$)/;

function compare(a: unknown, b: unknown): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (typeof a === 'string' && typeof b === 'string') {
    if (DATE.test(a) && DATE.test(b)) {
      const zone = (s: string) => (/(Z|[+-]\d{2}:\d{2})$/.test(s) || !s.includes('T') ? s : `${s}Z`);
      return Date.parse(zone(a)) - Date.parse(zone(b));
    }
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : 1;
  return null;
}

const equal = (a: unknown, b: unknown) => (a === null || a === undefined ? b === null || b === undefined : compare(a, b) === 0);

export function evaluate(node: FilterNode, root: Accessor, scope: Record<string, unknown> = {}): unknown {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'path': {
      const [head, ...rest] = node.segs;
      let v: unknown = head! in scope ? scope[head!] : root(head!);
      for (const s of rest) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
      return v;
    }
    case 'cmp': {
      const l = evaluate(node.l, root, scope);
      const r = evaluate(node.r, root, scope);
      if (node.op === 'eq') return equal(l, r);
      if (node.op === 'ne') return !equal(l, r);
      const c = compare(l, r);
      if (c === null) return false;
      return node.op === 'gt' ? c > 0 : node.op === 'ge' ? c >= 0 : node.op === 'lt' ? c < 0 : c <= 0;
    }
    case 'in': {
      const l = evaluate(node.l, root, scope);
      return node.list.some((x) => equal(l, x));
    }
    case 'and':
      return !!evaluate(node.l, root, scope) && !!evaluate(node.r, root, scope);
    case 'or':
      return !!evaluate(node.l, root, scope) || !!evaluate(node.r, root, scope);
    case 'not':
      return !evaluate(node.e, root, scope);
    case 'fn': {
      const [a, b] = node.args.map((x) => evaluate(x, root, scope));
      if (typeof a !== 'string' || typeof b !== 'string') return false;
      const x = a.toLowerCase();
      const y = b.toLowerCase();
      return node.name === 'startswith' ? x.startsWith(y) : node.name === 'endswith' ? x.endsWith(y) : x.includes(y);
    }
    case 'lambda': {
      const coll = evaluate(node.coll, root, scope);
      if (!Array.isArray(coll)) return false;
      const test = (item: unknown) => !!evaluate(node.e, root, { ...scope, [node.v]: item });
      return node.all ? coll.every(test) : coll.some(test);
    }
  }
}

/**
 * The ids a filter selects when it is only `id eq 'x'` (or an `or` of them, or `id in (...)`):
 * lets collections answer by key instead of scanning. Undefined when the filter is anything else.
 */
export function idsOnly(node: FilterNode, prop = 'id'): string[] | undefined {
  if (node.k === 'or') {
    const l = idsOnly(node.l, prop);
    const r = idsOnly(node.r, prop);
    return l && r ? [...l, ...r] : undefined;
  }
  const isProp = (n: FilterNode) => n.k === 'path' && n.segs.length === 1 && n.segs[0]!.toLowerCase() === prop.toLowerCase();
  if (node.k === 'cmp' && node.op === 'eq' && isProp(node.l) && node.r.k === 'lit' && typeof node.r.v === 'string') return [node.r.v];
  if (node.k === 'in' && isProp(node.l) && node.list.every((x) => typeof x === 'string')) return node.list as string[];
  return undefined;
}
