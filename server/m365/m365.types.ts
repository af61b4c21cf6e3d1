/**
 * Microsoft 365 in Offramp's own types: what the driver returns and takes. No SDK object
 * (Graph client, MSAL) passes the driver's interface.
 */

/**
 * How Offramp proves itself to a tenant's Entra ID: the app's client id with a secret, or with a
 * certificate (its private key signs a client assertion; Entra holds the public part).
 */
export type TenantCredentials = {
  /** The customer's Entra tenant id (a GUID). */
  tenantId: string;
  clientId: string;
} & (
  | { clientSecret: string; certificate?: undefined }
  | { clientSecret?: undefined; certificate: { thumbprintSha256: string; privateKeyPem: string } }
);

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  department: string | null;
  jobTitle: string | null;
  accountEnabled: boolean;
  employeeLeaveDateTime: string | null;
  employeeHireDate: string | null;
  onPremisesSyncEnabled: boolean;
  /** skuIds of every licence the person holds (direct or through a group). */
  licenseSkuIds: string[];
}

/** An Intune managed device, as sync reads it. */
export interface ManagedDeviceInfo {
  id: string;
  /** The primary user's object id (null for a device without one). */
  userId: string | null;
  deviceName: string | null;
  model: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  operatingSystem: string | null;
  enrolledDateTime: string | null;
}

export type UserChange = { kind: 'upsert'; user: DirectoryUser; managerId?: string | null } | { kind: 'removed'; id: string };

export interface DirectoryGroup {
  id: string;
  displayName: string;
  securityEnabled: boolean;
  mailEnabled: boolean;
  groupTypes: string[];
  onPremisesSyncEnabled: boolean;
  membershipRule: string | null;
}

export type GroupKind = 'security' | 'microsoft365' | 'mail-security' | 'distribution' | 'dynamic';

export interface Organization {
  id: string;
  displayName: string;
  defaultDomain: string;
}

export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
}

/** One call to Microsoft, as the audit trail and the compliance report record it. */
export interface CallRecord {
  service: 'graph' | 'exchange';
  method: string;
  /** Path without query (Graph) or the cmdlet name (Exchange). */
  target: string;
  status: number;
  requestId: string | null;
  attempts: number;
  ms: number;
}

/** Microsoft said no, and retrying would not help (4xx other than throttling). */
export class M365Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'M365Error';
  }
}

/** Microsoft could not be reached or kept failing after every retry (throttling, 5xx, timeouts). */
export class M365Unavailable extends Error {
  constructor(
    message: string,
    readonly requestId: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'M365Unavailable';
  }
}
