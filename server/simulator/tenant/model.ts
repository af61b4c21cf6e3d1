import type { SimUser } from '../seed.js';

/**
 * The simulated tenant's state: one model that both the Graph and the Exchange surfaces read
 * and change (converting a mailbox in Exchange is what Graph's mailboxSettings then shows).
 * Records hold Microsoft's property names where a property is Microsoft's, so that the
 * representations stay thin.
 */

export interface LicenceAssignment {
  skuId: string;
  disabledPlans: string[];
}

export type UserKind = 'person' | 'shared';

export interface DirUser extends SimUser {
  kind: UserKind;
  mailNickname: string;
  usageLocation: string | null;
  officeLocation: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  employeeId: string | null;
  employeeType: string | null;
  employeeHireDate: string | null;
  companyName: string | null;
  preferredLanguage: string | null;
  city: string | null;
  country: string | null;
  userType: 'Member' | 'Guest';
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesLastSyncDateTime: string | null;
  /** Direct assignments only; group-inherited ones follow from memberships. */
  licences: LicenceAssignment[];
  /** sha-256 of the last password set through the API (never the password itself). */
  passwordHash: string | null;
  forceChangePasswordNextSignIn: boolean;
  forceChangePasswordNextSignInWithMfa: boolean;
  lastPasswordChangeDateTime: string;
  signInSessionsValidFromDateTime: string;
  deletedDateTime: string | null;
  /** Whether the person has a OneDrive (provisioned when they first had SharePoint). */
  hasOneDrive: boolean;
  /** Known Graph properties the simulator stores without modelling them (set by PATCH). */
  extra: Record<string, unknown> | null;
}

export type GroupKind = 'security' | 'unified' | 'mailSecurity' | 'distribution';

export interface SimGroup {
  id: string;
  displayName: string;
  description: string | null;
  mailNickname: string;
  mail: string | null;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  membershipRule: string | null;
  membershipRuleProcessingState: 'On' | 'Paused' | null;
  visibility: 'Public' | 'Private' | null;
  resourceProvisioningOptions: string[];
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: string | null;
  createdDateTime: string;
  assignedLicenses: LicenceAssignment[];
  /** Exchange: members must be changed with -BypassSecurityGroupManagerCheck unless by an owner. */
  members: Set<string>;
  owners: Set<string>;
  deletedDateTime: string | null;
}

export type RecipientTypeDetails = 'UserMailbox' | 'SharedMailbox';

export interface AutoReply {
  state: 'Disabled' | 'Enabled' | 'Scheduled';
  internalMessage: string;
  externalMessage: string;
  externalAudience: 'None' | 'Known' | 'All';
  startTime: string | null;
  endTime: string | null;
}

export interface SimMailbox {
  userId: string;
  type: RecipientTypeDetails;
  hidden: boolean;
  forwardingSmtpAddress: string | null;
  /** Another recipient (internal forwarding), by user id. */
  forwardingAddress: string | null;
  deliverToMailboxAndForward: boolean;
  sizeBytes: number;
  itemCount: number;
  /** Bytes: 100 GB with Exchange Online Plan 2 (E3/E5), 50 GB with Plan 1 or unlicensed shared. */
  quotaBytes: number;
  /** Replaced, never changed in place (the default is shared by every mailbox). */
  autoReply: Readonly<AutoReply>;
  litigationHoldEnabled: boolean;
  whenCreated: string;
  /** Other mailboxSettings set through Graph (timeZone, language, workingHours, …). */
  settings: Record<string, unknown> | null;
}

export interface MailboxGrant {
  accessRights: string[];
  autoMapping: boolean;
}

export interface FolderGrant {
  accessRights: string[];
  sharingPermissionFlags: string | null;
}

export interface DeviceAction {
  actionName: 'wipe' | 'retire';
  actionState: 'pending' | 'done';
  startDateTime: string;
  lastUpdatedDateTime: string;
}

export interface SimManagedDevice {
  id: string;
  userId: string;
  deviceName: string;
  operatingSystem: 'Windows' | 'macOS' | 'iOS' | 'Android';
  osVersion: string;
  complianceState: 'compliant' | 'noncompliant' | 'inGracePeriod' | 'unknown';
  managementState: 'managed' | 'wipePending' | 'retirePending' | 'retireIssued' | 'wipeIssued';
  managedDeviceOwnerType: 'company' | 'personal';
  enrolledDateTime: string;
  lastSyncDateTime: string;
  model: string;
  manufacturer: string;
  serialNumber: string;
  azureADDeviceId: string;
  isEncrypted: boolean;
  deviceActionResults: DeviceAction[];
}

export interface SimRegisteredDevice {
  id: string;
  deviceId: string;
  ownerId: string;
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  trustType: 'AzureAd' | 'Workplace' | 'ServerAd';
  isManaged: boolean;
  isCompliant: boolean;
  accountEnabled: boolean;
  registrationDateTime: string;
  approximateLastSignInDateTime: string;
}

/** An Exchange ActiveSync partnership (Get-MobileDevice). */
export interface SimMobileDevice {
  guid: string;
  userId: string;
  deviceId: string;
  deviceType: string;
  deviceModel: string;
  deviceOs: string;
  friendlyName: string;
  clientType: 'EAS' | 'Outlook';
  firstSyncTime: string;
  lastSyncAttemptTime: string;
}

export type AuthMethodKind = 'password' | 'phone' | 'microsoftAuthenticator' | 'fido2' | 'email' | 'softwareOath';

export interface AuthMethod {
  kind: AuthMethodKind;
  id: string;
  createdDateTime: string | null;
  /** The type's own properties, as Graph names them. */
  props: Record<string, unknown>;
}

export interface SimDrive {
  id: string;
  rootId: string;
  ownerId: string;
  createdDateTime: string;
  usedBytes: number;
  /** Graph permission objects on the root, the owner's first. */
  permissions: Record<string, unknown>[];
}

/**
 * Per-person data materialised on first use (deterministically from the seed), so that
 * seeding 50,000 people stays fast and small.
 */
export interface Personal {
  methods: AuthMethod[];
  /** Graph messageRule objects of the Inbox. */
  rules: Record<string, unknown>[];
  /** Graph event objects the person organises. */
  events: Record<string, unknown>[];
  drive: SimDrive | null;
}

export interface Sku {
  skuId: string;
  skuPartNumber: string;
  displayName: string;
  enabledUnits: number;
  servicePlans: { servicePlanId: string; servicePlanName: string }[];
}

/** A directory change, numbered: what delta queries replay. */
export type DirChange =
  | { kind: 'user'; id: string; managerRemoved?: string }
  | { kind: 'group'; id: string }
  | { kind: 'member'; id: string; memberId: string; memberType: 'user' | 'group'; added: boolean };
