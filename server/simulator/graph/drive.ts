import type { DirUser, SimDrive } from '../tenant/model.js';
import { drivePermission } from '../tenant/personal.js';
import { actionBody, param, readUser } from './common.js';
import { entity, list, metadata, type Shape } from './odata.js';
import { storedShape } from './outlook.js';
import { FILES_READ, FILES_WRITE } from './perms.js';
import { GraphError, noContent, ok, type GraphContext, type Route } from './types.js';

/**
 * OneDrive: a person's drive, its root folder, the root's permissions, sharing by invite and
 * removing a permission. Errors use OneDrive's codes (itemNotFound, invalidRequest).
 */

const TB = 1024 ** 4;

export const INVITE_PARAMETERS = ['recipients', 'roles', 'requireSignIn', 'sendInvitation', 'message', 'expirationDateTime', 'password', 'retainInheritedPermissions'];

const PERMISSION_SHAPE = storedShape('microsoft.graph.permission', [
  'id', 'roles', 'shareId', 'expirationDateTime', 'hasPassword', 'grantedTo', 'grantedToV2', 'grantedToIdentities', 'grantedToIdentitiesV2', 'inheritedFrom', 'invitation', 'link',
]);

const invalid = (message: string) => new GraphError(400, 'invalidRequest', message);
const itemNotFound = () => new GraphError(404, 'itemNotFound', 'The resource could not be found.');

interface DriveRef {
  owner: DirUser;
  drive: SimDrive;
}

const webUrl = (u: DirUser) => `https://contoso-my.sharepoint.com/personal/${u.userPrincipalName.replace(/[@.]/g, '_')}/Documents`;
const who = (u: DirUser) => ({ user: { email: u.mail, id: u.id, displayName: u.displayName } });

const DRIVE_SHAPE: Shape<DriveRef> = {
  type: 'microsoft.graph.drive',
  props: {
    createdDateTime: (r) => r.drive.createdDateTime,
    description: () => '',
    id: (r) => r.drive.id,
    lastModifiedDateTime: (_r, s) => s.store.iso(),
    name: () => 'OneDrive',
    webUrl: (r) => webUrl(r.owner),
    driveType: () => 'business',
    createdBy: () => ({ user: { displayName: 'System Account' } }),
    lastModifiedBy: (r) => who(r.owner),
    owner: (r) => who(r.owner),
    quota: (r) => ({ deleted: 0, remaining: TB - r.drive.usedBytes, state: 'normal', total: TB, used: r.drive.usedBytes }),
  },
  defaults: null,
};

const ROOT_SHAPE: Shape<DriveRef> = {
  type: 'microsoft.graph.driveItem',
  props: {
    createdDateTime: (r) => r.drive.createdDateTime,
    id: (r) => r.drive.rootId,
    lastModifiedDateTime: (_r, s) => s.store.iso(),
    name: () => 'root',
    webUrl: (r) => webUrl(r.owner),
    size: (r) => r.drive.usedBytes,
    parentReference: (r) => ({ driveType: 'business', driveId: r.drive.id }),
    fileSystemInfo: (r) => ({ createdDateTime: r.drive.createdDateTime, lastModifiedDateTime: r.drive.createdDateTime }),
    folder: () => ({ childCount: 12 }),
    root: () => ({}),
  },
  defaults: null,
};

function byUser(ctx: GraphContext): DriveRef {
  const owner = readUser(ctx);
  const drive = ctx.store.personal(owner.id).drive;
  if (!drive) throw new GraphError(404, 'ResourceNotFound', "User's mysite not found.");
  return { owner, drive };
}

function byDrive(ctx: GraphContext): DriveRef {
  const ownerId = ctx.store.driveOwner(ctx.params.driveId!);
  const owner = ownerId ? ctx.store.user(ownerId) : undefined;
  const drive = owner && ctx.store.personal(owner.id).drive;
  if (!owner || !drive) throw itemNotFound();
  return { owner, drive };
}

/** The drive and item a route names; only the root folder is modelled. */
function rootOf(ctx: GraphContext): DriveRef {
  const ref = ctx.params.driveId ? byDrive(ctx) : byUser(ctx);
  const item = ctx.params.itemId ?? 'root';
  if (item !== 'root' && item !== ref.drive.rootId) throw itemNotFound();
  return ref;
}

/** Who a permission is granted to: a user id, or an invited address (lower case). */
function granteeOf(p: Record<string, unknown>): string | null {
  const v2 = p.grantedToV2 as { user?: { id?: string } } | undefined;
  const inv = p.invitation as { email?: string } | undefined;
  return (v2?.user?.id ?? inv?.email ?? null)?.toLowerCase() ?? null;
}

function invite(ctx: GraphContext): ReturnType<typeof ok> {
  const { drive } = rootOf(ctx);
  const b = actionBody(ctx.req.body, INVITE_PARAMETERS, ['recipients']);
  const recipients = param(b, 'recipients');
  const roles = param(b, 'roles') ?? ['read'];
  if (!Array.isArray(recipients) || recipients.length === 0) throw invalid('At least one recipient is required.');
  if (!Array.isArray(roles) || roles.length === 0 || roles.some((r) => r !== 'read' && r !== 'write')) throw invalid("Invalid roles: use 'read' or 'write'.");
  const requireSignIn = param(b, 'requireSignIn') !== false;
  const granted = recipients.map((rec) => {
    const r = (rec ?? {}) as { email?: string; objectId?: string; alias?: string };
    const user = r.objectId ? ctx.store.user(r.objectId) : r.email ? ctx.store.userByAddress(r.email) : undefined;
    if (r.objectId && !user) throw invalid(`Recipient ${r.objectId} was not found.`);
    if (!user && !r.email) throw invalid('Each recipient needs an email or an objectId.');
    const perm = user
      ? drivePermission(ctx.store, user.id, roles as string[])
      : { id: Buffer.from(`invite:${r.email}`).toString('base64url'), roles, invitation: { email: r.email, signInRequired: requireSignIn }, grantedToIdentitiesV2: [{ user: { email: r.email, displayName: r.email } }] };
    const key = (user ? user.id : r.email!).toLowerCase();
    const existing = drive.permissions.findIndex((p) => granteeOf(p) === key && !(p.roles as string[]).includes('owner'));
    if (existing >= 0) drive.permissions.splice(existing, 1, perm);
    else drive.permissions.push(perm);
    return perm;
  });
  return ok({ '@odata.context': metadata(ctx, 'Collection(microsoft.graph.permission)'), value: granted });
}

const files = { service: 'files' as const };
const roots = ['/drives/{driveId}/root', '/drives/{driveId}/items/{itemId}', '/users/{id}/drive/root', '/users/{id}/drive/items/{itemId}'];

export const driveRoutes: Route[] = [
  { ...files, method: 'GET', path: '/users/{id}/drive', perms: FILES_READ, handle: (ctx) => entity(ctx, 'drives', DRIVE_SHAPE, byUser(ctx)) },
  { ...files, method: 'GET', path: '/drives/{driveId}', perms: FILES_READ, handle: (ctx) => entity(ctx, 'drives', DRIVE_SHAPE, byDrive(ctx)) },
  ...roots.flatMap((root): Route[] => [
    { ...files, method: 'GET', path: root, perms: FILES_READ, handle: (ctx) => entity(ctx, 'drives/items', ROOT_SHAPE, rootOf(ctx)) },
    {
      ...files,
      method: 'GET',
      path: `${root}/permissions`,
      perms: FILES_READ,
      cost: 5,
      handle: (ctx) => {
        const { drive } = rootOf(ctx);
        return list(ctx, { fragment: `drives('${drive.id}')/items('${drive.rootId}')/permissions`, shape: PERMISSION_SHAPE, items: drive.permissions, page: { default: 1000, max: 1000 } });
      },
    },
    { ...files, method: 'POST', path: `${root}/invite`, perms: FILES_WRITE, cost: 5, handle: invite },
    {
      ...files,
      method: 'DELETE',
      path: `${root}/permissions/{permissionId}`,
      perms: FILES_WRITE,
      cost: 5,
      handle: (ctx) => {
        const { drive } = rootOf(ctx);
        const i = drive.permissions.findIndex((p) => p.id === ctx.params.permissionId);
        if (i < 0) throw itemNotFound();
        if ((drive.permissions[i]!.roles as string[]).includes('owner')) throw new GraphError(403, 'accessDenied', "The owner's permission cannot be removed.");
        drive.permissions.splice(i, 1);
        return noContent();
      },
    },
  ]),
];
