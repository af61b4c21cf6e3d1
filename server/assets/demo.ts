import { createHash } from 'node:crypto';
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import { employees } from '../m365/m365.schema.js';
import { assetRequests, hardware, seats } from './assets.schema.js';

/**
 * Sample assets for an organisation that connected the demo tenant, once: what a real
 * organisation has besides Intune devices and licences (monitors, docks, badges, SaaS seats,
 * requests), mostly on the people who are leaving, so the queue and checklists look lived in.
 * Two people who left over a week ago are recorded as offboarded yet still hold a laptop: the
 * queue's safety net. The same tenant always gets the same sample.
 */

const ACCESSORIES = [
  { model: 'Dell UltraSharp U2723QE', manufacturer: 'Dell', prefix: 'MON' },
  { model: 'Lenovo ThinkPad USB-C Dock Gen 2', manufacturer: 'Lenovo', prefix: 'DCK' },
  { model: 'Jabra Evolve2 65', manufacturer: 'Jabra', prefix: 'HDS' },
  { model: 'HID iCLASS SE badge', manufacturer: 'HID', prefix: 'BDG' },
  { model: 'YubiKey 5 NFC', manufacturer: 'Yubico', prefix: 'KEY' },
];
const SAAS = [
  { product: 'Slack Business+', vendor: 'Slack', cents: 1250 },
  { product: 'Zoom Workplace Pro', vendor: 'Zoom', cents: 1333 },
  { product: 'Adobe Creative Cloud', vendor: 'Adobe', cents: 8999 },
  { product: 'GitHub Enterprise', vendor: 'GitHub', cents: 2100 },
  { product: 'Salesforce Sales Cloud', vendor: 'Salesforce', cents: 16500 },
  { product: 'Atlassian Jira', vendor: 'Atlassian', cents: 815 },
];
const REQUESTS = ['Courier box for laptop return', 'Transfer Figma files to the team', 'Final expense report sign-off', 'Replacement charger', 'Hand over the shared drive folder'];
const LOCATIONS = ['London office, IT store', 'Seattle HQ, floor 3', 'Remote (home office)', 'Berlin office'];

/** A number in [0, 1) fixed by the words: the sample is the same every time. */
const chance = (...words: string[]) => createHash('sha256').update(words.join('|')).digest().readUInt32BE(0) / 2 ** 32;
const pick = <T>(list: readonly T[], ...words: string[]) => list[Math.floor(chance(...words) * list.length)]!;
const DAY = 86_400_000;

export async function seedDemoAssets(db: Db, orgId: string, tenantRef: string, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    // Once per organisation: never on top of what people entered.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${'demo-assets:' + orgId}, 0))`);
    const [done] = await tx.select({ id: hardware.id }).from(hardware).where(and(eq(hardware.orgId, orgId), eq(hardware.source, 'manual'))).limit(1);
    if (done) return;
    const leavers = await tx
      .select()
      .from(employees)
      .where(and(eq(employees.tenantRef, tenantRef), isNotNull(employees.leaveDate), sql`${employees.removedAt} IS NULL`))
      .orderBy(asc(employees.leaveDate));
    if (!leavers.length) return;
    let tag = 1000;
    const nextTag = (prefix: string) => `${prefix}-${++tag}`;
    const hw: (typeof hardware.$inferInsert)[] = [];
    const st: (typeof seats.$inferInsert)[] = [];
    const rq: (typeof assetRequests.$inferInsert)[] = [];

    // The safety net: two who left over a week ago, recorded as offboarded, still holding a laptop
    // (people without a leave date stand in when the tenant has too few such leavers).
    const longGone = leavers.filter((e) => e.leaveDate!.getTime() < now.getTime() - 7 * DAY).slice(0, 2);
    if (longGone.length < 2) {
      const stand = await tx
        .select()
        .from(employees)
        .where(and(eq(employees.tenantRef, tenantRef), sql`${employees.leaveDate} IS NULL AND ${employees.removedAt} IS NULL AND ${employees.accountEnabled}`))
        .orderBy(asc(employees.displayName))
        .limit(2 - longGone.length);
      longGone.push(...stand.map((e, i) => ({ ...e, leaveDate: new Date(Math.floor(now.getTime() / DAY) * DAY - (20 + 25 * i) * DAY + 17 * 3600_000) })));
    }
    for (const e of longGone) {
      await tx
        .update(employees)
        .set({ status: 'offboarded', leaveDate: e.leaveDate, offboardedAt: new Date(e.leaveDate!.getTime() + 2 * DAY), offboardedBy: 'Imported from the previous checklist' })
        .where(eq(employees.id, e.id));
      hw.push({ orgId, source: 'manual', model: 'MacBook Pro 14" (M3)', manufacturer: 'Apple', assetTag: nextTag('LAP'), serial: `C02${e.id.slice(0, 7).toUpperCase()}`, location: 'Not returned', status: 'assigned', assignedTo: e.id, assignedSince: e.hireDate ?? new Date(now.getTime() - 400 * DAY) });
    }
    const gone = new Set(longGone.map((e) => e.id));

    for (const e of leavers.filter((x) => !gone.has(x.id))) {
      const since = e.hireDate ?? new Date(now.getTime() - 300 * DAY);
      if (chance(e.id, 'hw') < 0.7) {
        const a = pick(ACCESSORIES, e.id, 'model');
        hw.push({ orgId, source: 'manual', model: a.model, manufacturer: a.manufacturer, assetTag: nextTag(a.prefix), serial: createHash('sha1').update(e.id).digest('hex').slice(0, 10).toUpperCase(), location: pick(LOCATIONS, e.id, 'loc'), status: 'assigned', assignedTo: e.id, assignedSince: since });
      }
      const seatsHeld = chance(e.id, 'seats') < 0.8 ? 1 + Math.floor(chance(e.id, 'n') * 2) : 0;
      for (let i = 0; i < seatsHeld; i++) {
        const s = pick(SAAS, e.id, 'saas', String(i));
        if (st.some((x) => x.holderId === e.id && x.product === s.product)) continue;
        st.push({ orgId, source: 'manual', product: s.product, vendor: s.vendor, holderId: e.id, status: 'assigned', assignedSince: since, costCents: s.cents, currency: 'USD' });
      }
      if (chance(e.id, 'req') < 0.25) {
        rq.push({ orgId, employeeId: e.id, what: pick(REQUESTS, e.id, 'what'), status: chance(e.id, 'approved') < 0.4 ? 'approved' : 'pending', requestedByName: 'IT service desk' });
      }
    }
    // Spares on the shelf, and free seats to hand out.
    for (let i = 0; i < 8; i++) {
      const a = ACCESSORIES[i % ACCESSORIES.length]!;
      hw.push({ orgId, source: 'manual', model: a.model, manufacturer: a.manufacturer, assetTag: nextTag(a.prefix), location: LOCATIONS[i % LOCATIONS.length], status: i === 7 ? 'in_repair' : 'in_stock' });
    }
    for (const s of SAAS.slice(0, 3)) st.push({ orgId, source: 'manual', product: s.product, vendor: s.vendor, status: 'free', costCents: s.cents, currency: 'USD' });

    await tx.insert(hardware).values(hw);
    await tx.insert(seats).values(st);
    if (rq.length) await tx.insert(assetRequests).values(rq);
  });
}
