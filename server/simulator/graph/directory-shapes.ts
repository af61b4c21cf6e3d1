import type { DirUser, SimGroup, SimRegisteredDevice } from '../tenant/model.js';
import { project, type Shape, type ShapeContext } from './odata.js';

/**
 * How directory objects look in Microsoft Graph: user, group and (registered) device. Each
 * property is computed from the record when asked for; the defaults are what Graph returns
 * without $select.
 */

/** Every property of microsoft.graph.user in v1.0 (checked against Microsoft's CSDL in tests). */
export const USER_PROPERTIES = [
  'aboutMe', 'accountEnabled', 'ageGroup', 'assignedLicenses', 'assignedPlans', 'authorizationInfo', 'birthday', 'businessPhones', 'city',
  'companyName', 'consentProvidedForMinor', 'country', 'createdDateTime', 'creationType', 'customSecurityAttributes', 'deletedDateTime',
  'department', 'deviceEnrollmentLimit', 'displayName', 'employeeHireDate', 'employeeId', 'employeeLeaveDateTime', 'employeeOrgData',
  'employeeType', 'externalUserState', 'externalUserStateChangeDateTime', 'faxNumber', 'givenName', 'hireDate', 'id', 'identities',
  'identityParentId', 'imAddresses', 'interests', 'isManagementRestricted', 'isResourceAccount', 'jobTitle', 'lastPasswordChangeDateTime',
  'legalAgeGroupClassification', 'licenseAssignmentStates', 'mail', 'mailboxSettings', 'mailNickname', 'mobilePhone', 'mySite',
  'officeLocation', 'onPremisesDistinguishedName', 'onPremisesDomainName', 'onPremisesExtensionAttributes', 'onPremisesImmutableId',
  'onPremisesLastSyncDateTime', 'onPremisesProvisioningErrors', 'onPremisesSamAccountName', 'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled', 'onPremisesUserPrincipalName', 'otherMails', 'passwordPolicies', 'passwordProfile', 'pastProjects', 'postalCode',
  'preferredDataLocation', 'preferredLanguage', 'preferredName', 'print', 'provisionedPlans', 'proxyAddresses', 'responsibilities',
  'schools', 'securityIdentifier', 'serviceProvisioningErrors', 'showInAddressList', 'signInActivity', 'signInSessionsValidFromDateTime',
  'skills', 'state', 'streetAddress', 'surname', 'usageLocation', 'userPrincipalName', 'userType',
] as const;

const USER_DEFAULTS = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

type UserProp = (u: DirUser, s: ShapeContext) => unknown;
const field = (k: keyof DirUser): UserProp => (u) => u[k] ?? null;

const sid = (id: string) => `S-1-12-1-${id.replace(/-/g, '').match(/.{8}/g)!.map((h) => parseInt(h, 16)).join('-')}`;

const userProps: Record<string, UserProp> = {
  id: (u) => u.id,
  accountEnabled: field('accountEnabled'),
  assignedLicenses: (u, s) => s.store.assignedLicences(u).map((l) => ({ disabledPlans: l.disabledPlans, skuId: l.skuId })),
  assignedPlans: (u, s) =>
    s.store.assignedLicences(u).flatMap((l) =>
      (s.store.skus.find((k) => k.skuId === l.skuId)?.servicePlans ?? []).map((p) => ({
        assignedDateTime: u.createdDateTime,
        capabilityStatus: l.disabledPlans.includes(p.servicePlanId) ? 'Deleted' : 'Enabled',
        service: p.servicePlanName.startsWith('EXCHANGE') ? 'exchange' : p.servicePlanName.startsWith('SHAREPOINT') ? 'SharePoint' : p.servicePlanName === 'TEAMS1' ? 'TeamspaceAPI' : 'MicrosoftOffice',
        servicePlanId: p.servicePlanId,
      })),
    ),
  businessPhones: (u) => u.businessPhones,
  city: field('city'),
  companyName: field('companyName'),
  country: field('country'),
  createdDateTime: field('createdDateTime'),
  creationType: () => null,
  deletedDateTime: field('deletedDateTime'),
  department: (u) => u.department || null,
  displayName: field('displayName'),
  employeeHireDate: field('employeeHireDate'),
  employeeId: field('employeeId'),
  employeeLeaveDateTime: field('employeeLeaveDateTime'),
  employeeOrgData: (u) => (u.department ? { division: null, costCenter: null } : null),
  employeeType: field('employeeType'),
  externalUserState: () => null,
  externalUserStateChangeDateTime: () => null,
  faxNumber: () => null,
  givenName: (u) => u.givenName || null,
  identities: (u, s) => [{ signInType: 'userPrincipalName', issuer: s.store.tenant.defaultDomain, issuerAssignedId: u.userPrincipalName }],
  imAddresses: (u) => (u.kind === 'person' ? [u.userPrincipalName] : []),
  isResourceAccount: () => null,
  jobTitle: (u) => u.jobTitle || null,
  lastPasswordChangeDateTime: field('lastPasswordChangeDateTime'),
  legalAgeGroupClassification: () => null,
  licenseAssignmentStates: (u, s) =>
    s.store.licenceStates(u).map((l) => ({
      assignedByGroup: l.assignedByGroup,
      disabledPlans: l.disabledPlans,
      error: 'None',
      lastUpdatedDateTime: u.createdDateTime,
      skuId: l.skuId,
      state: 'Active',
    })),
  mail: (u) => u.mail || null,
  mailNickname: field('mailNickname'),
  mobilePhone: field('mobilePhone'),
  officeLocation: field('officeLocation'),
  onPremisesDistinguishedName: (u) => (u.onPremisesSyncEnabled ? `CN=${u.displayName},OU=Users,DC=contoso,DC=local` : null),
  onPremisesDomainName: (u) => (u.onPremisesSyncEnabled ? 'contoso.local' : null),
  onPremisesExtensionAttributes: () => Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, null])),
  onPremisesImmutableId: field('onPremisesImmutableId'),
  onPremisesLastSyncDateTime: field('onPremisesLastSyncDateTime'),
  onPremisesProvisioningErrors: () => [],
  onPremisesSamAccountName: field('onPremisesSamAccountName'),
  onPremisesSecurityIdentifier: (u) => (u.onPremisesSyncEnabled ? sid(u.id).replace('S-1-12-1', 'S-1-5-21') : null),
  onPremisesSyncEnabled: field('onPremisesSyncEnabled'),
  onPremisesUserPrincipalName: (u) => (u.onPremisesSyncEnabled ? u.userPrincipalName : null),
  otherMails: () => [],
  passwordPolicies: () => null,
  passwordProfile: (u) => ({ password: null, forceChangePasswordNextSignIn: u.forceChangePasswordNextSignIn, forceChangePasswordNextSignInWithMfa: u.forceChangePasswordNextSignInWithMfa }),
  postalCode: () => null,
  preferredDataLocation: () => null,
  preferredLanguage: field('preferredLanguage'),
  provisionedPlans: (u, s) => (s.store.mailboxes.has(u.id) ? [{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }] : []),
  proxyAddresses: (u, s) => (s.store.mailboxes.has(u.id) ? [`SMTP:${u.mail}`, `smtp:${u.mailNickname}@${s.store.tenant.defaultDomain.replace(/\.com$/, '')}.onmicrosoft.com`] : []),
  securityIdentifier: (u) => sid(u.id),
  serviceProvisioningErrors: () => [],
  showInAddressList: (u, s) => {
    const m = s.store.mailboxes.get(u.id);
    return m ? !m.hidden : null;
  },
  signInSessionsValidFromDateTime: field('signInSessionsValidFromDateTime'),
  state: () => null,
  streetAddress: () => null,
  surname: (u) => u.surname || null,
  usageLocation: field('usageLocation'),
  userPrincipalName: field('userPrincipalName'),
  userType: field('userType'),
};

/** Properties set through PATCH that the simulator stores without modelling. */
for (const p of USER_PROPERTIES) {
  if (!(p in userProps) && p !== 'mailboxSettings' && p !== 'signInActivity' && p !== 'print') {
    userProps[p] = (u) => u.extra?.[p] ?? null;
  }
}

export const USER_SHAPE: Shape<DirUser> = { type: 'microsoft.graph.user', props: userProps, defaults: USER_DEFAULTS, selectable: ['manager'] };

type GroupProp = (g: SimGroup, s: ShapeContext) => unknown;
const gfield = (k: keyof SimGroup): GroupProp => (g) => (g[k] as unknown) ?? null;

export const GROUP_SHAPE: Shape<SimGroup> = {
  type: 'microsoft.graph.group',
  props: {
    id: (g) => g.id,
    deletedDateTime: gfield('deletedDateTime'),
    classification: () => null,
    createdDateTime: gfield('createdDateTime'),
    description: gfield('description'),
    displayName: gfield('displayName'),
    expirationDateTime: () => null,
    groupTypes: (g) => g.groupTypes,
    isAssignableToRole: () => null,
    mail: gfield('mail'),
    mailEnabled: gfield('mailEnabled'),
    mailNickname: gfield('mailNickname'),
    membershipRule: gfield('membershipRule'),
    membershipRuleProcessingState: gfield('membershipRuleProcessingState'),
    onPremisesDomainName: (g) => (g.onPremisesSyncEnabled ? 'contoso.local' : null),
    onPremisesLastSyncDateTime: gfield('onPremisesLastSyncDateTime'),
    onPremisesNetBiosName: (g) => (g.onPremisesSyncEnabled ? 'CONTOSO' : null),
    onPremisesSamAccountName: (g) => (g.onPremisesSyncEnabled ? g.mailNickname : null),
    onPremisesSecurityIdentifier: (g) => (g.onPremisesSyncEnabled ? sid(g.id).replace('S-1-12-1', 'S-1-5-21') : null),
    onPremisesSyncEnabled: gfield('onPremisesSyncEnabled'),
    preferredDataLocation: () => null,
    preferredLanguage: () => null,
    proxyAddresses: (g) => (g.mail ? [`SMTP:${g.mail}`] : []),
    renewedDateTime: gfield('createdDateTime'),
    resourceBehaviorOptions: () => [],
    resourceProvisioningOptions: (g) => g.resourceProvisioningOptions,
    securityEnabled: gfield('securityEnabled'),
    securityIdentifier: (g) => sid(g.id),
    theme: () => null,
    visibility: gfield('visibility'),
    onPremisesProvisioningErrors: () => [],
    serviceProvisioningErrors: () => [],
    assignedLicenses: (g) => g.assignedLicenses.map((l) => ({ disabledPlans: l.disabledPlans, skuId: l.skuId })),
    licenseProcessingState: (g) => (g.assignedLicenses.length ? { state: 'ProcessingComplete' } : null),
  },
  defaults: null,
  selectable: ['members', 'owners'],
};

/** Entra devices (GET /users/{id}/registeredDevices). */
export const DEVICE_SHAPE: Shape<SimRegisteredDevice> = {
  type: 'microsoft.graph.device',
  props: {
    id: (d) => d.id,
    deletedDateTime: () => null,
    accountEnabled: (d) => d.accountEnabled,
    approximateLastSignInDateTime: (d) => d.approximateLastSignInDateTime,
    complianceExpirationDateTime: () => null,
    deviceId: (d) => d.deviceId,
    deviceOwnership: (d) => (d.trustType === 'AzureAd' ? 'Company' : 'Personal'),
    displayName: (d) => d.displayName,
    isCompliant: (d) => (d.isManaged ? d.isCompliant : null),
    isManaged: (d) => d.isManaged,
    manufacturer: () => null,
    model: () => null,
    operatingSystem: (d) => d.operatingSystem,
    operatingSystemVersion: (d) => d.operatingSystemVersion,
    physicalIds: () => [],
    profileType: () => 'RegisteredDevice',
    registrationDateTime: (d) => d.registrationDateTime,
    trustType: (d) => d.trustType,
    systemLabels: () => [],
  },
  defaults: null,
};

/** A directory object by id as the typed JSON Graph returns in directoryObject collections. */
export function directoryObject(s: ShapeContext, id: string, select: string[] | null): Record<string, unknown> | undefined {
  const u = s.store.user(id);
  if (u) return { '@odata.type': '#microsoft.graph.user', ...project(USER_SHAPE, u, select, s) };
  const g = s.store.group(id);
  if (g) return { '@odata.type': '#microsoft.graph.group', ...project(GROUP_SHAPE, g, select, s) };
  return undefined;
}

