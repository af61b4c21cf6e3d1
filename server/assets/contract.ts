/**
 * The assets and queue API's shapes, shared by the server and the tabs. Keep this file free of
 * imports (the tabs import it as it is).
 */

export const HARDWARE_STATUSES = ['in_stock', 'assigned', 'in_repair', 'retired', 'lost'] as const;
export type HardwareStatus = (typeof HARDWARE_STATUSES)[number];
/** Where a returned device goes next. */
export const RETURN_STATUSES = ['in_stock', 'in_repair', 'retired', 'lost'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];
export const RETURN_CONDITIONS = ['good', 'worn', 'damaged', 'not_working', 'not_returned'] as const;
export type ReturnCondition = (typeof RETURN_CONDITIONS)[number];
export const SEAT_STATUSES = ['assigned', 'revoking', 'free'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];
export const REQUEST_STATUSES = ['pending', 'approved', 'fulfilled', 'rejected', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** A request is open until it is fulfilled, rejected or cancelled. */
export const OPEN_REQUEST_STATUSES = ['pending', 'approved'] as const satisfies readonly RequestStatus[];
export const CLOSED_REQUEST_STATUSES = ['fulfilled', 'rejected', 'cancelled'] as const satisfies readonly RequestStatus[];

/** The queue's look-ahead choices, in days. */
export const QUEUE_WINDOWS = [7, 14, 30, 60, 90, 180] as const;
export type QueueWindow = (typeof QUEUE_WINDOWS)[number];
export const DEFAULT_QUEUE_WINDOW: QueueWindow = 30;

export const HARDWARE_STATUS_LABEL: Record<HardwareStatus, string> = {
  in_stock: 'In stock',
  assigned: 'Assigned',
  in_repair: 'In repair',
  retired: 'Retired',
  lost: 'Lost',
};
export const RETURN_CONDITION_LABEL: Record<ReturnCondition, string> = {
  good: 'Good',
  worn: 'Worn',
  damaged: 'Damaged',
  not_working: 'Not working',
  not_returned: 'Not returned',
};
export const REQUEST_STATUS_LABEL: Record<RequestStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  fulfilled: 'Fulfilled',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

export type EmployeeStatus = 'active' | 'offboarded';

export interface OpenCounts {
  hardware: number;
  seats: number;
  requests: number;
}

export interface QueueRow {
  employeeId: string;
  displayName: string;
  userPrincipalName: string;
  jobTitle: string | null;
  department: string | null;
  leaveDate: string | null;
  /** Whole days from today (UTC) to the leave date: negative when it has passed. */
  daysToLeave: number | null;
  status: EmployeeStatus;
  manager: { employeeId: string | null; displayName: string } | null;
  open: OpenCounts;
  latestRun: { id: string; state: string; createdAt: string } | null;
  /** Offboarded, yet still holding hardware. */
  safetyNet: boolean;
  tenant: string;
}

export interface QueueResult {
  windowDays: QueueWindow;
  windows: readonly number[];
  people: QueueRow[];
}

export interface HardwareItem {
  id: string;
  source: 'intune' | 'manual';
  name: string | null;
  assetTag: string | null;
  serial: string | null;
  model: string;
  manufacturer: string | null;
  location: string | null;
  status: HardwareStatus;
  assignedTo: { employeeId: string; displayName: string } | null;
  assignedSince: string | null;
  /** For Intune devices: gone from Intune at the last sync (retired and removed). */
  intuneGone: boolean;
}

export interface SeatItem {
  id: string;
  source: 'm365' | 'manual';
  product: string;
  vendor: string;
  holder: { employeeId: string; displayName: string } | null;
  status: SeatStatus;
  assignedSince: string | null;
  costCents: number | null;
  currency: string;
  revokeRunId: string | null;
}

export interface AssetRequestItem {
  id: string;
  employeeId: string | null;
  what: string;
  status: RequestStatus;
  requestedByName: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedByName: string | null;
  resolution: string | null;
}

export interface HardwareReturn {
  id: string;
  hardwareId: string;
  model: string;
  assetTag: string | null;
  serial: string | null;
  condition: ReturnCondition;
  nextStatus: ReturnStatus;
  note: string | null;
  recordedByName: string;
  at: string;
}

export interface Checklist {
  person: {
    employeeId: string;
    displayName: string;
    userPrincipalName: string;
    mail: string | null;
    jobTitle: string | null;
    department: string | null;
    manager: { employeeId: string | null; displayName: string } | null;
    hireDate: string | null;
    leaveDate: string | null;
    status: EmployeeStatus;
    offboardedAt: string | null;
    offboardedBy: string | null;
    /** The account as last synced from the tenant. */
    account: { enabled: boolean; removedFromTenant: boolean; syncedAt: string; licences: string[] };
    tenant: { id: string; displayName: string };
  };
  latestRun: { id: string; state: string; createdAt: string; finishedAt: string | null; pdfUrl: string | null } | null;
  hardware: HardwareItem[];
  seats: SeatItem[];
  requests: AssetRequestItem[];
  returns: HardwareReturn[];
  open: OpenCounts;
  /** Null when the offboarding can be completed; else why not. */
  blockedBy: string | null;
}

export interface ImportResult {
  created: number;
  updated: number;
  errors: { line: number; message: string }[];
}

/** The gate's words, used by the server's refusal and the page's disabled card alike. */
export function openSentence(open: OpenCounts): string | null {
  if (open.hardware + open.seats + open.requests === 0) return null;
  return `Cannot complete offboarding: ${open.hardware} hardware, ${open.seats} software, ${open.requests} request(s) still open.`;
}

/** How hardware is named to people: its model and the best identifier it has. */
export const hardwareLabel = (h: { model: string; assetTag: string | null; serial: string | null; name: string | null }) =>
  `${h.model}${h.assetTag ? ` (${h.assetTag})` : h.serial ? ` (${h.serial})` : h.name ? ` (${h.name})` : ''}`;
