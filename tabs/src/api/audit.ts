/** Typed calls for an organisation's audit trail. */
import { apiGet, apiUrl, type RequestOptions } from './client';

export type AuditSource = 'tab' | 'bot' | 'api' | 'job';
export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  seq: number;
  at: string;
  actor: { name: string; role: string | null; tid: string | null; oid: string | null } | null;
  action: string;
  target: { type: string; id: string; label: string | null } | null;
  source: AuditSource;
  outcome: AuditOutcome;
  requestId: string | null;
  details: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextBefore: number | null;
}

export type AuditVerification =
  | { ok: true; entries: number; lastHash: string | null }
  | { ok: false; entries: number; brokenAt: { seq: number; reason: string } };

/** The filters of the audit page, as sent in the query string (empty ones are left out). */
export interface AuditFilters {
  action?: string;
  actor?: string;
  source?: AuditSource | '';
  outcome?: AuditOutcome | '';
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
}

function query(filters: AuditFilters): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(filters)) {
    const v = typeof value === 'string' ? value.trim() : undefined;
    if (v) out[key] = v;
  }
  return out;
}

const base = (orgId: string) => `/orgs/${encodeURIComponent(orgId)}/audit`;

export const listAudit = (orgId: string, filters: AuditFilters, before: number | null, limit: number, opts?: RequestOptions) =>
  apiGet<AuditPage>(base(orgId), { ...opts, query: { ...query(filters), before: before ?? undefined, limit } });

export const verifyAudit = (orgId: string) => apiGet<AuditVerification>(`${base(orgId)}/verify`);

/** The CSV download's address, with the same filters as the table. */
export const auditExportUrl = (orgId: string, filters: AuditFilters) => apiUrl(`${base(orgId)}/export.csv`, query(filters));
