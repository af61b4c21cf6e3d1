import type { SimApp } from '../identity.js';
import { derivedGuid, EXCHANGE_APP_ID, EXCHANGE_ROLES, GRAPH_APP_ID, GRAPH_ROLES, roleId } from '../tenant/catalogue.js';
import type { DirUser } from '../tenant/model.js';
import { actionBody, param } from './common.js';
import { USER_SHAPE } from './directory-shapes.js';
import { entity, list, metadata, project, queryOptions, type Shape, type ShapeContext } from './odata.js';
import { APPLICATION_READ, ORGANIZATION_READ, USER_DELETE, USER_READ } from './perms.js';
import { badRequest, noContent, notFound, ok, type GraphContext, type Route } from './types.js';

/** The organization, service principals with their granted app roles, and deleted items. */

const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

export const RESTORE_PARAMETERS = ['autoReconcileProxyConflict', 'newUserPrincipalName'];

const ORGANIZATION_SHAPE: Shape<null> = {
  type: 'microsoft.graph.organization',
  props: {
    id: (_o, s) => s.store.tenant.id,
    deletedDateTime: () => null,
    businessPhones: () => ['+1 425 555 0100'],
    city: () => 'Redmond',
    country: () => 'United States',
    countryLetterCode: () => 'US',
    createdDateTime: () => '2019-04-01T09:00:00Z',
    defaultUsageLocation: () => 'US',
    displayName: (_o, s) => s.store.tenant.displayName,
    marketingNotificationEmails: () => [],
    mobileDeviceManagementAuthority: () => 'intune',
    onPremisesLastSyncDateTime: (_o, s) => s.store.iso(),
    onPremisesSyncEnabled: () => true,
    postalCode: () => '98052',
    preferredLanguage: () => 'en',
    privacyProfile: () => null,
    securityComplianceNotificationMails: () => [],
    securityComplianceNotificationPhones: () => [],
    state: () => 'WA',
    street: () => 'One Microsoft Way',
    technicalNotificationMails: (_o, s) => [`it@${s.store.tenant.defaultDomain}`],
    tenantType: () => 'AAD',
    assignedPlans: () => [],
    provisionedPlans: () => [],
    verifiedDomains: (_o, s) => [
      { capabilities: 'Email, OfficeCommunicationsOnline', isDefault: true, isInitial: false, name: s.store.tenant.defaultDomain, type: 'Managed' },
      { capabilities: 'Email, OfficeCommunicationsOnline', isDefault: false, isInitial: true, name: `${s.store.tenant.defaultDomain.replace(/\.com$/, '')}.onmicrosoft.com`, type: 'Managed' },
    ],
  },
  defaults: null,
};

interface Principal {
  id: string;
  appId: string;
  displayName: string;
  owner: string;
  roles: readonly string[];
  app?: SimApp;
}

function principals(ctx: GraphContext): Principal[] {
  const resource = (appId: string, displayName: string, roles: readonly string[]): Principal => ({ id: derivedGuid(`sp:${appId}`), appId, displayName, owner: MICROSOFT_TENANT, roles });
  return [
    resource(GRAPH_APP_ID, 'Microsoft Graph', GRAPH_ROLES),
    resource(EXCHANGE_APP_ID, 'Office 365 Exchange Online', EXCHANGE_ROLES),
    ...ctx.rt.apps.list.map((app) => ({ id: ctx.rt.apps.servicePrincipalId(app.clientId), appId: app.clientId, displayName: app.displayName, owner: derivedGuid(`publisher:${app.clientId}`), roles: [], app })),
  ];
}

const SP_SHAPE: Shape<Principal> = {
  type: 'microsoft.graph.servicePrincipal',
  props: {
    id: (p) => p.id,
    deletedDateTime: () => null,
    accountEnabled: () => true,
    alternativeNames: () => [],
    appDisplayName: (p) => p.displayName,
    appDescription: () => null,
    appId: (p) => p.appId,
    appOwnerOrganizationId: (p) => p.owner,
    appRoleAssignmentRequired: () => false,
    appRoles: (p) =>
      p.roles.map((r) => ({
        allowedMemberTypes: ['Application'],
        description: `Allows the app to ${r} without a signed-in user.`,
        displayName: r,
        id: roleId(r),
        isEnabled: true,
        origin: 'Application',
        value: r,
      })),
    displayName: (p) => p.displayName,
    homepage: () => null,
    oauth2PermissionScopes: () => [],
    replyUrls: () => [],
    servicePrincipalNames: (p) => (p.appId === GRAPH_APP_ID ? [GRAPH_APP_ID, 'https://graph.microsoft.com'] : p.appId === EXCHANGE_APP_ID ? [EXCHANGE_APP_ID, 'https://outlook.office365.com'] : [p.appId]),
    servicePrincipalType: () => 'Application',
    signInAudience: () => 'AzureADMultipleOrgs',
    tags: (p) => (p.app ? ['WindowsAzureActiveDirectoryIntegratedApp'] : []),
  },
  defaults: null,
};

function assignments(ctx: GraphContext, p: Principal) {
  if (!p.app) return [];
  const graph = derivedGuid(`sp:${GRAPH_APP_ID}`);
  const exchange = derivedGuid(`sp:${EXCHANGE_APP_ID}`);
  return p.app.appRoles.map((role) => {
    const onExchange = (EXCHANGE_ROLES as readonly string[]).includes(role);
    return {
      id: Buffer.from(`${p.id}:${role}`).toString('base64url').slice(0, 43),
      deletedDateTime: null,
      appRoleId: roleId(role),
      createdDateTime: ctx.rt.apps.grantedOn(p.appId, role) ?? null,
      principalDisplayName: p.displayName,
      principalId: p.id,
      principalType: 'ServicePrincipal',
      resourceDisplayName: onExchange ? 'Office 365 Exchange Online' : 'Microsoft Graph',
      resourceId: onExchange ? exchange : graph,
    };
  });
}

function readPrincipal(ctx: GraphContext): Principal {
  const key = ctx.params.id!;
  const appId = key.match(/^appId=(.+)$/i)?.[1];
  const p = principals(ctx).find((x) => (appId ? x.appId === appId : x.id === key));
  if (!p) throw notFound(appId ?? key);
  return p;
}

/** Microsoft renames a deleted user's UPN to "{object id without dashes}{UPN}" until it is restored. */
const deletedView = (u: DirUser): DirUser => ({ ...u, userPrincipalName: `${u.id.replace(/-/g, '')}${u.userPrincipalName}` });

const DELETED_DEFAULTS = [...(USER_SHAPE.defaults ?? []), 'deletedDateTime'];

function readDeleted(ctx: GraphContext): DirUser {
  const u = ctx.store.deletedUser(ctx.params.id!);
  if (!u) throw notFound(ctx.params.id!);
  return u;
}

const typedUser = (s: ShapeContext, u: DirUser, select: string[] | null) => ({ '@odata.type': '#microsoft.graph.user', ...project(USER_SHAPE, u, select ?? DELETED_DEFAULTS, s) });

export const directoryRoutes: Route[] = [
  { method: 'GET', path: '/organization', perms: ORGANIZATION_READ, handle: (ctx) => list(ctx, { fragment: 'organization', shape: ORGANIZATION_SHAPE, items: [null], page: { default: 1, max: 999 } }) },
  {
    method: 'GET',
    path: '/servicePrincipals',
    perms: APPLICATION_READ,
    handle: (ctx) =>
      list(ctx, {
        fragment: 'servicePrincipals',
        shape: SP_SHAPE,
        items: principals(ctx),
        page: { default: 100, max: 999 },
        directory: true,
        expand: { appRoleAssignments: (json, p) => (json.appRoleAssignments = assignments(ctx, p)) },
      }),
  },
  { method: 'GET', path: '/servicePrincipals/{id}', perms: APPLICATION_READ, handle: (ctx) => entity(ctx, 'servicePrincipals', SP_SHAPE, readPrincipal(ctx)) },
  {
    method: 'GET',
    path: '/servicePrincipals/{id}/appRoleAssignments',
    perms: APPLICATION_READ,
    cost: 2,
    handle: (ctx) => {
      const p = readPrincipal(ctx);
      return ok({ '@odata.context': metadata(ctx, `servicePrincipals('${p.id}')/appRoleAssignments`), value: assignments(ctx, p) });
    },
  },
  {
    method: 'GET',
    path: '/directory/deletedItems/microsoft.graph.user',
    perms: USER_READ,
    handle: (ctx) =>
      list(ctx, {
        fragment: 'directory/deletedItems/microsoft.graph.user',
        shape: USER_SHAPE,
        items: ctx.store.deletedUsers().map(deletedView),
        page: { default: 100, max: 999 },
        directory: true,
        render: (u, select) => project(USER_SHAPE, u, select ?? DELETED_DEFAULTS, { store: ctx.store, ctx }),
      }),
  },
  {
    method: 'GET',
    path: '/directory/deletedItems/{id}',
    perms: USER_READ,
    handle: (ctx) => ok({ '@odata.context': metadata(ctx, 'directory/deletedItems/$entity'), ...typedUser({ store: ctx.store, ctx }, deletedView(readDeleted(ctx)), queryOptions(ctx).select) }),
  },
  {
    method: 'POST',
    path: '/directory/deletedItems/{id}/restore',
    perms: USER_DELETE,
    handle: (ctx) => {
      const u = readDeleted(ctx);
      const body = actionBody(ctx.req.body, RESTORE_PARAMETERS);
      const newUpn = param(body, 'newUserPrincipalName');
      if (newUpn !== undefined && typeof newUpn !== 'string') throw badRequest("Invalid value for parameter 'newUserPrincipalName'.");
      const upn = (newUpn as string | undefined) ?? u.userPrincipalName;
      const clash = ctx.store.user(upn);
      if (clash && clash.id !== u.id) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
      ctx.store.restoreUser(u.id, newUpn as string | undefined);
      return ok({ '@odata.context': metadata(ctx, 'directoryObjects/$entity'), ...typedUser({ store: ctx.store, ctx }, u, null) });
    },
  },
  {
    method: 'DELETE',
    path: '/directory/deletedItems/{id}',
    perms: USER_DELETE,
    handle: (ctx) => {
      ctx.store.purgeUser(readDeleted(ctx).id);
      return noContent();
    },
  },
];
