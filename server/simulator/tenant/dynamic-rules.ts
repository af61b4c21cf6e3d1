/**
 * Entra dynamic membership rules, the subset the seeded tenant uses and an admin would write
 * for users: `(user.department -eq "Sales") -and (user.accountEnabled -eq true)`, with -eq,
 * -ne, -startsWith, -notStartsWith, -contains, -notContains, -in, -and, -or, -not and
 * parentheses. Property names are user properties (case-insensitive).
 */

export type RuleSubject = Record<string, unknown>;
export type CompiledRule = (user: RuleSubject) => boolean;

type Tok = { t: 'prop'; v: string } | { t: 'str'; v: string } | { t: 'lit'; v: boolean | null } | { t: 'op'; v: string } | { t: '(' } | { t: ')' } | { t: 'list'; v: string[] };

function tokenize(rule: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|(-[A-Za-z]+)|\[([^\]]*)\]|(user\.[A-Za-z0-9_]+)|(true|false|null))/iy;
  let pos = 0;
  while (pos < rule.length) {
    if (/^\s*$/.test(rule.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(rule);
    if (!m) throw new Error(`Dynamic membership rule validation error: unexpected text at ${pos}.`);
    pos = re.lastIndex;
    if (m[1]) out.push({ t: '(' });
    else if (m[2]) out.push({ t: ')' });
    else if (m[3] !== undefined) out.push({ t: 'str', v: m[3].replace(/\\(.)/g, '$1') });
    else if (m[4]) out.push({ t: 'op', v: m[4].toLowerCase() });
    else if (m[5] !== undefined) out.push({ t: 'list', v: [...m[5].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]!) });
    else if (m[6]) out.push({ t: 'prop', v: m[6].slice(5).toLowerCase() });
    else out.push({ t: 'lit', v: m[7]!.toLowerCase() === 'null' ? null : m[7]!.toLowerCase() === 'true' });
  }
  return out;
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

export function compileRule(rule: string): CompiledRule {
  const toks = tokenize(rule);
  let i = 0;
  const peek = () => toks[i];
  const fail = (): never => {
    throw new Error('Dynamic membership rule validation error: Invalid operands found for operator.');
  };

  const primary = (): CompiledRule => {
    const t = toks[i++] ?? fail();
    if (t.t === '(') {
      const inner = or();
      if (toks[i++]?.t !== ')') fail();
      return inner;
    }
    if (t.t === 'op' && t.v === '-not') {
      const inner = primary();
      return (u) => !inner(u);
    }
    if (t.t !== 'prop') return fail();
    const op = toks[i++];
    const rhs = toks[i++];
    if (op?.t !== 'op' || !rhs) return fail();
    // Every user record has the same shape: find the property's spelling once.
    let key: string | undefined;
    const get = (u: RuleSubject) => {
      if (key === undefined || !(key in u)) key = Object.keys(u).find((k) => k.toLowerCase() === t.v);
      return key === undefined ? null : lower(u[key]);
    };
    const value = rhs.t === 'str' ? rhs.v.toLowerCase() : rhs.t === 'lit' ? rhs.v : rhs.t === 'list' ? rhs.v.map((s) => s.toLowerCase()) : fail();
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    switch (op.v) {
      case '-eq':
        return (u) => get(u) === value;
      case '-ne':
        return (u) => get(u) !== value;
      case '-startswith':
        return (u) => str(get(u)).startsWith(String(value));
      case '-notstartswith':
        return (u) => !str(get(u)).startsWith(String(value));
      case '-contains':
        return (u) => str(get(u)).includes(String(value));
      case '-notcontains':
        return (u) => !str(get(u)).includes(String(value));
      case '-in':
        return (u) => Array.isArray(value) && value.includes(get(u) as string);
      case '-notin':
        return (u) => Array.isArray(value) && !value.includes(get(u) as string);
      default:
        return fail();
    }
  };
  const and = (): CompiledRule => {
    let left = primary();
    while (peek()?.t === 'op' && (peek() as { v: string }).v === '-and') {
      i++;
      const l = left;
      const r = primary();
      left = (u) => l(u) && r(u);
    }
    return left;
  };
  const or = (): CompiledRule => {
    let left = and();
    while (peek()?.t === 'op' && (peek() as { v: string }).v === '-or') {
      i++;
      const l = left;
      const r = and();
      left = (u) => l(u) || r(u);
    }
    return left;
  };
  const rule_ = or();
  if (i !== toks.length) fail();
  return rule_;
}
