import { randomUUID } from 'node:crypto';
import type { DirUser, LicenceAssignment, SimGroup, SimMailbox } from './tenant/model.js';
import type { TenantStore } from './tenant/store.js';

/**
 * Changes "in the tenant", as an administrator would make them in the Entra and Exchange admin
 * centres: what tests use to create the changes a delta sync must pick up. They go through
 * the same state methods as the API (change log, licences, dynamic groups), but are not API
 * calls: they do not appear in the mutation log.
 */

export interface NewUser {
  displayName: string;
  userPrincipalName?: string;
  givenName?: string;
  surname?: string;
  department?: string;
  jobTitle?: string;
  managerId?: string | null;
  accountEnabled?: boolean;
  employeeLeaveDateTime?: string | null;
  usageLocation?: string;
  onPremisesSyncEnabled?: boolean;
  /** SKU ids assigned directly. */
  licences?: string[];
  /** Groups to add the new user to. */
  groups?: string[];
}

export interface NewGroup {
  displayName: string;
  kind?: 'security' | 'unified' | 'mailSecurity' | 'distribution';
  members?: string[];
  owners?: string[];
  membershipRule?: string;
  team?: boolean;
  onPremisesSyncEnabled?: boolean;
  assignedLicenses?: LicenceAssignment[];
}

/** Properties an admin may change on a user through these helpers. */
export type UserChange = Partial<
  Pick<DirUser, 'displayName' | 'givenName' | 'surname' | 'department' | 'jobTitle' | 'accountEnabled' | 'employeeLeaveDateTime' | 'usageLocation' | 'mobilePhone' | 'officeLocation' | 'userPrincipalName' | 'mail' | 'employeeId' | 'onPremisesSyncEnabled'>
>;

export interface SimAdmin {
  addUser(input: NewUser): DirUser;
  updateUser(idOrUpn: string, change: UserChange): DirUser;
  /** Soft delete (to deleted items for 30 days). */
  deleteUser(idOrUpn: string): void;
  restoreUser(id: string): void;
  /** Permanent deletion. */
  purgeUser(id: string): void;
  setManager(userId: string, managerId: string | null): void;
  addGroup(input: NewGroup): SimGroup;
  addGroupMember(groupId: string, memberId: string): void;
  removeGroupMember(groupId: string, memberId: string): void;
  assignLicence(userId: string, skuId: string, disabledPlans?: string[]): void;
  removeLicence(userId: string, skuId: string): void;
  setMailbox(userId: string, change: Partial<Pick<SimMailbox, 'type' | 'hidden' | 'forwardingSmtpAddress' | 'deliverToMailboxAndForward' | 'sizeBytes' | 'litigationHoldEnabled'>>): SimMailbox;
  /** Devices check in: pending wipes and retires complete and the devices leave Intune. Returns how many. */
  completeDeviceActions(): number;
  /** Moves the tenant's clock (deleted-items retention, timestamps). */
  advanceClock(ms: number): void;
}

export function createAdmin(store: () => TenantStore): SimAdmin {
  const user = (key: string) => {
    const u = store().user(key);
    if (!u) throw new Error(`No user '${key}' in the simulated tenant.`);
    return u;
  };
  const group = (id: string) => {
    const g = store().group(id);
    if (!g) throw new Error(`No group '${id}' in the simulated tenant.`);
    return g;
  };
  return {
    addUser(input) {
      const s = store();
      const local = input.displayName.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '');
      const upn = input.userPrincipalName ?? `${local}@${s.tenant.defaultDomain}`;
      if (s.user(upn)) throw new Error(`A user ${upn} already exists.`);
      const now = s.iso();
      const [given, ...rest] = input.displayName.split(' ');
      const u: DirUser = {
        id: randomUUID(),
        displayName: input.displayName,
        givenName: input.givenName ?? given ?? '',
        surname: input.surname ?? rest.join(' '),
        userPrincipalName: upn,
        mail: upn,
        jobTitle: input.jobTitle ?? '',
        department: input.department ?? '',
        managerId: input.managerId ?? null,
        accountEnabled: input.accountEnabled ?? true,
        employeeLeaveDateTime: input.employeeLeaveDateTime ?? null,
        createdDateTime: now,
        kind: 'person',
        mailNickname: upn.split('@')[0]!,
        usageLocation: input.usageLocation ?? 'US',
        officeLocation: null,
        mobilePhone: null,
        businessPhones: [],
        employeeId: null,
        employeeType: 'Employee',
        employeeHireDate: now,
        companyName: 'Contoso',
        preferredLanguage: 'en-US',
        city: null,
        country: null,
        userType: 'Member',
        onPremisesSyncEnabled: input.onPremisesSyncEnabled ? true : null,
        onPremisesImmutableId: null,
        onPremisesSamAccountName: null,
        onPremisesLastSyncDateTime: input.onPremisesSyncEnabled ? now : null,
        licences: (input.licences ?? []).map((skuId) => ({ skuId, disabledPlans: [] })),
        passwordHash: null,
        forceChangePasswordNextSignIn: true,
        forceChangePasswordNextSignInWithMfa: false,
        lastPasswordChangeDateTime: now,
        signInSessionsValidFromDateTime: now,
        deletedDateTime: null,
        hasOneDrive: (input.licences ?? []).length > 0,
        extra: null,
      };
      s.insertUser(u);
      for (const g of input.groups ?? []) s.addMember(group(g).id, u.id);
      return u;
    },
    updateUser(key, change) {
      const u = user(key);
      store().updateUser(u.id, change);
      return u;
    },
    deleteUser: (key) => store().deleteUser(user(key).id),
    restoreUser(id) {
      if (!store().deletedUser(id)) throw new Error(`No deleted user '${id}'.`);
      store().restoreUser(id);
    },
    purgeUser: (id) => store().purgeUser(id),
    setManager: (userId, managerId) => store().setManager(user(userId).id, managerId ? user(managerId).id : null),
    addGroup(input) {
      const s = store();
      const kind = input.kind ?? 'security';
      const nick = input.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      const mailEnabled = kind !== 'security';
      const g: SimGroup = {
        id: randomUUID(),
        displayName: input.displayName,
        description: null,
        mailNickname: nick,
        mail: mailEnabled ? `${nick}@${s.tenant.defaultDomain}` : null,
        mailEnabled,
        securityEnabled: kind === 'security' || kind === 'mailSecurity',
        groupTypes: [...(kind === 'unified' ? ['Unified'] : []), ...(input.membershipRule ? ['DynamicMembership'] : [])],
        membershipRule: input.membershipRule ?? null,
        membershipRuleProcessingState: input.membershipRule ? 'On' : null,
        visibility: kind === 'unified' ? 'Private' : null,
        resourceProvisioningOptions: input.team ? ['Team'] : [],
        onPremisesSyncEnabled: input.onPremisesSyncEnabled ? true : null,
        onPremisesLastSyncDateTime: input.onPremisesSyncEnabled ? s.iso() : null,
        createdDateTime: s.iso(),
        assignedLicenses: input.assignedLicenses ?? [],
        members: new Set(),
        owners: new Set(input.owners ?? []),
        deletedDateTime: null,
      };
      s.insertGroup(g);
      for (const m of input.members ?? []) s.addMember(g.id, m);
      return g;
    },
    addGroupMember: (groupId, memberId) => store().addMember(group(groupId).id, memberId),
    removeGroupMember: (groupId, memberId) => store().removeMember(group(groupId).id, memberId),
    assignLicence(userId, skuId, disabledPlans = []) {
      const u = user(userId);
      store().setDirectLicences(u.id, [...u.licences.filter((l) => l.skuId !== skuId), { skuId, disabledPlans }]);
    },
    removeLicence(userId, skuId) {
      const u = user(userId);
      store().setDirectLicences(u.id, u.licences.filter((l) => l.skuId !== skuId));
    },
    setMailbox(userId, change) {
      const m = store().mailbox(user(userId).id);
      if (!m) throw new Error(`User '${userId}' has no mailbox.`);
      return Object.assign(m, change);
    },
    completeDeviceActions() {
      const s = store();
      let n = 0;
      for (const d of [...s.managedDevices.values()]) {
        if (!d.deviceActionResults.some((a) => a.actionState === 'pending')) continue;
        for (const a of d.deviceActionResults) if (a.actionState === 'pending') (a.actionState = 'done'), (a.lastUpdatedDateTime = s.iso());
        s.removeManagedDevice(d.id);
        n++;
      }
      return n;
    },
    advanceClock(ms) {
      store().clockOffsetMs += ms;
    },
  };
}
