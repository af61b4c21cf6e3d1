import type { SimTenant } from '../seed.js';
import { QUOTA, PLANS } from './catalogue.js';
import { compileRule, type CompiledRule } from './dynamic-rules.js';
import { Grants } from './grants.js';
import type {
  AutoReply,
  DirChange,
  DirUser,
  FolderGrant,
  LicenceAssignment,
  MailboxGrant,
  Personal,
  SimGroup,
  SimMailbox,
  SimManagedDevice,
  SimMobileDevice,
  SimRegisteredDevice,
  Sku,
} from './model.js';
import { Replica } from './replica.js';

/**
 * The tenant's state and the only code that changes it. The Graph and Exchange surfaces
 * validate requests as Microsoft does and then call these methods; so do the admin helpers
 * tests use to change the tenant "in Entra". Every directory change is numbered (`changes`)
 * for delta queries, and recorded for the read-after-write replica.
 */

export interface LicenceState {
  skuId: string;
  disabledPlans: string[];
  /** null: assigned directly. */
  assignedByGroup: string | null;
}

export const DELETED_RETENTION_MS = 30 * 24 * 3600_000;

export class TenantStore {
  readonly users = new Map<string, DirUser>();
  /** Creation order: what paging walks (deleted users stay in it and are skipped). */
  readonly userOrder: DirUser[] = [];
  readonly groups = new Map<string, SimGroup>();
  readonly groupOrder: SimGroup[] = [];
  readonly mailboxes = new Map<string, SimMailbox>();
  /** FullAccess on mailboxes: target = mailbox owner's user id. */
  readonly fullAccess = new Grants<MailboxGrant>();
  /** SendAs on recipients: target = mailbox owner's user id. */
  readonly sendAs = new Grants<{ accessRights: string[] }>();
  /** Folder permissions: target = `${userId}:Calendar`. */
  readonly folderGrants = new Grants<FolderGrant>();
  readonly managedDevices = new Map<string, SimManagedDevice>();
  readonly managedOrder: SimManagedDevice[] = [];
  /** Entra devices without Intune management (personal registrations), by owner. */
  readonly unmanagedRegistrations = new Map<string, SimRegisteredDevice[]>();
  readonly mobileDevices = new Map<string, SimMobileDevice>();
  readonly changes: DirChange[] = [];
  readonly replica: Replica;
  /** Events cancelled through the API (kept for inspection after they leave the calendar). */
  readonly cancelledEvents: { userId: string; eventId: string; subject: string; comment: string | null; at: string }[] = [];
  clockOffsetMs = 0;
  /** While seeding: no change log, no replica, licences counted once at the end. */
  bulk = false;

  private readonly byUpn = new Map<string, DirUser>();
  /** Direct memberships by member (small arrays: most people are in a handful of groups). */
  private readonly memberOfIdx = new Map<string, string[]>();
  private readonly ownerOfIdx = new Map<string, Set<string>>();
  private readonly reportsIdx = new Map<string, Set<string>>();
  private readonly memberArrays = new Map<string, string[]>();
  private readonly devicesByUser = new Map<string, string[]>();
  private readonly registeredByUser = new Map<string, SimRegisteredDevice[]>();
  private readonly mobileByUser = new Map<string, string[]>();
  private readonly personalData = new Map<string, Personal>();
  private readonly driveOwners = new Map<string, string>();
  private readonly dynamicRules = new Map<string, CompiledRule>();
  private readonly deletedStash = new Map<string, { groups: string[]; owned: string[] }>();
  private readonly consumed = new Map<string, number>();

  constructor(
    readonly tenant: SimTenant,
    readonly skus: Sku[],
    private readonly makePersonal: (store: TenantStore, user: DirUser) => Personal,
  ) {
    this.replica = new Replica(() => this.now());
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  // ---- users -------------------------------------------------------------------------

  /** A live (not deleted) user by object id or user principal name. */
  user(key: string): DirUser | undefined {
    const u = this.users.get(key) ?? this.byUpn.get(key.toLowerCase());
    return u && !u.deletedDateTime ? u : undefined;
  }

  /** A user in deleted items (within the 30-day retention). */
  deletedUser(id: string): DirUser | undefined {
    this.purgeExpired();
    const u = this.users.get(id);
    return u?.deletedDateTime ? u : undefined;
  }

  *liveUsers(): Generator<DirUser> {
    for (const u of this.userOrder) if (!u.deletedDateTime && this.users.get(u.id) === u) yield u;
  }

  deletedUsers(): DirUser[] {
    this.purgeExpired();
    return this.userOrder.filter((u) => u.deletedDateTime && this.users.get(u.id) === u);
  }

  insertUser(u: DirUser): void {
    this.recordUser(u.id);
    this.users.set(u.id, u);
    this.userOrder.push(u);
    this.byUpn.set(u.userPrincipalName.toLowerCase(), u);
    if (u.managerId) this.index(this.reportsIdx, u.managerId, u.id);
    this.applyDynamic(u);
    this.trackLicences([u.id], () => undefined, true);
    this.ensureMailbox(u);
    this.log({ kind: 'user', id: u.id });
  }

  /** Applies already-validated Graph property values. */
  updateUser(id: string, patch: Partial<DirUser>): void {
    const u = this.users.get(id)!;
    this.recordUser(id);
    if (patch.userPrincipalName && patch.userPrincipalName !== u.userPrincipalName) {
      this.byUpn.delete(u.userPrincipalName.toLowerCase());
      this.byUpn.set(patch.userPrincipalName.toLowerCase(), u);
    }
    Object.assign(u, patch);
    this.applyDynamic(u);
    this.log({ kind: 'user', id });
  }

  setManager(userId: string, managerId: string | null): void {
    const u = this.users.get(userId)!;
    this.recordUser(userId);
    const previous = u.managerId;
    if (previous) this.reportsIdx.get(previous)?.delete(userId);
    u.managerId = managerId;
    if (managerId) this.index(this.reportsIdx, managerId, userId);
    this.log(previous && previous !== managerId ? { kind: 'user', id: userId, managerRemoved: previous } : { kind: 'user', id: userId });
  }

  directReports(managerId: string): DirUser[] {
    return [...(this.reportsIdx.get(managerId) ?? [])].map((id) => this.user(id)).filter((u): u is DirUser => !!u);
  }

  /** Soft delete: to deleted items for 30 days; memberships and licences are set aside. */
  deleteUser(id: string): void {
    const u = this.users.get(id)!;
    this.recordUser(id);
    this.recordMemberOf(id);
    const groups = [...(this.memberOfIdx.get(id) ?? [])];
    const owned = [...(this.ownerOfIdx.get(id) ?? [])];
    this.trackLicences([id], () => {
      for (const g of groups) this.unlinkMember(g, id);
      u.deletedDateTime = this.iso();
    });
    for (const g of owned) this.groups.get(g)!.owners.delete(id);
    this.ownerOfIdx.delete(id);
    this.deletedStash.set(id, { groups, owned });
    this.byUpn.delete(u.userPrincipalName.toLowerCase());
    this.log({ kind: 'user', id });
  }

  restoreUser(id: string, newUserPrincipalName?: string): void {
    const u = this.users.get(id)!;
    const stash = this.deletedStash.get(id) ?? { groups: [], owned: [] };
    this.recordUser(id);
    this.trackLicences([id], () => {
      u.deletedDateTime = null;
      if (newUserPrincipalName) u.userPrincipalName = newUserPrincipalName;
      for (const g of stash.groups) if (this.groups.has(g)) this.linkMember(g, id);
    });
    for (const g of stash.owned) if (this.groups.has(g)) this.addOwner(g, id);
    this.deletedStash.delete(id);
    this.byUpn.set(u.userPrincipalName.toLowerCase(), u);
    this.log({ kind: 'user', id });
  }

  /** Permanent deletion (from deleted items, or after 30 days). */
  purgeUser(id: string): void {
    const u = this.users.get(id);
    if (!u) return;
    this.users.delete(id);
    this.deletedStash.delete(id);
    this.mailboxes.delete(id);
    this.personalData.delete(id);
    this.log({ kind: 'user', id });
  }

  purgeExpired(): void {
    const limit = this.now() - DELETED_RETENTION_MS;
    for (const u of this.userOrder) {
      if (u.deletedDateTime && Date.parse(u.deletedDateTime) < limit && this.users.get(u.id) === u) this.purgeUser(u.id);
    }
  }

  /** Finds a live user by UPN, mail or proxy address (Exchange recipients). */
  userByAddress(address: string): DirUser | undefined {
    const a = address.replace(/^smtp:/i, '').toLowerCase();
    const byUpn = this.byUpn.get(a);
    if (byUpn && !byUpn.deletedDateTime) return byUpn;
    for (const u of this.liveUsers()) if (u.mail.toLowerCase() === a) return u;
    return undefined;
  }

  /** What a Graph read sees (read-after-write delay applied). */
  visibleUser(key: string): DirUser | undefined {
    const id = this.users.get(key)?.id ?? this.byUpn.get(key.toLowerCase())?.id ?? key;
    return this.replica.read(`user:${id}`, this.user(id));
  }

  private recordUser(id: string): void {
    if (this.bulk) return;
    this.replica.record(`user:${id}`, () => {
      const u = this.user(id);
      return u && { ...u, licences: u.licences.map((l) => ({ ...l })), businessPhones: [...u.businessPhones] };
    });
  }

  // ---- groups and memberships -----------------------------------------------------------

  group(id: string): SimGroup | undefined {
    const g = this.groups.get(id);
    return g && !g.deletedDateTime ? g : undefined;
  }

  insertGroup(g: SimGroup): void {
    this.groups.set(g.id, g);
    this.groupOrder.push(g);
    for (const m of g.members) this.push(this.memberOfIdx, m, g.id);
    for (const o of g.owners) this.index(this.ownerOfIdx, o, g.id);
    if (g.membershipRule && g.groupTypes.includes('DynamicMembership')) {
      this.dynamicRules.set(g.id, compileRule(g.membershipRule));
      for (const u of this.userOrder) if (!u.deletedDateTime) this.applyDynamic(u, g.id);
    }
    this.log({ kind: 'group', id: g.id });
  }

  isDynamic(g: SimGroup): boolean {
    return g.groupTypes.includes('DynamicMembership');
  }

  /** Member ids in a stable order (cached until the membership changes). */
  memberIds(groupId: string): string[] {
    let list = this.memberArrays.get(groupId);
    if (!list) this.memberArrays.set(groupId, (list = [...this.groups.get(groupId)!.members]));
    return list;
  }

  visibleMemberIds(groupId: string): string[] {
    return this.replica.read(`members:${groupId}`, this.memberIds(groupId));
  }

  memberOf(memberId: string): string[] {
    return [...(this.memberOfIdx.get(memberId) ?? [])].filter((g) => this.group(g));
  }

  visibleMemberOf(memberId: string): string[] {
    return this.replica.read(`memberOf:${memberId}`, this.memberOf(memberId));
  }

  ownerOf(userId: string): string[] {
    return [...(this.ownerOfIdx.get(userId) ?? [])];
  }

  /** Groups reached through nested membership, nearest first. */
  transitiveMemberOf(memberId: string, direct = this.memberOf(memberId)): string[] {
    const seen = new Set<string>(direct);
    const queue = [...direct];
    while (queue.length) for (const g of this.memberOf(queue.shift()!)) if (!seen.has(g)) seen.add(g), queue.push(g);
    return [...seen];
  }

  /** Every user and group below a group through nesting. */
  transitiveMembers(groupId: string): string[] {
    const seen = new Set<string>();
    const queue = [groupId];
    while (queue.length) {
      for (const m of this.memberIds(queue.shift()!)) {
        if (seen.has(m)) continue;
        seen.add(m);
        if (this.groups.has(m)) queue.push(m);
      }
    }
    return [...seen];
  }

  addMember(groupId: string, memberId: string): void {
    this.recordMembers(groupId, memberId);
    this.trackLicences(this.licensing(groupId) ? [memberId] : [], () => this.linkMember(groupId, memberId));
  }

  removeMember(groupId: string, memberId: string): void {
    this.recordMembers(groupId, memberId);
    this.trackLicences(this.licensing(groupId) ? [memberId] : [], () => this.unlinkMember(groupId, memberId));
  }

  addOwner(groupId: string, userId: string): void {
    this.groups.get(groupId)!.owners.add(userId);
    this.index(this.ownerOfIdx, userId, groupId);
    this.log({ kind: 'group', id: groupId });
  }

  removeOwner(groupId: string, userId: string): void {
    this.groups.get(groupId)!.owners.delete(userId);
    this.ownerOfIdx.get(userId)?.delete(groupId);
    this.log({ kind: 'group', id: groupId });
  }

  private licensing(groupId: string): boolean {
    return this.groups.get(groupId)!.assignedLicenses.length > 0;
  }

  private linkMember(groupId: string, memberId: string): void {
    const g = this.groups.get(groupId)!;
    if (g.members.has(memberId)) return;
    g.members.add(memberId);
    this.memberArrays.delete(groupId);
    this.push(this.memberOfIdx, memberId, groupId);
    this.log({ kind: 'member', id: groupId, memberId, memberType: this.groups.has(memberId) ? 'group' : 'user', added: true });
  }

  private unlinkMember(groupId: string, memberId: string): void {
    const g = this.groups.get(groupId)!;
    if (!g.members.delete(memberId)) return;
    this.memberArrays.delete(groupId);
    const of = this.memberOfIdx.get(memberId);
    if (of) of.splice(of.indexOf(groupId), 1);
    this.log({ kind: 'member', id: groupId, memberId, memberType: this.groups.has(memberId) ? 'group' : 'user', added: false });
  }

  private recordMembers(groupId: string, memberId: string): void {
    if (this.bulk) return;
    this.replica.record(`members:${groupId}`, () => [...this.memberIds(groupId)]);
    this.recordMemberOf(memberId);
  }

  private recordMemberOf(memberId: string): void {
    if (this.bulk) return;
    this.replica.record(`memberOf:${memberId}`, () => this.memberOf(memberId));
  }

  /** Re-evaluates dynamic groups (all, or one) for a user after a change to them. */
  private applyDynamic(u: DirUser, only?: string): void {
    const rules = only ? [[only, this.dynamicRules.get(only)!] as const] : this.dynamicRules;
    for (const [gid, rule] of rules) {
      const should = !u.deletedDateTime && u.kind === 'person' && rule(u as unknown as Record<string, unknown>);
      const is = this.groups.get(gid)!.members.has(u.id);
      if (should && !is) this.addMember(gid, u.id);
      else if (!should && is) this.removeMember(gid, u.id);
    }
  }

  // ---- licences ---------------------------------------------------------------------

  /** Direct and group-inherited assignments (Graph's licenseAssignmentStates). */
  licenceStates(u: DirUser): LicenceState[] {
    const out: LicenceState[] = u.licences.map((l) => ({ skuId: l.skuId, disabledPlans: l.disabledPlans, assignedByGroup: null }));
    for (const gid of this.memberOfIdx.get(u.id) ?? []) {
      const g = this.groups.get(gid)!;
      for (const l of g.assignedLicenses) out.push({ skuId: l.skuId, disabledPlans: l.disabledPlans, assignedByGroup: gid });
    }
    return out;
  }

  /** One entry per licence the user has, however assigned (Graph's assignedLicenses). */
  assignedLicences(u: DirUser): LicenceAssignment[] {
    if (u.deletedDateTime) return [];
    const by = new Map<string, LicenceAssignment>();
    for (const s of this.licenceStates(u)) {
      const prev = by.get(s.skuId);
      // A plan is disabled only if every assignment of the SKU disables it.
      by.set(s.skuId, { skuId: s.skuId, disabledPlans: prev ? prev.disabledPlans.filter((p) => s.disabledPlans.includes(p)) : [...s.disabledPlans] });
    }
    return [...by.values()];
  }

  consumedUnits(skuId: string): number {
    return this.consumed.get(skuId) ?? 0;
  }

  /** Replaces a user's direct assignments (validated by the caller). */
  setDirectLicences(userId: string, licences: LicenceAssignment[]): void {
    const u = this.users.get(userId)!;
    this.recordUser(userId);
    this.trackLicences([userId], () => {
      u.licences = licences;
    });
    this.ensureMailbox(u);
    this.log({ kind: 'user', id: userId });
  }

  /** Keeps consumed units right across a change that may alter these users' licences. */
  private trackLicences(userIds: string[], change: () => void, created = false): void {
    if (this.bulk || userIds.length === 0) return change();
    const skusOf = (id: string) => {
      const u = this.users.get(id);
      return u ? new Set(this.assignedLicences(u).map((l) => l.skuId)) : new Set<string>();
    };
    const before = userIds.map((id) => (created ? new Set<string>() : skusOf(id)));
    change();
    userIds.forEach((id, i) => {
      const after = skusOf(id);
      for (const s of before[i]!) if (!after.has(s)) this.consumed.set(s, this.consumedUnits(s) - 1);
      for (const s of after) if (!before[i]!.has(s)) this.consumed.set(s, this.consumedUnits(s) + 1);
      if (!setsEqual(before[i]!, after)) {
        if (this.users.has(id) && !created) this.log({ kind: 'user', id });
      }
    });
  }

  /** Counts every live user's licences from scratch (after seeding; and a check for tests). */
  recountLicences(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const u of this.liveUsers()) for (const l of this.assignedLicences(u)) counts.set(l.skuId, (counts.get(l.skuId) ?? 0) + 1);
    return counts;
  }

  finishBulk(): void {
    this.bulk = false;
    this.consumed.clear();
    for (const [k, v] of this.recountLicences()) this.consumed.set(k, v);
    this.changes.length = 0;
  }

  hasPlan(u: DirUser, servicePlanId: string): boolean {
    return this.assignedLicences(u).some((l) => !l.disabledPlans.includes(servicePlanId) && this.skus.find((s) => s.skuId === l.skuId)?.servicePlans.some((p) => p.servicePlanId === servicePlanId));
  }

  // ---- mailboxes ----------------------------------------------------------------------

  /** The mailbox of a live user, if they have one. */
  mailbox(userId: string): SimMailbox | undefined {
    const u = this.user(userId);
    return u ? this.mailboxes.get(u.id) : undefined;
  }

  /** A user who gains an Exchange Online plan gets a mailbox (as Exchange provisions one). */
  private ensureMailbox(u: DirUser): void {
    if (this.bulk || this.mailboxes.has(u.id) || u.kind !== 'person') return;
    const plan2 = this.hasPlan(u, PLANS.exchangeP2.servicePlanId);
    if (!plan2 && !this.hasPlan(u, PLANS.exchangeP1.servicePlanId)) return;
    this.mailboxes.set(u.id, newMailbox(u.id, plan2 ? QUOTA.plan2 : QUOTA.plan1, this.iso(), this.mailboxes.size));
  }

  // ---- devices ------------------------------------------------------------------------

  insertManagedDevice(d: SimManagedDevice): void {
    this.managedDevices.set(d.id, d);
    this.managedOrder.push(d);
    this.push(this.devicesByUser, d.userId, d.id);
  }

  managedDevicesOf(userId: string): SimManagedDevice[] {
    return (this.devicesByUser.get(userId) ?? []).map((id) => this.managedDevices.get(id)).filter((d): d is SimManagedDevice => !!d);
  }

  removeManagedDevice(id: string): void {
    const d = this.managedDevices.get(id);
    if (!d) return;
    this.registeredDevicesOf(d.userId);
    for (const r of this.registeredByUser.get(d.userId)!) if (r.deviceId === d.azureADDeviceId) r.isManaged = false;
    this.managedDevices.delete(id);
  }

  insertUnmanagedRegistration(d: SimRegisteredDevice): void {
    const list = this.unmanagedRegistrations.get(d.ownerId);
    if (list) list.push(d);
    else this.unmanagedRegistrations.set(d.ownerId, [d]);
  }

  /**
   * A user's Entra devices: one per Intune-managed device (its Entra registration, made on
   * first read and kept after the Intune record goes) plus personal registrations.
   */
  registeredDevicesOf(userId: string): SimRegisteredDevice[] {
    let list = this.registeredByUser.get(userId);
    if (!list) this.registeredByUser.set(userId, (list = this.managedDevicesOf(userId).map(registrationOf)));
    return [...list, ...(this.unmanagedRegistrations.get(userId) ?? [])];
  }

  insertMobileDevice(d: SimMobileDevice): void {
    this.mobileDevices.set(d.guid, d);
    this.push(this.mobileByUser, d.userId, d.guid);
  }

  mobileDevicesOf(userId: string): SimMobileDevice[] {
    return (this.mobileByUser.get(userId) ?? []).map((id) => this.mobileDevices.get(id)).filter((d): d is SimMobileDevice => !!d);
  }

  // ---- per-person data ----------------------------------------------------------------

  personal(userId: string): Personal {
    let p = this.personalData.get(userId);
    if (!p) {
      this.personalData.set(userId, (p = this.makePersonal(this, this.users.get(userId)!)));
      if (p.drive) this.driveOwners.set(p.drive.id, userId);
    }
    return p;
  }

  /** The owner of a OneDrive by drive id (drives are known once their owner's details are made). */
  driveOwner(driveId: string): string | undefined {
    return this.driveOwners.get(driveId);
  }

  /** Materialised per-person data only (for inspection without materialising everyone). */
  personalIfMaterialised(userId: string): Personal | undefined {
    return this.personalData.get(userId);
  }

  // ---- change log ---------------------------------------------------------------------

  get seq(): number {
    return this.changes.length;
  }

  private log(c: DirChange): void {
    if (!this.bulk) this.changes.push(c);
  }

  private index(idx: Map<string, Set<string>>, key: string, value: string): void {
    let s = idx.get(key);
    if (!s) idx.set(key, (s = new Set()));
    s.add(value);
  }

  private push(idx: Map<string, string[]>, key: string, value: string): void {
    const list = idx.get(key);
    if (list) list.push(value);
    else idx.set(key, [value]);
  }
}

/** The Entra device object behind an Intune-managed device. */
function registrationOf(d: SimManagedDevice): SimRegisteredDevice {
  const hex = d.azureADDeviceId.replace(/-/g, '');
  return {
    id: `${hex.slice(16, 24)}-${hex.slice(24, 28)}-4${hex.slice(29, 32)}-${hex.slice(12, 16)}-${hex.slice(0, 12)}`,
    deviceId: d.azureADDeviceId,
    ownerId: d.userId,
    displayName: d.deviceName,
    operatingSystem: d.operatingSystem === 'macOS' ? 'MacMDM' : d.operatingSystem,
    operatingSystemVersion: d.osVersion,
    trustType: d.operatingSystem === 'Windows' && d.managedDeviceOwnerType === 'company' ? 'AzureAd' : 'Workplace',
    isManaged: true,
    isCompliant: d.complianceState === 'compliant',
    accountEnabled: true,
    registrationDateTime: d.enrolledDateTime,
    approximateLastSignInDateTime: d.lastSyncDateTime,
  };
}

/** Exchange's mailbox GUID, derived from the owner's object id (stable, distinct from it). */
export function exchangeGuidOf(userId: string): string {
  const hex = userId.replace(/-/g, '');
  return `${hex.slice(24, 32)}-${hex.slice(20, 24)}-4${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(0, 12)}`;
}

export const AUTO_REPLY_OFF: Readonly<AutoReply> = Object.freeze({ state: 'Disabled', internalMessage: '', externalMessage: '', externalAudience: 'All', startTime: null, endTime: null });

function setsEqual(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

export function newMailbox(userId: string, quotaBytes: number, whenCreated: string, n: number): SimMailbox {
  return {
    userId,
    type: 'UserMailbox',
    hidden: false,
    forwardingSmtpAddress: null,
    forwardingAddress: null,
    deliverToMailboxAndForward: false,
    sizeBytes: 20 * 1024 * 1024 + (n % 7) * 1024 * 1024,
    itemCount: 120 + (n % 50),
    quotaBytes,
    autoReply: AUTO_REPLY_OFF,
    litigationHoldEnabled: false,
    whenCreated,
    settings: null,
  };
}
