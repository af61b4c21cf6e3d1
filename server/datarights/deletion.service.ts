import fs from 'node:fs/promises';
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import type pg from 'pg';
import { appendAudit, GENESIS_HASH, type AuditContext } from '../audit/audit.service.js';
import type { Store } from '../db/store.js';
import { UserError, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import { organisations } from '../orgs/orgs.schema.js';
import { DELETION_GRACE_DAYS, type DeletionRequest } from './contract.js';
import { deletionRequests } from './datarights.schema.js';
import { exportFileName } from './exports.service.js';
import { ORG_TABLES, OTHER_TABLES } from './org-data.js';

export const PURGE_JOB = 'datarights.purge-due';

const DAY = 86_400_000;
const UUID_IN_TEXT = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

type RequestRow = typeof deletionRequests.$inferSelect;

const present = (r: RequestRow): DeletionRequest => ({
  requestedAt: r.requestedAt.toISOString(),
  purgeAfter: r.purgeAfter.toISOString(),
  cancelledAt: r.cancelledAt?.toISOString() ?? null,
  requestedBy: r.requestedByName,
});

export interface PurgeResult {
  orgId: string;
  rowsRemoved: Record<string, number>;
  auditEntries: number;
  auditLastHash: string;
}

export interface DeletionDeps {
  store: Store;
  /** The exports' folder: an organisation's zips are removed with it. */
  exportsDir: string;
  log: Logger;
}

/**
 * Deletion of an organisation: an Owner asks (typing its name), may cancel for 7 days, then a
 * daily job purges every row of it in one transaction, leaving only a tombstone.
 */
export function createDeletionService(deps: DeletionDeps) {
  const { store } = deps;
  const db = store.db;
  const log = deps.log.child({ module: 'datarights.deletion' });

  async function pendingRow(orgId: string): Promise<RequestRow | null> {
    const [r] = await db.select().from(deletionRequests).where(and(eq(deletionRequests.orgId, orgId), isNull(deletionRequests.cancelledAt)));
    return r ?? null;
  }

  /** Every row of one organisation, in one transaction; null when its request is no longer due (cancelled, or purged already). */
  async function purgeOrg(orgId: string, now: Date): Promise<PurgeResult | null> {
    const client = await store.pool.connect();
    let exportIds: string[] = [];
    let result: PurgeResult | null = null;
    try {
      await client.query('BEGIN');
      const q = (text: string, values: unknown[] = []) => client.query(text, values);
      const request = await q('SELECT requested_at FROM deletion_requests WHERE org_id = $1 AND cancelled_at IS NULL AND purge_after <= $2 FOR UPDATE', [orgId, now]);
      if (!request.rows[0]) {
        await client.query('ROLLBACK');
        return null;
      }
      const requestedAt = request.rows[0].requested_at as Date;

      // Everything that names the organisation outside its own tables (jobs, counters) does so by these ids.
      const ids = async (sql: string) => (await q(sql, [orgId])).rows.map((r) => String(r.id));
      const memberRows = (await q('SELECT id, user_id FROM members WHERE org_id = $1', [orgId])).rows as { id: string; user_id: string }[];
      exportIds = await ids('SELECT id FROM data_exports WHERE org_id = $1');
      const named = new Set<string>([
        orgId,
        ...memberRows.map((m) => m.id),
        ...exportIds,
        ...(await ids('SELECT id FROM tenants WHERE org_id = $1')),
        ...(await ids('SELECT id FROM offboarding_runs WHERE org_id = $1')),
        ...(await ids('SELECT id FROM employees WHERE org_id = $1')),
        ...(await ids('SELECT id FROM webhook_deliveries WHERE org_id = $1')),
        ...(await ids('SELECT id FROM integration_rules WHERE org_id = $1')),
        ...(await ids('SELECT id FROM org_events WHERE org_id = $1')),
      ].map((id) => id.toLowerCase()));

      const audit = await q('SELECT count(*)::int AS n, (SELECT hash FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1) AS last FROM audit_events WHERE org_id = $1', [orgId]);
      const rowsRemoved: Record<string, number> = {};
      const count = (table: string, res: pg.QueryResult) => {
        rowsRemoved[table] = (rowsRemoved[table] ?? 0) + (res.rowCount ?? 0);
      };

      // The audit trail's trigger lets this transaction, and only it, delete this organisation's entries.
      await q("SELECT set_config('offramp.purge_org', $1, true)", [orgId]);

      // A table with an org_id column that org-data.ts does not know yet: its rows go too.
      const known = new Set([...ORG_TABLES.map((t) => t.table), ...Object.keys(OTHER_TABLES)]);
      const unknown = (await q("SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'org_id'")).rows
        .map((r) => String(r.table_name))
        .filter((t) => !known.has(t));
      for (const table of unknown) {
        log.warn({ table }, 'a table with an org_id column is not in org-data.ts: purged by org_id');
        count(table, await q(`DELETE FROM "${table}" WHERE org_id = $1`, [orgId]));
      }
      for (const t of ORG_TABLES) count(t.table, await q(`DELETE FROM ${t.table} WHERE ${t.scope}`, [orgId]));

      // Jobs whose payload (or failure) names the organisation's runs, tenants, deliveries, exports…
      count(
        'agenda_jobs',
        await q(
          `DELETE FROM agenda_jobs j WHERE EXISTS (
             SELECT 1 FROM regexp_matches(coalesce(j.data::text, '') || ' ' || coalesce(j.fail_reason, ''), '${UUID_IN_TEXT}', 'g') AS m(x)
             WHERE lower(m.x[1]) = ANY($1::text[]))`,
          [[...named]],
        ),
      );
      // Rate limit counters keyed by the organisation or a member (destructive-org:<id>, destructive-member:<id>).
      count('rate_limits', await q('DELETE FROM rate_limits WHERE key LIKE ANY($1::text[])', [[orgId, ...memberRows.map((m) => m.id)].map((id) => `%${id}%`)]));

      // People left with no organisation at all (and named by no other organisation's rows), with their sessions.
      const gone = (
        await q(
          `SELECT u.id, u.tenant_id, u.object_id FROM users u WHERE u.id = ANY($1::uuid[])
             AND NOT EXISTS (SELECT 1 FROM members m WHERE m.user_id = u.id)
             AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.created_by = u.id)
             AND NOT EXISTS (SELECT 1 FROM invites i WHERE i.accepted_by = u.id)`,
          [[...new Set(memberRows.map((m) => m.user_id))]],
        )
      ).rows as { id: string; tenant_id: string; object_id: string }[];
      const goneIds = gone.map((u) => u.id);
      count('sessions', await q('DELETE FROM sessions WHERE user_id = ANY($1::uuid[])', [goneIds]));
      // Their personal chats with the bot that no organisation claimed.
      count(
        'bot_conversations',
        await q(
          `DELETE FROM bot_conversations b WHERE b.org_id IS NULL AND EXISTS (
             SELECT 1 FROM unnest($1::text[], $2::text[]) AS p(tid, oid) WHERE lower(b.tenant_id) = lower(p.tid) AND lower(b.user_object_id) = lower(p.oid))`,
          [gone.map((u) => u.tenant_id), gone.map((u) => u.object_id)],
        ),
      );
      count('users', await q('DELETE FROM users WHERE id = ANY($1::uuid[])', [goneIds]));

      result = { orgId, rowsRemoved, auditEntries: audit.rows[0].n as number, auditLastHash: (audit.rows[0].last as string | null) ?? GENESIS_HASH };
      await q('INSERT INTO org_tombstones (org_id, requested_at, purged_at, rows_removed, audit_entries, audit_last_hash) VALUES ($1, $2, now(), $3, $4, $5)', [
        orgId,
        requestedAt,
        JSON.stringify(rowsRemoved),
        result.auditEntries,
        result.auditLastHash,
      ]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    // Files cannot be in the transaction: removed once the rows are gone for good.
    for (const id of exportIds) {
      await fs.rm(path.join(deps.exportsDir, exportFileName(id)), { force: true });
      await fs.rm(path.join(deps.exportsDir, `${exportFileName(id)}.part`), { force: true });
    }
    log.info({ orgId, rows: Object.values(result.rowsRemoved).reduce((a, b) => a + b, 0) }, 'organisation purged');
    return result;
  }

  return {
    async pending(orgId: string): Promise<DeletionRequest> {
      const r = await pendingRow(orgId);
      if (!r) throw notFound('A pending deletion request');
      return present(r);
    },

    /** Asks for the organisation's deletion; `confirmName` must be its exact name. */
    async request(orgId: string, confirmName: string, ctx: AuditContext): Promise<DeletionRequest> {
      return store.transaction(async (tx) => {
        const [org] = await tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, orgId)).for('update');
        if (!org) throw notFound('That organisation');
        if (confirmName.trim() !== org.name) {
          throw new UserError(400, 'name_mismatch', `confirmName does not match the organisation’s name: type “${org.name}” exactly (capitals and spaces count).`, { field: 'confirmName' });
        }
        const [open] = await tx.select().from(deletionRequests).where(and(eq(deletionRequests.orgId, orgId), isNull(deletionRequests.cancelledAt)));
        if (open) throw new UserError(409, 'deletion_pending', `Deletion was already requested; it happens after ${open.purgeAfter.toISOString()} unless cancelled.`, { ...present(open) });
        const requestedAt = new Date();
        const [row] = await tx
          .insert(deletionRequests)
          .values({ orgId, requestedBy: ctx.actor.memberId, requestedByName: ctx.actor.name, requestedAt, purgeAfter: new Date(requestedAt.getTime() + DELETION_GRACE_DAYS * DAY) })
          .returning();
        await appendAudit(tx, ctx, { orgId, action: 'org.deletion_requested', target: { type: 'organisation', id: orgId, label: org.name }, details: { purgeAfter: row!.purgeAfter.toISOString() } });
        return present(row!);
      });
    },

    /** Cancels the pending request, while its purge date has not come. */
    async cancel(orgId: string, ctx: AuditContext): Promise<DeletionRequest> {
      return store.transaction(async (tx) => {
        const [open] = await tx.select().from(deletionRequests).where(and(eq(deletionRequests.orgId, orgId), isNull(deletionRequests.cancelledAt))).for('update');
        if (!open) throw notFound('A pending deletion request');
        const now = new Date();
        if (open.purgeAfter <= now) throw new UserError(409, 'deletion_due', 'The cancel window has closed: the organisation is being deleted.');
        const [row] = await tx.update(deletionRequests).set({ cancelledAt: now, cancelledBy: ctx.actor.memberId }).where(eq(deletionRequests.id, open.id)).returning();
        await appendAudit(tx, ctx, { orgId, action: 'org.deletion_cancelled', target: { type: 'organisation', id: orgId }, details: { requestedAt: open.requestedAt.toISOString() } });
        return present(row!);
      });
    },

    purgeOrg,

    /** Purges every organisation whose request is past its purge date (`now`: tests move it). */
    async purgeDue(now = new Date()): Promise<PurgeResult[]> {
      const due = await store.pool.query<{ org_id: string }>('SELECT org_id FROM deletion_requests WHERE cancelled_at IS NULL AND purge_after <= $1 ORDER BY purge_after', [now]);
      const done: PurgeResult[] = [];
      for (const { org_id: orgId } of due.rows) {
        try {
          const r = await purgeOrg(orgId, now);
          if (r) done.push(r);
        } catch (err) {
          log.error({ err, orgId }, 'purge failed: it is tried again at the next run');
        }
      }
      return done;
    },
  };
}

export type DeletionService = ReturnType<typeof createDeletionService>;
