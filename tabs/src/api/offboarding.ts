/** Typed calls for offboarding: the task catalogue, settings, templates, employees, previews and runs. */
import { apiGet, apiPost, apiPostCsv, apiPut, apiUrl, type RequestOptions } from './client';
import type {
  BulkResult,
  OffboardingSettings,
  PlanStep,
  Preview,
  Run,
  RunState,
  RunSummary,
  TaskInfo,
  Template,
  When,
} from '../../../server/offboarding/contract';

// The server's own shapes: one source for both.
export type {
  Actor,
  BulkResult,
  Item,
  OffboardingSettings,
  OptionField,
  PersonRef,
  PlanStep,
  Preview,
  Run,
  RunState,
  RunStep,
  RunSummary,
  StepPreview,
  StepState,
  TaskGroup,
  TaskId,
  TaskInfo,
  Template,
  When,
} from '../../../server/offboarding/contract';
export { FINISHED_STATES, RUN_STATES, STEP_STATES, TASK_IDS } from '../../../server/offboarding/contract';

/** A person synced from a tenant (GET /orgs/:orgId/employees). */
export interface Employee {
  id: string;
  /** Offramp's tenant row id. */
  tenantRef: string;
  objectId: string;
  userPrincipalName: string;
  mail: string | null;
  displayName: string;
  department: string | null;
  jobTitle: string | null;
  managerName: string | null;
  leaveDate: string | null;
  accountEnabled: boolean;
  licences: string[];
  devicesCount: number;
}

export interface EmployeeList {
  employees: Employee[];
  total: number;
}

export interface RunFilters {
  state?: RunState | '';
  search?: string;
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
  /** The runs of one bulk offboarding. */
  bulkId?: string;
}

export interface RunList {
  runs: RunSummary[];
  total: number;
}

const org = (orgId: string) => `/orgs/${encodeURIComponent(orgId)}`;
const ob = (orgId: string) => `${org(orgId)}/offboarding`;
const run = (orgId: string, runId: string) => `${ob(orgId)}/runs/${encodeURIComponent(runId)}`;

function filterQuery(filters: RunFilters): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(filters)) {
    const v = typeof value === 'string' ? value.trim() : undefined;
    if (v) out[key] = v;
  }
  return out;
}

export const listTasks = (orgId: string, opts?: RequestOptions) => apiGet<TaskInfo[]>(`${ob(orgId)}/tasks`, opts);

export const getSettings = (orgId: string, opts?: RequestOptions) => apiGet<OffboardingSettings>(`${ob(orgId)}/settings`, opts);
export const saveSettings = (orgId: string, settings: OffboardingSettings) => apiPut<OffboardingSettings>(`${ob(orgId)}/settings`, settings);

const template = (orgId: string, tenantId: string) => `${org(orgId)}/tenants/${encodeURIComponent(tenantId)}/template`;
export const getTemplate = (orgId: string, tenantId: string, opts?: RequestOptions) => apiGet<Template>(template(orgId, tenantId), opts);
export const saveTemplate = (orgId: string, tenantId: string, steps: PlanStep[]) => apiPut<Template>(template(orgId, tenantId), { steps });

export const listEmployees = (orgId: string, q: { search?: string; tenantRef?: string; limit?: number }, opts?: RequestOptions) =>
  apiGet<EmployeeList>(`${org(orgId)}/employees`, { ...opts, query: { search: q.search?.trim() || undefined, tenantRef: q.tenantRef, limit: q.limit } });

export const previewRun = (orgId: string, body: { employeeId: string; steps?: PlanStep[] }, opts?: RequestOptions) =>
  apiPost<Preview>(`${ob(orgId)}/preview`, body, { timeoutMs: 60_000, ...opts });

export const createRun = (orgId: string, body: { employeeId: string; steps?: PlanStep[]; when: When }) =>
  apiPost<Run>(`${ob(orgId)}/runs`, body, { timeoutMs: 60_000 });

/** Several people at once, by employee id or by user principal name (or e-mail); `line` in the errors is the 1-based position. */
export const createBulkRuns = (orgId: string, body: ({ employeeIds: string[] } | { upns: string[] }) & { steps?: PlanStep[]; when: When }) =>
  apiPost<BulkResult>(`${ob(orgId)}/runs/bulk`, body, { timeoutMs: 120_000 });

/** The query of bulk.csv: ?when=now, or ?at=…&timeZone=…. */
function whenQuery(when: When): Record<string, string> {
  return when.kind === 'now' ? { when: 'now' } : { at: when.at, timeZone: when.timeZone };
}

/** POST …/runs/bulk.csv with the file as text/csv. */
export const createBulkRunsFromCsv = (orgId: string, csv: string, when: When) =>
  apiPostCsv<BulkResult>(`${ob(orgId)}/runs/bulk.csv`, csv, { query: whenQuery(when), timeoutMs: 120_000 });

export const listRuns = (orgId: string, filters: RunFilters, page: { limit: number; offset: number }, opts?: RequestOptions) =>
  apiGet<RunList>(`${ob(orgId)}/runs`, { ...opts, query: { ...filterQuery(filters), limit: page.limit, offset: page.offset } });

export const getRun = (orgId: string, runId: string, opts?: RequestOptions) => apiGet<Run>(run(orgId, runId), opts);

/** The live stream of a run: `event: run` with the Run as JSON, on every change. */
export const runEventsUrl = (orgId: string, runId: string) => apiUrl(`${run(orgId, runId)}/events`);
/** The compliance report of a run. */
export const runReportUrl = (orgId: string, runId: string) => apiUrl(`${run(orgId, runId)}/report.pdf`);

export const approveRun = (orgId: string, runId: string) => apiPost<Run>(`${run(orgId, runId)}/approve`, {});
export const rejectRun = (orgId: string, runId: string, reason: string) => apiPost<Run>(`${run(orgId, runId)}/reject`, { reason });
export const rescheduleRun = (orgId: string, runId: string, when: When) => apiPost<Run>(`${run(orgId, runId)}/reschedule`, { when });
export const cancelRun = (orgId: string, runId: string) => apiPost<Run>(`${run(orgId, runId)}/cancel`, {});
/** Without a step: every failed step. */
export const retryRun = (orgId: string, runId: string, stepId?: string) => apiPost<Run>(`${run(orgId, runId)}/retry`, stepId ? { stepId } : {});
export const undoRun = (orgId: string, runId: string) => apiPost<Run>(`${run(orgId, runId)}/undo`, {});
/** The password the run set: shown once, then gone from the server. */
export const revealPassword = (orgId: string, runId: string) => apiPost<{ password: string }>(`${run(orgId, runId)}/password`, {});
