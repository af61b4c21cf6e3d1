import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import { and, desc, eq, gte, inArray, lt } from 'drizzle-orm';
import yazl from 'yazl';
import { appendAudit, allAudit, type AuditContext } from '../audit/audit.service.js';
import type { Config } from '../config.js';
import type { Store } from '../db/store.js';
import { UserError, notFound } from '../errors.js';
import type { JobContext, JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../log.js';
import { FINISHED_STATES } from '../offboarding/contract.js';
import type { RunsService } from '../offboarding/runs.service.js';
import { organisations } from '../orgs/orgs.schema.js';
import { renderCompliancePdf } from '../reports/compliance-pdf.js';
import { EXPORT_RETENTION_DAYS, type DataExport } from './contract.js';
import { dataExports } from './datarights.schema.js';
import { MEMBERS_EXPORT_SQL, ORG_TABLES, OTHER_TABLES } from './org-data.js';

export const EXPORT_JOB = 'datarights.export';
export const EXPORT_CLEANUP_JOB = 'datarights.export-cleanup';

const DAY = 86_400_000;
/** An export queued or running for longer than this lost its job: another may start. */
const STALE_MS = 3_600_000;

/** The columns of audit.csv: those of the audit API's CSV export. */
const AUDIT_COLUMNS = ['seq', 'at', 'actor', 'actor_role', 'actor_tid', 'actor_oid', 'action', 'target_type', 'target_id', 'target', 'source', 'outcome', 'request_id', 'details', 'prev_hash', 'hash'];

type ExportRow = typeof dataExports.$inferSelect;

const present = (r: ExportRow): DataExport => ({
  id: r.id,
  status: r.status,
  progress: r.progress,
  sizeBytes: r.sizeBytes,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  error: r.error,
});

/** Where the zips are written: the data folder, or the system's temporary folder when the store is in memory. */
export const exportsDirOf = (config: Pick<Config, 'store' | 'dataDir'>) =>
  config.store.kind === 'embedded' && config.store.dataDir === null ? path.join(os.tmpdir(), 'offramp-exports') : path.join(config.dataDir, 'exports');

export const exportFileName = (exportId: string) => `${exportId}.zip`;

export interface ExportsDeps {
  store: Store;
  jobs: JobQueue;
  runs: RunsService;
  /** The folder the zips are written to. */
  dir: string;
  log: Logger;
}

/**
 * Exports of an organisation's data: a job writes a zip with one JSON file per table (secrets
 * left out), each ended run's compliance PDF and the audit trail as CSV; kept 7 days.
 */
export function createExportsService(deps: ExportsDeps) {
  const { store, dir } = deps;
  const db = store.db;
  const log = deps.log.child({ module: 'datarights.exports' });

  async function rowOf(orgId: string, exportId: string): Promise<ExportRow> {
    const [r] = await db.select().from(dataExports).where(and(eq(dataExports.id, exportId), eq(dataExports.orgId, orgId)));
    if (!r) throw notFound('That export');
    return r;
  }

  async function setProgress(exportId: string, progress: number, ctx: JobContext): Promise<void> {
    await db.update(dataExports).set({ progress }).where(eq(dataExports.id, exportId));
    await ctx.touch(progress);
  }

  /** The organisation's rows of every exported table, each as JSON, secrets left out. */
  async function tableFiles(orgId: string): Promise<{ name: string; table: string; rows: unknown[] }[]> {
    const out: { name: string; table: string; rows: unknown[] }[] = [];
    for (const t of ORG_TABLES) {
      if (t.notExported || t.exportedAs) continue;
      const text = t.table === 'members' ? MEMBERS_EXPORT_SQL : `SELECT to_jsonb(t) - $2::text[] AS row FROM ${t.table} t WHERE ${t.scope}`;
      const params = t.table === 'members' ? [orgId] : [orgId, [...(t.omit ?? [])]];
      const { rows } = await store.pool.query(text, params);
      out.push({ name: `${t.table}.json`, table: t.table, rows: rows.map((r) => r.row) });
    }
    return out;
  }

  async function auditCsv(orgId: string): Promise<{ csv: Buffer; entries: number }> {
    const records: unknown[][] = [];
    for await (const r of allAudit(db, orgId, {})) {
      records.push([r.seq, r.at.toISOString(), r.actorName, r.actorRole, r.actorTid, r.actorOid, r.action, r.targetType, r.targetId, r.targetLabel, r.source, r.outcome, r.requestId, JSON.stringify(r.details), r.prevHash, r.hash]);
    }
    // A cell starting like a formula is shown as text by spreadsheets (CSV injection), as in the audit API's CSV.
    const csv = stringify(records, { header: true, columns: AUDIT_COLUMNS, cast: { string: (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v) } });
    return { csv: Buffer.from(csv, 'utf8'), entries: records.length };
  }

  /** The job: builds the zip next to its final name, then moves it there and marks the export ready. */
  async function build(exportId: string, ctx: JobContext): Promise<void> {
    const [row] = await db.select().from(dataExports).where(eq(dataExports.id, exportId));
    if (!row || row.status === 'ready') return;
    const orgId = row.orgId;
    await db.update(dataExports).set({ status: 'running', progress: 0, error: null }).where(eq(dataExports.id, exportId));
    await ctx.touch(0);
    await fs.mkdir(dir, { recursive: true });
    const finalPath = path.join(dir, exportFileName(exportId));
    const partPath = `${finalPath}.part`;
    try {
      const [org] = await db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(eq(organisations.id, orgId));
      if (!org) throw new Error('The organisation no longer exists.');
      const ended = await store.pool.query<{ id: string }>('SELECT id FROM offboarding_runs WHERE org_id = $1 AND state = ANY($2::text[]) ORDER BY created_at', [orgId, [...FINISHED_STATES]]);
      const total = ended.rows.length + 2;
      let done = 0;
      const step = async () => {
        done++;
        await setProgress(exportId, Math.min(99, Math.floor((done / total) * 100)), ctx);
      };

      const zip = new yazl.ZipFile();
      const written = pipeline(zip.outputStream, createWriteStream(partPath));
      const mtime = new Date();
      const files: Record<string, number> = {};
      for (const f of await tableFiles(orgId)) {
        zip.addBuffer(Buffer.from(JSON.stringify(f.rows, null, 2), 'utf8'), f.name, { mtime });
        files[f.name] = f.rows.length;
      }
      await step();
      for (const { id } of ended.rows) {
        if (ctx.signal.aborted) throw new Error('The process is stopping: the export starts again.');
        const pdf = await renderCompliancePdf(await deps.runs.reportData(orgId, id));
        zip.addBuffer(pdf, `reports/${id}.pdf`, { mtime, compress: false });
        files[`reports/${id}.pdf`] = 1;
        await step();
      }
      const audit = await auditCsv(orgId);
      zip.addBuffer(audit.csv, 'audit.csv', { mtime });
      files['audit.csv'] = audit.entries;
      const manifest = {
        organisation: { id: org.id, name: org.name },
        generatedAt: mtime.toISOString(),
        files,
        notExported: {
          ...Object.fromEntries(ORG_TABLES.filter((t) => t.notExported).map((t) => [t.table, t.notExported])),
          ...OTHER_TABLES,
        },
        columnsLeftOut: Object.fromEntries(ORG_TABLES.filter((t) => t.omit?.length).map((t) => [t.table, t.omit])),
      };
      zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2), 'utf8'), 'manifest.json', { mtime });
      zip.end();
      await written;
      await step();
      await fs.rename(partPath, finalPath);
      const { size } = await fs.stat(finalPath);
      const updated = await db
        .update(dataExports)
        .set({ status: 'ready', progress: 100, sizeBytes: size, fileName: exportFileName(exportId), finishedAt: new Date() })
        .where(eq(dataExports.id, exportId))
        .returning({ id: dataExports.id });
      // The organisation was purged while the zip was written: nothing of it stays on disk.
      if (updated.length === 0) await fs.rm(finalPath, { force: true });
      await ctx.touch(100);
    } catch (err) {
      await fs.rm(partPath, { force: true });
      if (ctx.signal.aborted) throw err; // handed back to the queue: runs again
      log.warn({ err, exportId, orgId }, 'export failed');
      await db
        .update(dataExports)
        .set({ status: 'failed', error: `The export failed: ${(err as Error).message}`, finishedAt: new Date() })
        .where(eq(dataExports.id, exportId));
    }
  }

  return {
    dir,
    build,

    /** Starts an export (one at a time per organisation). */
    async start(orgId: string, ctx: AuditContext): Promise<DataExport> {
      const row = await store.transaction(async (tx) => {
        const [busy] = await tx
          .select({ id: dataExports.id })
          .from(dataExports)
          .where(and(eq(dataExports.orgId, orgId), inArray(dataExports.status, ['queued', 'running']), gte(dataExports.createdAt, new Date(Date.now() - STALE_MS))))
          .limit(1);
        if (busy) throw new UserError(409, 'export_running', 'An export of this organisation is already under way: wait for it to finish.', { id: busy.id });
        const [created] = await tx.insert(dataExports).values({ orgId, requestedBy: ctx.actor.memberId }).returning();
        await appendAudit(tx, ctx, { orgId, action: 'data_export.requested', target: { type: 'data_export', id: created!.id } });
        return created!;
      });
      await deps.jobs.now(EXPORT_JOB, { exportId: row.id });
      return present(row);
    },

    async get(orgId: string, exportId: string): Promise<DataExport> {
      return present(await rowOf(orgId, exportId));
    },

    /** The exports still kept, newest first. */
    async list(orgId: string): Promise<DataExport[]> {
      const rows = await db
        .select()
        .from(dataExports)
        .where(and(eq(dataExports.orgId, orgId), gte(dataExports.createdAt, new Date(Date.now() - EXPORT_RETENTION_DAYS * DAY))))
        .orderBy(desc(dataExports.createdAt))
        .limit(20);
      return rows.map(present);
    },

    /** The zip of a ready export, for download (audited). */
    async file(orgId: string, exportId: string, ctx: AuditContext): Promise<{ path: string; downloadName: string; sizeBytes: number }> {
      const r = await rowOf(orgId, exportId);
      if (r.status !== 'ready' || !r.fileName) throw new UserError(409, 'export_not_ready', `This export is ${r.status}: it can be downloaded once it is ready.`);
      const file = path.join(dir, r.fileName);
      const stat = await fs.stat(file).catch(() => null);
      if (!stat) throw new UserError(410, 'export_gone', 'This export’s file is no longer kept: start a new export.');
      const [org] = await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, orgId));
      const slug = (org?.name ?? 'organisation').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'organisation';
      await store.transaction((tx) => appendAudit(tx, ctx, { orgId, action: 'data_export.downloaded', target: { type: 'data_export', id: exportId } }));
      return { path: file, downloadName: `offramp-export-${slug}-${r.createdAt.toISOString().slice(0, 10)}.zip`, sizeBytes: stat.size };
    },

    /** Removes exports (rows and files) older than the retention, and stray files of exports no longer known. */
    async cleanup(now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - EXPORT_RETENTION_DAYS * DAY);
      const old = await db.delete(dataExports).where(lt(dataExports.createdAt, cutoff)).returning({ id: dataExports.id });
      for (const { id } of old) {
        await fs.rm(path.join(dir, exportFileName(id)), { force: true });
        await fs.rm(path.join(dir, `${exportFileName(id)}.part`), { force: true });
      }
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        const id = name.match(/^([0-9a-f-]{36})\.zip(\.part)?$/)?.[1];
        if (!id) continue;
        const stat = await fs.stat(path.join(dir, name)).catch(() => null);
        if (!stat || stat.mtime >= cutoff) continue;
        const [known] = await db.select({ id: dataExports.id }).from(dataExports).where(eq(dataExports.id, id));
        if (!known) await fs.rm(path.join(dir, name), { force: true });
      }
      if (old.length) log.info({ removed: old.length }, 'old exports removed');
      return old.length;
    },
  };
}

export type ExportsService = ReturnType<typeof createExportsService>;
