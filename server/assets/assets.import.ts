import { parse as parseCsv } from 'csv-parse/sync';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit, type AuditContext } from '../audit/audit.service.js';
import type { Db } from '../db/store.js';
import { UserError } from '../errors.js';
import { employees } from '../m365/m365.schema.js';
import { hardware, seats } from './assets.schema.js';
import { HARDWARE_STATUSES, type ImportResult } from './contract.js';

/**
 * Hardware and seats from CSV (a header row; column names in any case, spaces or underscores).
 * Every line is checked before anything is written: a file with a bad line is refused whole,
 * naming each bad line, and a good file lands in one transaction.
 *
 * Hardware: model (required), asset_tag, serial, name, manufacturer, location, status,
 * assigned_to (UPN or mail). A line whose asset tag (else serial) matches existing hardware updates it.
 * Seats: product and vendor (required), holder (UPN or mail), cost (per month, e.g. 12.50), currency.
 * A line matching a hand-entered seat of the same product, vendor and holder updates its cost.
 */

const MAX_LINES = 20_000;
const norm = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, '');
const ALIASES: Record<string, string> = { serialnumber: 'serial', tag: 'assettag', assignee: 'assignedto', user: 'assignedto', seatholder: 'holder', assignedto: 'assignedto', monthlycost: 'cost', price: 'cost' };
const text = (max: number) => z.string().trim().max(max).optional().transform((v) => (v ? v : null));

const hardwareLine = z.object({
  model: z.string().trim().min(1, 'model is required').max(200),
  assettag: text(100),
  serial: text(100),
  name: text(200),
  manufacturer: text(100),
  location: text(200),
  status: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => v.replace(/[\s-]+/g, '_'))
    .pipe(z.enum(HARDWARE_STATUSES, { message: `status must be one of ${HARDWARE_STATUSES.join(', ')}` }))
    .optional()
    .or(z.literal('').transform(() => undefined)),
  assignedto: text(320),
});

const seatLine = z.object({
  product: z.string().trim().min(1, 'product is required').max(200),
  vendor: z.string().trim().min(1, 'vendor is required').max(200),
  holder: text(320),
  cost: z
    .string()
    .trim()
    .optional()
    .transform((v, c) => {
      if (!v) return null;
      const n = Number(v.replace(/^[$€£]/, ''));
      if (!Number.isFinite(n) || n < 0 || n > 1_000_000) {
        c.addIssue({ code: 'custom', message: `cost must be an amount such as 12.50, not "${v}"` });
        return z.NEVER;
      }
      return Math.round(n * 100);
    }),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((v) => v || 'USD')
    .pipe(z.string().regex(/^[A-Z]{3}$/, 'currency must be a three-letter code such as USD')),
});

function rowsOf(csv: string): { line: number; record: Record<string, string> }[] {
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    parsed = parseCsv(csv, {
      columns: (header: string[]) => header.map((h) => ALIASES[norm(h)] ?? norm(h)),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
      info: true,
    }) as typeof parsed;
  } catch (err) {
    throw new UserError(400, 'invalid_csv', `The CSV could not be read: ${(err as Error).message}`);
  }
  if (parsed.length === 0) throw new UserError(400, 'empty_csv', 'The CSV has a header but no lines.');
  if (parsed.length > MAX_LINES) throw new UserError(400, 'csv_too_long', `The CSV has ${parsed.length} lines; import at most ${MAX_LINES} at a time.`);
  return parsed.map((p) => ({ line: p.info.lines, record: p.record }));
}

function check<T>(schema: z.ZodType<T>, rows: { line: number; record: Record<string, string> }[], errors: ImportResult['errors']) {
  const ok: { line: number; value: T }[] = [];
  for (const r of rows) {
    const res = schema.safeParse(r.record);
    if (res.success) ok.push({ line: r.line, value: res.data });
    else errors.push({ line: r.line, message: res.error.issues.map((i) => i.message).join('; ') });
  }
  return ok;
}

async function peopleByAddress(db: Db, orgId: string, addresses: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
  if (!wanted.length) return new Map();
  const rows = await db
    .select({ id: employees.id, upn: employees.userPrincipalName, mail: employees.mail })
    .from(employees)
    .where(and(eq(employees.orgId, orgId), sql`(lower(${employees.userPrincipalName}) = ANY(${sql.param(wanted)}::text[]) OR lower(${employees.mail}) = ANY(${sql.param(wanted)}::text[]))`));
  const map = new Map<string, string>();
  for (const r of rows) {
    map.set(r.upn.toLowerCase(), r.id);
    if (r.mail) map.set(r.mail.toLowerCase(), r.id);
  }
  return map;
}

const refuse = (errors: ImportResult['errors']) =>
  new UserError(400, 'invalid_csv', `${errors.length} line(s) of the CSV cannot be imported; nothing was imported. Line ${errors[0]!.line}: ${errors[0]!.message}`, { errors });

export async function importHardware(db: Db, orgId: string, csv: string, ctx: AuditContext): Promise<ImportResult> {
  const errors: ImportResult['errors'] = [];
  const lines = check(hardwareLine, rowsOf(csv), errors);
  const people = await peopleByAddress(db, orgId, lines.flatMap((l) => (l.value.assignedto ? [l.value.assignedto] : [])));
  const seenTags = new Map<string, number>();
  for (const l of lines) {
    if (l.value.assignedto && !people.has(l.value.assignedto.toLowerCase())) errors.push({ line: l.line, message: `no synced person has the address ${l.value.assignedto}` });
    const tag = l.value.assettag?.toLowerCase();
    if (tag && seenTags.has(tag)) errors.push({ line: l.line, message: `asset tag ${l.value.assettag} is also on line ${seenTags.get(tag)}` });
    if (tag) seenTags.set(tag, l.line);
  }
  if (errors.length) throw refuse(errors.sort((a, b) => a.line - b.line));

  return db.transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    for (const { value: v } of lines) {
      const holderId = v.assignedto ? people.get(v.assignedto.toLowerCase())! : null;
      if (holderId) await tx.execute(sql`SELECT 1 FROM employees WHERE id = ${holderId} FOR SHARE`);
      const [existing] = v.assettag
        ? await tx.select().from(hardware).where(and(eq(hardware.orgId, orgId), sql`lower(${hardware.assetTag}) = lower(${v.assettag})`))
        : v.serial
          ? await tx.select().from(hardware).where(and(eq(hardware.orgId, orgId), eq(hardware.serial, v.serial)))
          : [];
      const details = { model: v.model, assetTag: v.assettag ?? existing?.assetTag ?? null, serial: v.serial ?? existing?.serial ?? null, name: v.name ?? existing?.name ?? null, manufacturer: v.manufacturer ?? existing?.manufacturer ?? null, location: v.location ?? existing?.location ?? null };
      const assignment = holderId
        ? { assignedTo: holderId, status: 'assigned' as const, assignedSince: existing?.assignedTo === holderId ? existing.assignedSince : new Date() }
        : v.status && v.status !== 'assigned' && !existing?.assignedTo
          ? { status: v.status }
          : {};
      if (existing) {
        await tx.update(hardware).set({ ...details, ...assignment, updatedAt: new Date() }).where(eq(hardware.id, existing.id));
        updated++;
      } else {
        await tx.insert(hardware).values({ orgId, source: 'manual', ...details, status: 'in_stock', ...assignment });
        created++;
      }
    }
    await appendAudit(tx, ctx, { orgId, action: 'hardware.imported', details: { created, updated, lines: lines.length } });
    return { created, updated, errors: [] };
  });
}

export async function importSeats(db: Db, orgId: string, csv: string, ctx: AuditContext): Promise<ImportResult> {
  const errors: ImportResult['errors'] = [];
  const lines = check(seatLine, rowsOf(csv), errors);
  const people = await peopleByAddress(db, orgId, lines.flatMap((l) => (l.value.holder ? [l.value.holder] : [])));
  for (const l of lines) if (l.value.holder && !people.has(l.value.holder.toLowerCase())) errors.push({ line: l.line, message: `no synced person has the address ${l.value.holder}` });
  if (errors.length) throw refuse(errors.sort((a, b) => a.line - b.line));

  return db.transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    for (const { value: v } of lines) {
      const holderId = v.holder ? people.get(v.holder.toLowerCase())! : null;
      if (holderId) await tx.execute(sql`SELECT 1 FROM employees WHERE id = ${holderId} FOR SHARE`);
      const [existing] = holderId
        ? await tx
            .select({ id: seats.id })
            .from(seats)
            .where(and(eq(seats.orgId, orgId), eq(seats.source, 'manual'), eq(seats.holderId, holderId), sql`lower(${seats.product}) = lower(${v.product})`, sql`lower(${seats.vendor}) = lower(${v.vendor})`))
            .limit(1)
        : [];
      if (existing) {
        await tx.update(seats).set({ costCents: v.cost, currency: v.currency, updatedAt: new Date() }).where(eq(seats.id, existing.id));
        updated++;
      } else {
        await tx.insert(seats).values({ orgId, source: 'manual', product: v.product, vendor: v.vendor, holderId, status: holderId ? 'assigned' : 'free', assignedSince: holderId ? new Date() : null, costCents: v.cost, currency: v.currency });
        created++;
      }
    }
    await appendAudit(tx, ctx, { orgId, action: 'seats.imported', details: { created, updated, lines: lines.length } });
    return { created, updated, errors: [] };
  });
}
