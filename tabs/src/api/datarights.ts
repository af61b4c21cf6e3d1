/** Typed calls for the organisation's data rights: exporting all its data, and deleting it (Owners only). */
import { ApiError, apiDelete, apiGet, apiPost, apiUrl, type RequestOptions } from './client';
import type { DataExport, DeletionRequest } from '../../../server/datarights/contract';

export type { DataExport, DeletionRequest, ExportStatus } from '../../../server/datarights/contract';
export { DELETION_GRACE_DAYS, EXPORT_RETENTION_DAYS } from '../../../server/datarights/contract';

const org = (orgId: string) => `/orgs/${encodeURIComponent(orgId)}`;

/** Starts an export job (202): poll getExport until it is ready. */
export const startExport = (orgId: string) => apiPost<Pick<DataExport, 'id' | 'status' | 'progress'>>(`${org(orgId)}/data-exports`, {});

export const getExport = (orgId: string, exportId: string, opts?: RequestOptions) =>
  apiGet<DataExport>(`${org(orgId)}/data-exports/${encodeURIComponent(exportId)}`, opts);

/** The exports still kept (7 days), newest first. */
export const listExports = (orgId: string, opts?: RequestOptions) => apiGet<DataExport[]>(`${org(orgId)}/data-exports`, opts);

/** The zip's address (a plain link works with a cookie session; inside Teams use downloadWithToken). */
export const exportDownloadUrl = (orgId: string, exportId: string) => apiUrl(`${org(orgId)}/data-exports/${encodeURIComponent(exportId)}/download`);

/** The pending deletion request, or null when there is none. */
export async function getDeletionRequest(orgId: string, opts?: RequestOptions): Promise<DeletionRequest | null> {
  try {
    return await apiGet<DeletionRequest>(`${org(orgId)}/deletion-request`, opts);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** Asks for the organisation's deletion; `confirmName` must be its exact name. */
export const requestDeletion = (orgId: string, confirmName: string) => apiPost<DeletionRequest>(`${org(orgId)}/deletion-request`, { confirmName });

/** Cancels the pending request (only before its purge date). */
export const cancelDeletion = (orgId: string) => apiDelete<DeletionRequest>(`${org(orgId)}/deletion-request`);
