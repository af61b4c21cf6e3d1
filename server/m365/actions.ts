import { ReadAfterWrite, Resendable, graph, graphClient } from './graph.client.js';
import { batch } from './batch.js';
import { exchangeClient } from './exchange.js';
import { M365Error, type CallRecord, type DirectoryGroup, type GroupKind, type TenantCredentials } from './m365.types.js';
import type { Transport } from './transport.js';

/**
 * What an offboarding does to a person, and what undo puts back: each operation is one
 * documented Microsoft Graph or Exchange Online call (or a few), in our own types.
 */

export interface Membership extends DirectoryGroup {
  kind: GroupKind;
  /** Why Offramp cannot remove the person here, if it cannot. */
  notRemovable: string | null;
}

export interface LicenceAssignment {
  skuId: string;
  /** Assigned directly (removable with assignLicense), or inherited from a group. */
  via: 'direct' | 'group';
  groupId: string | null;
}

export interface AuthMethod {
  id: string;
  type: string;
}

export interface Mailbox {
  identity: string;
  type: 'UserMailbox' | 'SharedMailbox' | string;
  hiddenFromAddressLists: boolean;
  forwardingSmtpAddress: string | null;
  deliverToMailboxAndForward: boolean;
  sizeBytes: number | null;
}

export interface AutoReply {
  status: 'disabled' | 'alwaysEnabled' | 'scheduled';
  internalReplyMessage: string;
  externalReplyMessage: string;
  scheduledStartDateTime?: { dateTime: string; timeZone: string };
  scheduledEndDateTime?: { dateTime: string; timeZone: string };
}

export interface ManagedDevice {
  id: string;
  deviceName: string;
  operatingSystem: string;
  managementState: string;
}

export interface HeldPermission {
  mailbox: string;
  kind: 'FullAccess' | 'SendAs' | 'CalendarFolder';
  accessRights: string[];
}

/** Graph's own classification of a group, and whether a member can be removed through Graph. */
export function classifyGroup(g: DirectoryGroup): { kind: GroupKind; notRemovable: string | null } {
  const dynamic = g.groupTypes.includes('DynamicMembership');
  const unified = g.groupTypes.includes('Unified');
  const kind: GroupKind = dynamic ? 'dynamic' : unified ? 'microsoft365' : g.mailEnabled && g.securityEnabled ? 'mail-security' : g.mailEnabled ? 'distribution' : 'security';
  const notRemovable = dynamic
    ? 'Dynamic group: membership follows its rule, not edits.'
    : g.onPremisesSyncEnabled
      ? 'Synced from on-premises Active Directory: change it there.'
      : null;
  return { kind, notRemovable };
}

const odataId = (base: string, id: string) => ({ '@odata.id': `${base}/v1.0/directoryObjects/${id}` });

export function createActions(transport: Transport, creds: TenantCredentials, onCall?: (call: CallRecord) => void) {
  const client = graphClient(transport, creds, onCall);
  const exchange = exchangeClient(transport, creds, onCall);
  const ok = (status: number) => status >= 200 && status < 300;

  async function list<T>(first: string): Promise<T[]> {
    const all: T[] = [];
    let url: string | undefined = first;
    while (url) {
      const page: { value: T[]; '@odata.nextLink'?: string } = await graph(() => client.api(url!).get());
      all.push(...page.value);
      url = page['@odata.nextLink'];
    }
    return all;
  }

  return {
    // ---- account ---------------------------------------------------------------------------
    async getUser(userId: string) {
      return graph(() =>
        client.api(`/users/${userId}`).select('id,userPrincipalName,mail,displayName,accountEnabled,onPremisesSyncEnabled,employeeLeaveDateTime').get(),
      ) as Promise<{ id: string; userPrincipalName: string; mail: string | null; displayName: string; accountEnabled: boolean; onPremisesSyncEnabled: boolean | null }>;
    },
    /** What a re-check after a crash needs: the account's state and the times of its last password change and session revocation. */
    async getAccountState(userId: string): Promise<{ accountEnabled: boolean; onPremisesSyncEnabled: boolean; lastPasswordChangeDateTime: string | null; signInSessionsValidFromDateTime: string | null } | null> {
      try {
        const u: { accountEnabled: boolean; onPremisesSyncEnabled: boolean | null; lastPasswordChangeDateTime?: string | null; signInSessionsValidFromDateTime?: string | null } = await graph(() =>
          client.api(`/users/${userId}`).select('accountEnabled,onPremisesSyncEnabled,lastPasswordChangeDateTime,signInSessionsValidFromDateTime').get(),
        );
        return {
          accountEnabled: u.accountEnabled,
          onPremisesSyncEnabled: Boolean(u.onPremisesSyncEnabled),
          lastPasswordChangeDateTime: u.lastPasswordChangeDateTime ?? null,
          signInSessionsValidFromDateTime: u.signInSessionsValidFromDateTime ?? null,
        };
      } catch (err) {
        if (err instanceof M365Error && err.status === 404) return null;
        throw err;
      }
    },
    async setAccountEnabled(userId: string, enabled: boolean) {
      await graph(() => client.api(`/users/${userId}`).patch({ accountEnabled: enabled }));
    },
    async revokeSignInSessions(userId: string) {
      await graph(() => client.api(`/users/${userId}/revokeSignInSessions`).middlewareOptions([new Resendable()]).post({}));
    },
    async resetPassword(userId: string, password: string) {
      await graph(() => client.api(`/users/${userId}`).patch({ passwordProfile: { password, forceChangePasswordNextSignIn: true } }));
    },
    async deleteUser(userId: string) {
      await graph(() => client.api(`/users/${userId}`).delete());
    },
    async restoreUser(userId: string) {
      await graph(() => client.api(`/directory/deletedItems/${userId}/restore`).post({}));
    },
    async getManager(userId: string): Promise<{ id: string; displayName: string; mail: string | null; userPrincipalName: string } | null> {
      try {
        return await graph(() => client.api(`/users/${userId}/manager`).select('id,displayName,mail,userPrincipalName').get());
      } catch (err) {
        if (err instanceof M365Error && err.status === 404) return null;
        throw err;
      }
    },

    // ---- MFA methods ----------------------------------------------------------------------
    async listAuthMethods(userId: string): Promise<AuthMethod[]> {
      const methods = await list<{ id: string; '@odata.type': string }>(`/users/${userId}/authentication/methods`);
      return methods.map((m) => ({ id: m.id, type: m['@odata.type'].replace('#microsoft.graph.', '') }));
    },
    /** Removes one method; the password method cannot be removed (Graph refuses it). */
    async deleteAuthMethod(userId: string, method: AuthMethod) {
      const collection = {
        phoneAuthenticationMethod: 'phoneMethods',
        microsoftAuthenticatorAuthenticationMethod: 'microsoftAuthenticatorMethods',
        fido2AuthenticationMethod: 'fido2Methods',
        emailAuthenticationMethod: 'emailMethods',
        softwareOathAuthenticationMethod: 'softwareOathMethods',
        windowsHelloForBusinessAuthenticationMethod: 'windowsHelloForBusinessMethods',
        temporaryAccessPassAuthenticationMethod: 'temporaryAccessPassMethods',
      }[method.type];
      if (!collection) throw new M365Error(400, 'not_removable', `A ${method.type} cannot be removed through Microsoft Graph.`, null);
      await graph(() => client.api(`/users/${userId}/authentication/${collection}/${method.id}`).delete());
    },

    // ---- groups, Teams, licences ------------------------------------------------------------
    async listMemberships(userId: string): Promise<Membership[]> {
      const groups = await list<DirectoryGroup & { '@odata.type'?: string }>(
        `/users/${userId}/memberOf/microsoft.graph.group?$select=id,displayName,securityEnabled,mailEnabled,groupTypes,onPremisesSyncEnabled,membershipRule`,
      );
      return groups.map((g) => ({
        id: g.id,
        displayName: g.displayName,
        securityEnabled: Boolean(g.securityEnabled),
        mailEnabled: Boolean(g.mailEnabled),
        groupTypes: g.groupTypes ?? [],
        onPremisesSyncEnabled: Boolean(g.onPremisesSyncEnabled),
        membershipRule: g.membershipRule ?? null,
        ...classifyGroup({ ...g, groupTypes: g.groupTypes ?? [], onPremisesSyncEnabled: Boolean(g.onPremisesSyncEnabled) }),
      }));
    },
    /** Security and Microsoft 365 groups, through Graph. */
    async removeFromGroup(groupId: string, userId: string) {
      await graph(() => client.api(`/groups/${groupId}/members/${userId}/$ref`).delete());
    },
    async addToGroup(groupId: string, userId: string) {
      await graph(() => client.api(`/groups/${groupId}/members/$ref`).post(odataId(transport.endpoints.graphBaseUrl, userId)));
    },
    /** Distribution lists and mail-enabled security groups are read-only in Graph: Exchange does it. */
    async removeFromDistributionList(groupId: string, member: string) {
      await exchange.invoke('Remove-DistributionGroupMember', { Identity: groupId, Member: member, BypassSecurityGroupManagerCheck: true, Confirm: false });
    },
    async addToDistributionList(groupId: string, member: string) {
      await exchange.invoke('Add-DistributionGroupMember', { Identity: groupId, Member: member, BypassSecurityGroupManagerCheck: true });
    },
    async listJoinedTeams(userId: string): Promise<{ id: string; displayName: string }[]> {
      return (await list<{ id: string; displayName: string }>(`/users/${userId}/joinedTeams`)).map((t) => ({ id: t.id, displayName: t.displayName }));
    },
    async removeFromTeam(teamId: string, userId: string): Promise<boolean> {
      const members = await list<{ id: string; userId?: string }>(`/teams/${teamId}/members`);
      const membership = members.find((m) => m.userId === userId);
      if (!membership) return false;
      await graph(() => client.api(`/teams/${teamId}/members/${membership.id}`).delete());
      return true;
    },
    async listLicences(userId: string): Promise<LicenceAssignment[]> {
      const user: { licenseAssignmentStates?: { skuId: string; assignedByGroup: string | null; state: string }[] } = await graph(() =>
        client.api(`/users/${userId}`).select('licenseAssignmentStates').get(),
      );
      return (user.licenseAssignmentStates ?? [])
        .map((s) => ({ skuId: s.skuId, via: s.assignedByGroup ? 'group' : 'direct', groupId: s.assignedByGroup ?? null }));
    },
    async removeLicences(userId: string, skuIds: string[]) {
      if (skuIds.length === 0) return;
      await graph(() => client.api(`/users/${userId}/assignLicense`).post({ addLicenses: [], removeLicenses: skuIds }));
    },
    async addLicences(userId: string, skuIds: string[]) {
      if (skuIds.length === 0) return;
      await graph(() => client.api(`/users/${userId}/assignLicense`).post({ addLicenses: skuIds.map((skuId) => ({ skuId, disabledPlans: [] })), removeLicenses: [] }));
    },

    // ---- mailbox ---------------------------------------------------------------------------
    async getMailbox(identity: string): Promise<Mailbox | null> {
      let rows: Record<string, unknown>[];
      try {
        rows = await exchange.invoke('Get-Mailbox', { Identity: identity });
      } catch (err) {
        if (err instanceof M365Error && err.status === 404) return null;
        throw err;
      }
      const m = rows[0];
      if (!m) return null;
      const stats = await exchange.invoke('Get-MailboxStatistics', { Identity: identity }).catch(() => []);
      const size = (stats[0] as { TotalItemSize?: unknown } | undefined)?.TotalItemSize;
      return {
        identity: String(m.PrimarySmtpAddress ?? m.UserPrincipalName ?? identity),
        type: String(m.RecipientTypeDetails ?? 'UserMailbox'),
        hiddenFromAddressLists: m.HiddenFromAddressListsEnabled === true,
        forwardingSmtpAddress: typeof m.ForwardingSmtpAddress === 'string' && m.ForwardingSmtpAddress ? m.ForwardingSmtpAddress.replace(/^smtp:/i, '') : null,
        deliverToMailboxAndForward: m.DeliverToMailboxAndForward === true,
        sizeBytes: parseSize(size),
      };
    },
    async setMailboxType(identity: string, type: 'Shared' | 'Regular') {
      await exchange.invoke('Set-Mailbox', { Identity: identity, Type: type });
    },
    async setHiddenFromAddressLists(identity: string, hidden: boolean) {
      await exchange.invoke('Set-Mailbox', { Identity: identity, HiddenFromAddressListsEnabled: hidden });
    },
    /** Forwards mail to `address` (null: stop forwarding), keeping a copy or not. */
    async setForwarding(identity: string, address: string | null, keepCopy: boolean) {
      await exchange.invoke('Set-Mailbox', {
        Identity: identity,
        ForwardingSmtpAddress: address ? `smtp:${address}` : null,
        DeliverToMailboxAndForward: address ? keepCopy : false,
      });
    },
    async addMailboxPermission(mailbox: string, user: string, autoMapping: boolean) {
      await exchange.invoke('Add-MailboxPermission', { Identity: mailbox, User: user, AccessRights: ['FullAccess'], InheritanceType: 'All', AutoMapping: autoMapping });
    },
    async removeMailboxPermission(mailbox: string, user: string) {
      await exchange.invoke('Remove-MailboxPermission', { Identity: mailbox, User: user, AccessRights: ['FullAccess'], InheritanceType: 'All', Confirm: false });
    },
    /**
     * Full access, send-as and calendar permissions the person holds on others' mailboxes.
     * Exchange has no "held by" query for full access and folder permissions: like an admin's
     * `Get-Mailbox | Get-MailboxPermission -User`, every other mailbox is asked (under the
     * tenant's concurrency cap). Send-as can be asked by trustee directly.
     */
    async listPermissionsHeldBy(user: string): Promise<HeldPermission[]> {
      const [mailboxes, sendAs] = await Promise.all([
        exchange.invoke<{ ExternalDirectoryObjectId?: string; PrimarySmtpAddress?: string; UserPrincipalName?: string }>('Get-Mailbox', { ResultSize: 'Unlimited' }),
        exchange.invoke<{ Identity: string; AccessRights: string[]; AccessControlType?: string; IsInherited?: boolean }>('Get-RecipientPermission', { Trustee: user }),
      ]);
      const self = user.toLowerCase();
      const others = mailboxes
        .filter((m) => ![m.PrimarySmtpAddress, m.UserPrincipalName, m.ExternalDirectoryObjectId].some((k) => k?.toLowerCase() === self))
        .map((m) => m.PrimarySmtpAddress ?? m.UserPrincipalName ?? m.ExternalDirectoryObjectId ?? '')
        .filter((m) => m !== '');
      const held = await Promise.all(
        others.map(async (mailbox): Promise<HeldPermission[]> => {
          const [full, calendar] = await Promise.all([
            exchange.invoke<{ AccessRights: string[]; IsInherited?: boolean; Deny?: boolean }>('Get-MailboxPermission', { Identity: mailbox, User: user }),
            exchange
              .invoke<{ AccessRights: string[] }>('Get-MailboxFolderPermission', { Identity: `${mailbox}:\\Calendar`, User: user })
              .catch((err: unknown) => {
                // Exchange answers "no entry for this user" with an error, not an empty list.
                if (err instanceof M365Error && (err.status === 404 || err.code === 'UserNotFoundInPermissionEntryException')) return [];
                throw err;
              }),
          ]);
          return [
            ...full.filter((p) => !p.IsInherited && !p.Deny).map((p) => ({ mailbox, kind: 'FullAccess' as const, accessRights: p.AccessRights })),
            ...calendar.map((p) => ({ mailbox: `${mailbox}:\\Calendar`, kind: 'CalendarFolder' as const, accessRights: p.AccessRights })),
          ];
        }),
      );
      return [
        ...held.flat(),
        ...sendAs
          .filter((p) => p.AccessControlType !== 'Deny' && !p.IsInherited)
          .map((p) => ({ mailbox: p.Identity, kind: 'SendAs' as const, accessRights: p.AccessRights })),
      ];
    },
    async removeHeldPermission(user: string, p: HeldPermission) {
      if (p.kind === 'FullAccess') await this.removeMailboxPermission(p.mailbox, user);
      else if (p.kind === 'SendAs') await exchange.invoke('Remove-RecipientPermission', { Identity: p.mailbox, Trustee: user, AccessRights: ['SendAs'], Confirm: false });
      else await exchange.invoke('Remove-MailboxFolderPermission', { Identity: p.mailbox, User: user, Confirm: false });
    },
    async getAutoReply(userId: string): Promise<AutoReply> {
      const settings: { automaticRepliesSetting: AutoReply } = await graph(() => client.api(`/users/${userId}/mailboxSettings`).select('automaticRepliesSetting').get());
      return settings.automaticRepliesSetting;
    },
    async setAutoReply(userId: string, reply: AutoReply) {
      await graph(() => client.api(`/users/${userId}/mailboxSettings`).patch({ automaticRepliesSetting: reply }));
    },
    async listInboxRules(userId: string): Promise<{ id: string; displayName: string }[]> {
      return (await list<{ id: string; displayName: string }>(`/users/${userId}/mailFolders/inbox/messageRules`)).map((r) => ({ id: r.id, displayName: r.displayName }));
    },
    async deleteInboxRule(userId: string, ruleId: string) {
      await graph(() => client.api(`/users/${userId}/mailFolders/inbox/messageRules/${ruleId}`).delete());
    },
    async listMobileDevices(mailbox: string): Promise<{ id: string; name: string }[]> {
      const rows = await exchange.invoke<{ Identity: string; FriendlyName?: string; DeviceModel?: string }>('Get-MobileDevice', { Mailbox: mailbox });
      return rows.map((d) => ({ id: d.Identity, name: d.FriendlyName ?? d.DeviceModel ?? d.Identity }));
    },
    async removeMobileDevice(id: string) {
      await exchange.invoke('Remove-MobileDevice', { Identity: id, Confirm: false });
    },

    // ---- calendar, OneDrive, devices --------------------------------------------------------
    async listOrganizedEvents(userId: string, from: Date): Promise<{ id: string; subject: string; start: string }[]> {
      const events = await list<{ id: string; subject: string; start: { dateTime: string }; isOrganizer: boolean; isCancelled?: boolean }>(
        `/users/${userId}/events?$select=id,subject,start,isOrganizer,isCancelled&$filter=start/dateTime ge '${from.toISOString().slice(0, 19)}'&$top=100`,
      );
      return events.filter((e) => e.isOrganizer && !e.isCancelled).map((e) => ({ id: e.id, subject: e.subject, start: e.start.dateTime }));
    },
    async cancelEvent(userId: string, eventId: string, comment: string) {
      await graph(() => client.api(`/users/${userId}/events/${eventId}/cancel`).post({ comment }));
    },
    async getDrive(userId: string): Promise<{ id: string; webUrl: string } | null> {
      try {
        const d: { id: string; webUrl: string } = await graph(() => client.api(`/users/${userId}/drive`).select('id,webUrl').get());
        return { id: d.id, webUrl: d.webUrl };
      } catch (err) {
        if (err instanceof M365Error && err.status === 404) return null;
        throw err;
      }
    },
    /** Gives `email` edit access to the whole drive (its root folder). */
    async grantDriveAccess(driveId: string, email: string) {
      const res: { value: { id: string }[] } = await graph(() =>
        client.api(`/drives/${driveId}/items/root/invite`).post({
          recipients: [{ email }],
          roles: ['write'],
          requireSignIn: true,
          sendInvitation: false,
          message: 'Offramp: access to the OneDrive of a colleague who left.',
        }),
      );
      return res.value.map((p) => p.id);
    },
    /** Who the drive's root is shared with: permission id and the e-mail addresses it grants. */
    async listDrivePermissions(driveId: string): Promise<{ id: string; roles: string[]; emails: string[] }[]> {
      const perms = await list<{ id: string; roles?: string[]; grantedToV2?: { user?: { email?: string } }; grantedToIdentitiesV2?: { user?: { email?: string } }[]; invitation?: { email?: string } }>(
        `/drives/${driveId}/items/root/permissions`,
      );
      return perms.map((p) => ({
        id: p.id,
        roles: p.roles ?? [],
        emails: [p.grantedToV2?.user?.email, p.invitation?.email, ...(p.grantedToIdentitiesV2 ?? []).map((g) => g.user?.email)]
          .filter((e): e is string => typeof e === 'string')
          .map((e) => e.toLowerCase()),
      }));
    },
    async removeDrivePermission(driveId: string, permissionId: string) {
      await graph(() => client.api(`/drives/${driveId}/items/root/permissions/${permissionId}`).delete());
    },
    async listManagedDevices(userId: string): Promise<ManagedDevice[]> {
      return (
        await list<ManagedDevice>(`/deviceManagement/managedDevices?$filter=userId eq '${userId}'&$select=id,deviceName,operatingSystem,managementState`)
      ).map((d) => ({ id: d.id, deviceName: d.deviceName, operatingSystem: d.operatingSystem, managementState: d.managementState }));
    },
    async wipeDevice(deviceId: string) {
      await graph(() => client.api(`/deviceManagement/managedDevices/${deviceId}/wipe`).post({ keepEnrollmentData: false, keepUserData: false }));
    },
    async retireDevice(deviceId: string) {
      await graph(() => client.api(`/deviceManagement/managedDevices/${deviceId}/retire`).post({}));
    },
    /** Reads a just-written object again, allowing for Graph's replication lag. */
    async readBack(path: string) {
      return graph(() => client.api(path).middlewareOptions([new ReadAfterWrite()]).get());
    },
    /** Several Graph requests in as few round trips as possible (20 a batch). */
    batch: (requests: Parameters<typeof batch>[1]) => batch(client, requests, transport.policy).then((r) => r.map((x) => ({ ...x, ok: ok(x.status) }))),
  };
}

export type M365Actions = ReturnType<typeof createActions>;

/** Exchange's TotalItemSize: "1.234 GB (1,325,400,000 bytes)", or a number. */
export function parseSize(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const bytes = /\(([\d,]+) bytes\)/.exec(value)?.[1];
  return bytes ? Number(bytes.replace(/,/g, '')) : null;
}
