/** Typed calls for an organisation's connected Microsoft 365 tenants and their directory sync. */
import { apiDelete, apiGet, apiPost, apiPut, type RequestOptions } from './client';

export type TenantScope = { kind: 'all' } | { kind: 'group'; groupId: string; groupName: string };

/** What PUT …/scope takes: the group's name is the server's to look up. */
export type TenantScopeInput = { kind: 'all' } | { kind: 'group'; groupId: string };

export type SyncState = 'never' | 'queued' | 'running' | 'succeeded' | 'failed';

export interface TenantSync {
  state: SyncState;
  /** A full sync reads the whole scope; otherwise it reads only the changes (delta). */
  full: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { processed: number; total: number | null } | null;
  result: { added: number; updated: number; removed: number; total: number } | null;
  error: string | null;
  /** When the next scheduled sync runs. */
  nextRunAt: string | null;
}

export interface TenantPermissions {
  /** Application permissions (Graph / Exchange roles) the tenant granted. */
  granted: string[];
  /** Every permission Offramp asks for, and what it needs it for. */
  required: { permission: string; why: string }[];
  missing: string[];
}

export interface Tenant {
  id: string;
  /** The Microsoft Entra tenant id (a GUID). */
  tenantId: string;
  displayName: string;
  defaultDomain: string;
  /** The simulated tenant of a demo server. */
  demo: boolean;
  status: 'connected' | 'disconnected';
  connectedAt: string;
  scope: TenantScope;
  permissions: TenantPermissions;
  sync: TenantSync;
  employeeCount: number;
}

const base = (orgId: string) => `/orgs/${encodeURIComponent(orgId)}/tenants`;
const one = (orgId: string, id: string) => `${base(orgId)}/${encodeURIComponent(id)}`;

export const listTenants = (orgId: string, opts?: RequestOptions) => apiGet<Tenant[]>(base(orgId), opts);
/** The Microsoft admin-consent address to send an administrator to. */
export const startConsent = (orgId: string) => apiPost<{ url: string }>(`${base(orgId)}/consent`);
/** Demo servers only: connects the simulated tenant. */
export const connectDemoTenant = (orgId: string) => apiPost<Tenant>(`${base(orgId)}/demo`);
export const disconnectTenant = (orgId: string, id: string) => apiDelete(one(orgId, id));
export const setTenantScope = (orgId: string, id: string, scope: TenantScopeInput) => apiPut<Tenant>(`${one(orgId, id)}/scope`, scope);
/** Queues a sync now (202). */
export const syncTenant = (orgId: string, id: string) => apiPost<Tenant>(`${one(orgId, id)}/sync`);

export const isSyncing = (t: Tenant) => t.status === 'connected' && (t.sync.state === 'queued' || t.sync.state === 'running');
