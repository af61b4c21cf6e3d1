/** Typed calls for the queue, the person checklist and its completion; hardware, seats and requests. */
import { apiGet, apiPatch, apiPost, apiPostCsv, apiPut, type RequestOptions } from './client';
import type {
  AssetRequestItem,
  Checklist,
  HardwareItem,
  HardwareReturn,
  ImportResult,
  QueueResult,
  QueueWindow,
  ReturnCondition,
  ReturnStatus,
  SeatItem,
} from '../../../server/assets/contract';

export type {
  AssetRequestItem,
  Checklist,
  HardwareItem,
  HardwareReturn,
  HardwareStatus,
  ImportResult,
  OpenCounts,
  QueueResult,
  QueueRow,
  QueueWindow,
  ReturnCondition,
  ReturnStatus,
  SeatItem,
} from '../../../server/assets/contract';
export {
  HARDWARE_STATUS_LABEL,
  QUEUE_WINDOWS,
  REQUEST_STATUS_LABEL,
  RETURN_CONDITIONS,
  RETURN_CONDITION_LABEL,
  RETURN_STATUSES,
  hardwareLabel,
  openSentence,
} from '../../../server/assets/contract';

const org = (orgId: string) => `/orgs/${encodeURIComponent(orgId)}`;
const person = (orgId: string, employeeId: string) => `${org(orgId)}/people/${encodeURIComponent(employeeId)}`;

/** The queue for `days` (or the member's remembered look-ahead when not given). */
export const getQueue = (orgId: string, days?: QueueWindow, opts?: RequestOptions) => apiGet<QueueResult>(`${org(orgId)}/queue`, { ...opts, query: { days } });
export const setQueueWindow = (orgId: string, windowDays: QueueWindow) => apiPut<{ windowDays: QueueWindow }>(`${org(orgId)}/queue/preferences`, { windowDays });

export const getChecklist = (orgId: string, employeeId: string, opts?: RequestOptions) => apiGet<Checklist>(`${person(orgId, employeeId)}/checklist`, opts);
export const completeOffboarding = (orgId: string, employeeId: string) => apiPost<Checklist>(`${person(orgId, employeeId)}/complete`, {});

export const listHardware = (orgId: string, q: { search?: string; status?: string; limit?: number }, opts?: RequestOptions) =>
  apiGet<HardwareItem[]>(`${org(orgId)}/hardware`, { ...opts, query: { search: q.search?.trim() || undefined, status: q.status, limit: q.limit } });
export const addHardware = (orgId: string, body: { model: string; assetTag?: string; serial?: string; manufacturer?: string; location?: string; assignedTo?: string | null }) =>
  apiPost<HardwareItem>(`${org(orgId)}/hardware`, body);
export const assignHardware = (orgId: string, hardwareId: string, employeeId: string) =>
  apiPatch<HardwareItem>(`${org(orgId)}/hardware/${encodeURIComponent(hardwareId)}`, { assignedTo: employeeId });
export const recoverHardware = (orgId: string, hardwareId: string, body: { condition: ReturnCondition; nextStatus: ReturnStatus; note?: string }) =>
  apiPost<HardwareReturn>(`${org(orgId)}/hardware/${encodeURIComponent(hardwareId)}/recover`, body);
export const importHardware = (orgId: string, csv: string) => apiPostCsv<ImportResult>(`${org(orgId)}/hardware/import`, csv, { timeoutMs: 120_000 });

export const addSeat = (orgId: string, body: { product: string; vendor: string; holderId?: string | null; costCents?: number | null; currency?: string }) =>
  apiPost<SeatItem>(`${org(orgId)}/seats`, body);
export const revokeSeat = (orgId: string, seatId: string) =>
  apiPost<{ seat: SeatItem; run: { id: string; state: string } | null }>(`${org(orgId)}/seats/${encodeURIComponent(seatId)}/revoke`, {}, { timeoutMs: 60_000 });
export const importSeats = (orgId: string, csv: string) => apiPostCsv<ImportResult>(`${org(orgId)}/seats/import`, csv, { timeoutMs: 120_000 });

export const addRequest = (orgId: string, body: { employeeId: string; what: string }) => apiPost<AssetRequestItem>(`${org(orgId)}/requests`, body);
export const updateRequest = (orgId: string, requestId: string, body: { status: 'approved' | 'fulfilled' | 'rejected' | 'cancelled'; resolution?: string }) =>
  apiPatch<AssetRequestItem>(`${org(orgId)}/requests/${encodeURIComponent(requestId)}`, body);
