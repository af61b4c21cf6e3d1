/**
 * The simulated tenant's seeded directory: deterministic for a given seed and size, so that
 * tests and demos see the same people every time.
 */

/** Hoisted: global lookups are slow inside vm contexts (jest), and these run millions of times. */
const { imul, floor } = Math;

export interface SimTenant {
  id: string;
  displayName: string;
  defaultDomain: string;
}

export interface SimUser {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  userPrincipalName: string;
  mail: string;
  jobTitle: string;
  department: string;
  managerId: string | null;
  accountEnabled: boolean;
  employeeLeaveDateTime: string | null;
  createdDateTime: string;
}

export interface SeededDirectory {
  tenant: SimTenant;
  users: SimUser[];
}

/** A small, fast, seedable PRNG (mulberry32) over a string seed. */
export function prng(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const DASH = 45;

/** Writes 32 hex digits as a GUID into a flat string (no concatenation: one small heap object). */
export function guidFromNibbles(next: (i: number) => number): string {
  const codes: number[] = [];
  for (let i = 0; i < 32; i++) {
    if (i === 8 || i === 12 || i === 16 || i === 20) codes.push(DASH);
    codes.push(HEX[next(i)]!);
  }
  return String.fromCharCode(...codes);
}

/** A version-4-shaped GUID drawn from the PRNG (32 draws, one per hex digit). */
export function guid(rand: () => number): string {
  return guidFromNibbles((i) => {
    const d = floor(rand() * 16);
    return i === 12 ? 4 : i === 16 ? (d & 0x3) | 0x8 : d;
  });
}

const GIVEN = [
  'Adele', 'Alex', 'Allan', 'Diego', 'Emily', 'Grady', 'Henrietta', 'Isaiah', 'Johanna', 'Joni', 'Lee', 'Lidia',
  'Lynne', 'Megan', 'Miriam', 'Nestor', 'Patti', 'Pradeep', 'Łukasz', 'Дмитрий', 'Aiko', 'Chidi', 'Søren', 'Zoë',
  'Mateo', 'Priya', 'Noah', 'Fatima', 'Oliver', 'Amara', 'Hiroshi', 'Ingrid', 'Kwame', 'Lucía', 'Mehmet', 'Nadia',
];
const FAMILY = [
  'Vance', 'Wilber', 'Deyoung', 'Siciliani', 'Braun', 'Archie', 'Cantrell', 'Langer', 'Lauer', 'Sherman', 'Gu',
  'Holloway', 'Robbins', 'Bowen', 'Wilkins', 'Fernandes', 'Gupta', 'Kowalski', 'Иванов', 'Tanaka', 'Okafor',
  'Nielsen', 'Müller', 'García', 'Patel', 'Kim', 'Haddad', 'Smith', 'Mensah', 'Yılmaz', 'Rossi', 'Dubois',
];
const DEPARTMENTS: [string, string[]][] = [
  ['Sales', ['Account Executive', 'Sales Manager', 'Sales Development Rep']],
  ['Marketing', ['Marketing Specialist', 'Content Strategist', 'Product Marketing Manager']],
  ['Engineering', ['Software Engineer', 'Senior Software Engineer', 'QA Engineer', 'Engineering Manager']],
  ['Finance', ['Accountant', 'Financial Analyst', 'Controller']],
  ['Human Resources', ['HR Generalist', 'Recruiter', 'People Partner']],
  ['IT', ['Systems Administrator', 'Service Desk Analyst', 'Security Engineer']],
  ['Operations', ['Operations Analyst', 'Logistics Coordinator', 'Facilities Manager']],
  ['Legal', ['Counsel', 'Paralegal']],
];

const mailParts = new Map<string, string>();

/** ASCII-only mail local part: "Łukasz Müller" -> "lukasz.muller" (memoised: names come from short lists). */
function mailPart(s: string): string {
  let part = mailParts.get(s);
  if (part === undefined) mailParts.set(s, (part = transliterate(s)));
  return part;
}

function transliterate(s: string): string {
  const translit: Record<string, string> = { ł: 'l', Ł: 'l', ø: 'o', Ø: 'o', ı: 'i', ß: 'ss' };
  const cyr = 'абвгдежзийклмнопрстуфхцчшщыэюя';
  const lat = ['a', 'b', 'v', 'g', 'd', 'e', 'zh', 'z', 'i', 'y', 'k', 'l', 'm', 'n', 'o', 'p', 'r', 's', 't', 'u', 'f', 'kh', 'ts', 'ch', 'sh', 'shch', 'y', 'e', 'yu', 'ya'];
  return [...s.toLowerCase()]
    .map((c) => translit[c] ?? (cyr.includes(c) ? lat[cyr.indexOf(c)] : c))
    .join('')
    .normalize('NFD')
    .replace(/[^a-z0-9]/g, '');
}

export function seedDirectory(opts: { seed: string; users: number; now?: Date }): SeededDirectory {
  const rand = prng(opts.seed);
  const pick = <T>(list: readonly T[]) => list[floor(rand() * list.length)]!;
  const now = opts.now ?? new Date();
  const tenant: SimTenant = { id: guid(rand), displayName: 'Contoso', defaultDomain: 'contoso.com' };
  const users: SimUser[] = [];
  const taken = new Set<string>();
  const day = 24 * 3600_000;

  const make = (department: string, jobTitle: string, managerId: string | null): SimUser => {
    let given: string, family: string, local: string;
    do {
      given = pick(GIVEN);
      family = pick(FAMILY);
      local = `${mailPart(given)}.${mailPart(family)}`;
      if (taken.has(local)) local = `${local}${taken.size}`;
    } while (taken.has(local));
    taken.add(local);
    const upn = `${local}@${tenant.defaultDomain}`;
    // About one person in twelve has a leave date: most ahead (the queue), a few behind.
    const leaving = rand() < 1 / 12;
    const leaveInDays = floor(rand() * 120) - 15;
    return {
      id: guid(rand),
      displayName: `${given} ${family}`,
      givenName: given,
      surname: family,
      userPrincipalName: upn,
      mail: upn,
      jobTitle,
      department,
      managerId,
      accountEnabled: true,
      employeeLeaveDateTime: leaving ? new Date(floor((now.getTime() + leaveInDays * day) / day) * day + 17 * 3600_000).toISOString() : null,
      createdDateTime: new Date(now.getTime() - floor(rand() * 2000 + 30) * day).toISOString(),
    };
  };

  const ceo = make('Executive', 'Chief Executive Officer', null);
  users.push(ceo);
  const heads = DEPARTMENTS.map(([dept]) => make(dept, `Head of ${dept}`, ceo.id));
  users.push(...heads);
  while (users.length < opts.users) {
    const d = floor(rand() * DEPARTMENTS.length);
    const [dept, titles] = DEPARTMENTS[d]!;
    users.push(make(dept, pick(titles), heads[d]!.id));
  }
  return { tenant, users: users.slice(0, Math.max(1, opts.users)) };
}
