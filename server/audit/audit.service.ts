import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, asc, desc, eq, gte, ilike, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { containing } from '../db/like.js';
import type { Db } from '../db/store.js';
import { auditEvents } from './audit.schema.js';

/** Who did something: a member acting in an organisation, or the system (a job). */
export interface AuditActor {
  memberId: string | null;
  userId: string | null;
  name: string;
  role: string | null;
  tid: string | null;
  oid: string | null;
}

export type AuditSource = 'tab' | 'bot' | 'api' | 'job';

/** Where a change comes from, passed down from the door (HTTP, bot, job) to the service. */
export interface AuditContext {
  actor: AuditActor;
  source: AuditSource;
  requestId: string | null;
}

/** Offramp itself (a job, a webhook from a service) as the actor. */
export const SYSTEM_CONTEXT: AuditContext = {
  actor: { memberId: null, userId: null, name: 'Offramp', role: null, tid: null, oid: null },
  source: 'job',
  requestId: null,
};

export interface AuditEntryInput {
  orgId: string;
  action: string;
  target?: { type: string; id: string; label?: string | null };
  outcome?: 'success' | 'failure' | 'denied';
  details?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

type AuditRow = typeof auditEvents.$inferSelect;

/** The hash of an entry: sha256 over the canonical JSON (RFC 8785) of every field but its own hash. */
export function entryHash(row: Omit<AuditRow, 'id' | 'hash'>): string {
  const material = canonicalize({
    orgId: row.orgId,
    seq: row.seq,
    at: row.at.toISOString(),
    actor: [row.actorMemberId, row.actorUserId, row.actorName, row.actorRole, row.actorTid, row.actorOid],
    action: row.action,
    target: [row.targetType, row.targetId, row.targetLabel],
    source: row.source,
    outcome: row.outcome,
    requestId: row.requestId,
    details: row.details,
    prevHash: row.prevHash,
  });
  return createHash('sha256').update(material!).digest('hex');
}

/**
 * Appends an entry to its organisation's chain. Call it with the transaction that makes the
 * change it records, so that both land or neither does.
 */
export async function appendAudit(tx: Db, ctx: AuditContext, entry: AuditEntryInput): Promise<{ seq: number; hash: string }> {
  // One writer per organisation's chain at a time.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${'audit:' + entry.orgId}, 0))`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.orgId, entry.orgId))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const row: Omit<AuditRow, 'id' | 'hash'> = {
    orgId: entry.orgId,
    seq: (last?.seq ?? 0) + 1,
    at: new Date(),
    actorMemberId: ctx.actor.memberId,
    actorUserId: ctx.actor.userId,
    actorName: ctx.actor.name,
    actorRole: ctx.actor.role,
    actorTid: ctx.actor.tid,
    actorOid: ctx.actor.oid,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    targetLabel: entry.target?.label ?? null,
    source: ctx.source,
    outcome: entry.outcome ?? 'success',
    requestId: ctx.requestId,
    details: entry.details ?? {},
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = entryHash(row);
  await tx.insert(auditEvents).values({ ...row, hash });
  return { seq: row.seq, hash };
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  source?: AuditSource;
  outcome?: 'success' | 'failure' | 'denied';
  from?: Date;
  to?: Date;
  /** Entries with a smaller seq than this (paging, newest first). */
  before?: number;
}

function where(orgId: string, f: AuditFilter): SQL | undefined {
  return and(
    eq(auditEvents.orgId, orgId),
    f.action ? ilike(auditEvents.action, containing(f.action)) : undefined,
    f.actor ? or(ilike(auditEvents.actorName, containing(f.actor)), sql`${auditEvents.actorOid}::text = ${f.actor}`) : undefined,
    f.source ? eq(auditEvents.source, f.source) : undefined,
    f.outcome ? eq(auditEvents.outcome, f.outcome) : undefined,
    f.from ? gte(auditEvents.at, f.from) : undefined,
    f.to ? lte(auditEvents.at, f.to) : undefined,
    f.before ? lt(auditEvents.seq, f.before) : undefined,
  );
}

export async function listAudit(db: Db, orgId: string, f: AuditFilter, limit: number): Promise<{ entries: AuditRow[]; nextBefore: number | null }> {
  const rows = await db.select().from(auditEvents).where(where(orgId, f)).orderBy(desc(auditEvents.seq)).limit(limit + 1);
  const entries = rows.slice(0, limit);
  return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1]!.seq : null };
}

/** Every matching entry, oldest first, a page at a time (for the CSV export). */
export async function* allAudit(db: Db, orgId: string, f: AuditFilter): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(and(where(orgId, f), sql`${auditEvents.seq} > ${after}`))
      .orderBy(asc(auditEvents.seq))
      .limit(500);
    yield* page;
    if (page.length < 500) return;
    after = page[page.length - 1]!.seq;
  }
}

export type ChainReport =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; brokenAt: { seq: number; reason: string } };

/** Walks an organisation's chain from the start and reports the first broken link. */
export async function verifyChain(db: Db, orgId: string): Promise<ChainReport> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for await (const row of allAudit(db, orgId, {})) {
    entries++;
    const broken = (reason: string): ChainReport => ({ ok: false, entries, brokenAt: { seq: row.seq, reason } });
    if (row.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing: the chain jumps to ${row.seq}`);
    if (row.prevHash !== prevHash) return broken('its link to the previous entry does not match that entry’s hash');
    if (entryHash(row) !== row.hash) return broken('its content does not match its hash: the entry was changed');
    prevHash = row.hash;
    expectedSeq++;
  }
  return { ok: true, entries, lastHash: prevHash };
}
