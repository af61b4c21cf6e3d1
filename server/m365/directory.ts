import { decodeJwt } from 'jose';
import type { Client } from '@microsoft/microsoft-graph-client';
import { batch, type BatchResult } from './batch.js';
import { graph, graphClient } from './graph.client.js';
import type { CallRecord, DirectoryGroup, DirectoryUser, ManagedDeviceInfo, Organization, SubscribedSku, TenantCredentials, UserChange } from './m365.types.js';
import type { Transport } from './transport.js';

/**
 * Reading a tenant's directory for sync: the organisation, the app's granted permissions,
 * users (in full or by delta), a group's members, licences and device counts.
 */

export const USER_FIELDS = [
  'id',
  'userPrincipalName',
  'mail',
  'displayName',
  'givenName',
  'surname',
  'department',
  'jobTitle',
  'accountEnabled',
  'employeeLeaveDateTime',
  'employeeHireDate',
  'onPremisesSyncEnabled',
  'assignedLicenses',
] as const;

const GROUP_FIELDS = 'id,displayName,securityEnabled,mailEnabled,groupTypes,onPremisesSyncEnabled,membershipRule';
const PAGE_SIZE = 999;
const MANAGED_DEVICE_FIELDS = 'id,userId,deviceName,model,manufacturer,serialNumber,operatingSystem,enrolledDateTime';

interface GraphPage<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

type RawUser = Partial<Record<(typeof USER_FIELDS)[number], unknown>> & {
  id: string;
  '@removed'?: { reason: string };
  'manager@delta'?: { id: string; '@removed'?: unknown }[];
};

export function toDirectoryUser(u: RawUser): DirectoryUser {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    id: u.id,
    userPrincipalName: String(u.userPrincipalName ?? ''),
    mail: str(u.mail),
    displayName: String(u.displayName ?? u.userPrincipalName ?? ''),
    givenName: str(u.givenName),
    surname: str(u.surname),
    department: str(u.department),
    jobTitle: str(u.jobTitle),
    accountEnabled: u.accountEnabled !== false,
    employeeLeaveDateTime: str(u.employeeLeaveDateTime),
    employeeHireDate: str(u.employeeHireDate),
    onPremisesSyncEnabled: u.onPremisesSyncEnabled === true,
    licenseSkuIds: Array.isArray(u.assignedLicenses) ? (u.assignedLicenses as { skuId: string }[]).map((l) => l.skuId) : [],
  };
}

export interface TenantDirectory {
  readonly client: Client;
  organization(): Promise<Organization>;
  /** Application permissions Microsoft granted to our app in this tenant (from its token's roles). */
  grantedPermissions(): Promise<string[]>;
  subscribedSkus(): Promise<SubscribedSku[]>;
  /**
   * Every user change since `deltaLink` (everyone when null), a page at a time; returns the
   * link for next time. `latest` skips the current state and only returns a link.
   */
  usersDelta(deltaLink: string | null, onPage: (changes: UserChange[]) => Promise<void>, opts?: { latest?: boolean }): Promise<string>;
  getGroup(groupId: string): Promise<DirectoryGroup | null>;
  /** Every user who is a member of the group, directly or through nested groups. */
  groupUsers(groupId: string, onPage: (users: DirectoryUser[]) => Promise<void>): Promise<void>;
  /** Members added to / removed from the group since `deltaLink` (all current members when null). */
  groupMembersDelta(groupId: string, deltaLink: string | null): Promise<{ added: string[]; removed: string[]; deltaLink: string }>;
  /** Every Intune managed device of the tenant (one paged read). */
  managedDevices(): Promise<ManagedDeviceInfo[]>;
  /** How many users the tenant has (null if Graph will not say): the denominator of a full sync's progress. */
  userCount(): Promise<number | null>;
  /** Users by id (batched); ids Graph does not know are left out. */
  usersById(ids: string[]): Promise<DirectoryUser[]>;
  /** Each user's manager id, or null (batched). */
  managersOf(ids: string[]): Promise<Map<string, string | null>>;
}

export function createTenantDirectory(transport: Transport, creds: TenantCredentials, onCall?: (call: CallRecord) => void): TenantDirectory {
  const client = graphClient(transport, creds, onCall);
  const ok = (r: BatchResult) => r.status >= 200 && r.status < 300;

  /**
   * Follows @odata.nextLink to the end; returns the deltaLink if the collection has one. The next
   * page is requested while `onPage` handles this one (at most one page ahead), so the round trip
   * overlaps the store writes; pages are still handed over one at a time, in order.
   */
  async function pages<T>(first: string, onPage: (items: T[]) => Promise<void>): Promise<string | undefined> {
    const get = (url: string): Promise<GraphPage<T>> => graph(() => client.api(url).get());
    let pending = get(first);
    for (;;) {
      const page = await pending;
      const next = page['@odata.nextLink'];
      if (next) {
        pending = get(next);
        // If onPage throws, this read is abandoned: its failure must not go unhandled.
        pending.catch(() => undefined);
      }
      await onPage(page.value ?? []);
      if (!next) return page['@odata.deltaLink'];
    }
  }

  return {
    client,
    async organization() {
      const page: GraphPage<{ id: string; displayName: string; verifiedDomains?: { name: string; isDefault: boolean }[] }> = await graph(() =>
        client.api('/organization').select('id,displayName,verifiedDomains').get(),
      );
      const org = page.value[0];
      if (!org) throw new Error('Microsoft Graph returned no organisation for this tenant.');
      const domain = org.verifiedDomains?.find((d) => d.isDefault)?.name ?? org.verifiedDomains?.[0]?.name ?? '';
      return { id: org.id, displayName: org.displayName, defaultDomain: domain };
    },
    async grantedPermissions() {
      const [graphToken, exchangeToken] = await Promise.all([
        transport.token(creds, transport.resourceFor('graph')),
        transport.token(creds, transport.resourceFor('exchange')),
      ]);
      const roles = (t: string) => {
        const r = decodeJwt(t).roles;
        return Array.isArray(r) ? r.map(String) : [];
      };
      return [...new Set([...roles(graphToken), ...roles(exchangeToken)])].sort();
    },
    async subscribedSkus() {
      const page: GraphPage<SubscribedSku> = await graph(() => client.api('/subscribedSkus').select('skuId,skuPartNumber').get());
      return page.value.map((s) => ({ skuId: s.skuId, skuPartNumber: s.skuPartNumber }));
    },
    async usersDelta(deltaLink, onPage, opts = {}) {
      const first =
        deltaLink ??
        `/users/delta?$select=${[...USER_FIELDS, 'manager'].join(',')}${opts.latest ? '&$deltatoken=latest' : ''}`;
      const link = await pages<RawUser>(first, async (items) => {
        await onPage(
          items.map((u): UserChange => {
            if (u['@removed']) return { kind: 'removed', id: u.id };
            const managerDelta = u['manager@delta'];
            const manager = managerDelta === undefined ? undefined : (managerDelta.find((m) => !m['@removed'])?.id ?? null);
            return manager === undefined ? { kind: 'upsert', user: toDirectoryUser(u) } : { kind: 'upsert', user: toDirectoryUser(u), managerId: manager };
          }),
        );
      });
      if (!link) throw new Error('Microsoft Graph ended the users delta without a deltaLink.');
      return link;
    },
    async getGroup(groupId) {
      try {
        return await graph(() => client.api(`/groups/${groupId}`).select(GROUP_FIELDS).get());
      } catch (err) {
        if ((err as { status?: number }).status === 404) return null;
        throw err;
      }
    },
    async groupUsers(groupId, onPage) {
      await pages<RawUser>(`/groups/${groupId}/transitiveMembers/microsoft.graph.user?$select=${USER_FIELDS.join(',')}&$top=${PAGE_SIZE}`, (items) =>
        onPage(items.map(toDirectoryUser)),
      );
    },
    async groupMembersDelta(groupId, deltaLink) {
      const added = new Set<string>();
      const removed = new Set<string>();
      type RawGroup = { id: string; 'members@delta'?: { id: string; '@odata.type'?: string; '@removed'?: unknown }[] };
      const link = await pages<RawGroup>(deltaLink ?? `/groups/delta?$filter=id eq '${groupId}'&$select=members`, async (items) => {
        for (const g of items.filter((i) => i.id === groupId)) {
          for (const m of g['members@delta'] ?? []) {
            if (m['@odata.type'] && m['@odata.type'] !== '#microsoft.graph.user') continue;
            if (m['@removed']) {
              removed.add(m.id);
              added.delete(m.id);
            } else {
              added.add(m.id);
              removed.delete(m.id);
            }
          }
        }
      });
      if (!link) throw new Error('Microsoft Graph ended the groups delta without a deltaLink.');
      return { added: [...added], removed: [...removed], deltaLink: link };
    },
    async managedDevices() {
      const devices: ManagedDeviceInfo[] = [];
      const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
      await pages<Record<string, unknown>>(`/deviceManagement/managedDevices?$select=${MANAGED_DEVICE_FIELDS}&$top=${PAGE_SIZE}`, async (items) => {
        for (const d of items) {
          devices.push({
            id: String(d.id),
            userId: str(d.userId),
            deviceName: str(d.deviceName),
            model: str(d.model),
            manufacturer: str(d.manufacturer),
            serialNumber: str(d.serialNumber),
            operatingSystem: str(d.operatingSystem),
            enrolledDateTime: str(d.enrolledDateTime),
          });
        }
      });
      return devices;
    },
    async userCount() {
      try {
        const n: unknown = await graph(() => client.api('/users/$count').header('ConsistencyLevel', 'eventual').get());
        const count = typeof n === 'number' ? n : Number(n);
        return Number.isFinite(count) ? count : null;
      } catch {
        return null; // progress without a total is still progress
      }
    },
    async usersById(ids) {
      const results = await batch(
        client,
        ids.map((id) => ({ method: 'GET', url: `/users/${id}?$select=${USER_FIELDS.join(',')}` })),
        transport.policy,
      );
      return results.filter(ok).map((r) => toDirectoryUser(r.body as RawUser));
    },
    async managersOf(ids) {
      const results = await batch(client, ids.map((id) => ({ method: 'GET', url: `/users/${id}/manager?$select=id` })), transport.policy);
      return new Map(ids.map((id, i) => [id, ok(results[i]!) ? ((results[i]!.body as { id?: string }).id ?? null) : null]));
    },
  };
}
