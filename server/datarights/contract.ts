/**
 * The data rights API's shapes (export, deletion request), shared by the server and the tabs.
 * Keep this file free of imports (the tabs import it as it is).
 */

/** How long a finished export's zip is kept before the cleanup job removes it. */
export const EXPORT_RETENTION_DAYS = 7;
/** How long a deletion request can be cancelled before the organisation is purged. */
export const DELETION_GRACE_DAYS = 7;

export const EXPORT_STATUSES = ['queued', 'running', 'ready', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** GET /orgs/:orgId/data-exports/:exportId */
export interface DataExport {
  id: string;
  status: ExportStatus;
  /** 0–100. */
  progress: number;
  /** The zip's size once ready; null before. */
  sizeBytes: number | null;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}

/** GET /orgs/:orgId/deletion-request: the pending request. */
export interface DeletionRequest {
  requestedAt: string;
  /** requestedAt + DELETION_GRACE_DAYS: the purge runs after this instant. */
  purgeAfter: string;
  cancelledAt: string | null;
  /** Who asked (their name as it was then). */
  requestedBy: string | null;
}
