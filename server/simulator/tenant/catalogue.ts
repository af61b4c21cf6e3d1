import { createHash } from 'node:crypto';
import type { Sku } from './model.js';

/**
 * Fixed facts of the simulated Microsoft 365: the resources tokens are issued for, the
 * application permissions (app roles) they carry, and the licences (SKUs) on sale.
 * SKU and service plan ids are Microsoft's published ones ("Product names and service plan
 * identifiers for licensing"); app role ids are derived from the role name, so read a role's
 * id from the resource's service principal (`appRoles`) rather than hard-coding it.
 */

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const EXCHANGE_RESOURCE = 'https://outlook.office365.com';

/** Application permissions of Microsoft Graph that the simulated endpoints check. */
export const GRAPH_ROLES = [
  'User.Read.All',
  'User.ReadWrite.All',
  'User.EnableDisableAccount.All',
  'User.RevokeSessions.All',
  'User.DeleteRestore.All',
  'User-LifeCycleInfo.Read.All',
  'User-LifeCycleInfo.ReadWrite.All',
  'User-PasswordProfile.ReadWrite.All',
  'LicenseAssignment.Read.All',
  'LicenseAssignment.ReadWrite.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'UserAuthenticationMethod.Read.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'DeviceManagementManagedDevices.Read.All',
  'DeviceManagementManagedDevices.ReadWrite.All',
  'DeviceManagementManagedDevices.PrivilegedOperations.All',
  'Device.Read.All',
  'MailboxSettings.Read',
  'MailboxSettings.ReadWrite',
  'Mail.Read',
  'Mail.ReadWrite',
  'Calendars.Read',
  'Calendars.ReadWrite',
  'Files.Read.All',
  'Files.ReadWrite.All',
  'Sites.Read.All',
  'Sites.ReadWrite.All',
  'Team.ReadBasic.All',
  'TeamMember.Read.All',
  'TeamMember.ReadWrite.All',
  'Organization.Read.All',
  'Application.Read.All',
] as const;

export const EXCHANGE_ROLES = ['Exchange.ManageAsApp'] as const;

export type GraphRole = (typeof GRAPH_ROLES)[number];

/** A stable GUID derived from a name (the simulator's ids for things Microsoft names). */
export function derivedGuid(name: string): string {
  const h = createHash('sha1').update(`offramp-simulator:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const roleId = (role: string) => derivedGuid(`approle:${role}`);

/** The resource a token audience names, by URL or app id. */
export function resourceOf(audience: string): 'graph' | 'exchange' | null {
  const a = audience.replace(/\/$/, '').toLowerCase();
  if (a === GRAPH_RESOURCE || a === GRAPH_APP_ID) return 'graph';
  if (a === EXCHANGE_RESOURCE || a === EXCHANGE_APP_ID || a === 'https://outlook.office.com') return 'exchange';
  return null;
}

/** The granted roles an app-only token for `audience` carries: those of that resource only. */
export function rolesForAudience(granted: readonly string[], audience: string): string[] {
  const resource = resourceOf(audience);
  if (resource === 'graph') return granted.filter((r) => (GRAPH_ROLES as readonly string[]).includes(r));
  if (resource === 'exchange') return granted.filter((r) => (EXCHANGE_ROLES as readonly string[]).includes(r));
  return [];
}

const plan = (servicePlanId: string, servicePlanName: string) => ({ servicePlanId, servicePlanName });

export const PLANS = {
  exchangeP2: plan('efb87545-963c-4e0d-99df-69c6916d9eb0', 'EXCHANGE_S_ENTERPRISE'),
  exchangeP1: plan('9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'EXCHANGE_S_STANDARD'),
  sharePoint: plan('5dbe027f-2339-4123-9542-606e4d348a72', 'SHAREPOINTENTERPRISE'),
  teams: plan('57ff2da0-773e-42df-b2af-ffb7a2317929', 'TEAMS1'),
  apps: plan('43de0ff5-c92c-492b-9116-175376d08c38', 'OFFICESUBSCRIPTION'),
  intune: plan('c1ec4a95-1f05-45b3-a911-aa3fa01094f5', 'INTUNE_A'),
  entraP1: plan('41781fb2-bc02-4b7c-bd55-b576c07bb09d', 'AAD_PREMIUM'),
  entraP2: plan('eec0eb4f-6444-4f95-aba0-50c24d67f998', 'AAD_PREMIUM_P2'),
  skype: plan('0feaeb32-d00e-4d66-bd5a-43b5b83db82c', 'MCOSTANDARD'),
  powerBi: plan('70d33638-9c74-4d01-bfd3-562de28bd4ba', 'BI_AZURE_P2'),
};

export const SKU_IDS = {
  E3: '05e9a617-0261-4cee-bb44-138d3ef5d965',
  E5: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
  exchangeP1: '4b9405b0-7788-4568-add1-99614e613b69',
  powerBi: 'f8a1db68-be16-40ed-86d5-cb42ce701560',
  teamsExploratory: '710779e8-3d4a-4c88-adb9-386c958d1fdf',
} as const;

/** The tenant's subscriptions; enabled units are set by the seed to the need plus headroom. */
export function skuCatalogue(): Sku[] {
  const { exchangeP2, exchangeP1, sharePoint, teams, apps, intune, entraP1, entraP2, skype, powerBi } = PLANS;
  return [
    { skuId: SKU_IDS.E3, skuPartNumber: 'SPE_E3', displayName: 'Microsoft 365 E3', enabledUnits: 0, servicePlans: [exchangeP2, sharePoint, teams, apps, intune, entraP1, skype] },
    { skuId: SKU_IDS.E5, skuPartNumber: 'SPE_E5', displayName: 'Microsoft 365 E5', enabledUnits: 0, servicePlans: [exchangeP2, sharePoint, teams, apps, intune, entraP1, entraP2, skype, powerBi] },
    { skuId: SKU_IDS.exchangeP1, skuPartNumber: 'EXCHANGESTANDARD', displayName: 'Exchange Online (Plan 1)', enabledUnits: 0, servicePlans: [exchangeP1] },
    { skuId: SKU_IDS.powerBi, skuPartNumber: 'POWER_BI_PRO', displayName: 'Power BI Pro', enabledUnits: 0, servicePlans: [powerBi] },
    { skuId: SKU_IDS.teamsExploratory, skuPartNumber: 'TEAMS_EXPLORATORY', displayName: 'Microsoft Teams Exploratory', enabledUnits: 0, servicePlans: [teams] },
  ];
}

export const GB = 1024 ** 3;
/** Mailbox quotas: Exchange Online Plan 2 (in E3/E5) gives 100 GB, Plan 1 and unlicensed shared mailboxes 50 GB. */
export const QUOTA = { plan2: 100 * GB, plan1: 50 * GB, shared: 50 * GB };

/** Well-known ids of authentication methods (Microsoft's fixed ids for these). */
export const METHOD_IDS = {
  password: '28c10230-6103-485e-b985-444c60001490',
  mobilePhone: '3179e48a-750b-4051-897c-87b9720928f7',
  alternateMobilePhone: 'b6332ec1-7057-4abe-9331-3d72feddfe41',
  officePhone: 'e37fc753-ff3b-4958-9484-eb61dd3c2e5c',
  email: '3ddfcfc8-9383-446f-83cc-3ab9be4be18f',
};
