import type { DirUser, FolderGrant } from '../../tenant/model.js';
import type { TenantStore } from '../../tenant/store.js';
import { bindingError, notFoundError, taskError } from '../errors.js';
import { resolveMailbox, resolveUser } from '../recipients.js';
import { none, rows, type Cmdlet, type CmdletContext } from '../types.js';

/**
 * Folder permissions (Get/Add/Remove-MailboxFolderPermission) on "mailbox:\Folder" identities.
 * Calendar sharing and delegates live here; every folder also has its Default and Anonymous
 * entries, which can be changed but not removed.
 *
 * Exchange requires -Identity on Get-MailboxFolderPermission (and answers -User with an error
 * when that person has no entry on the folder); so does the simulator.
 */

const FOLDERS = ['Calendar', 'Inbox', 'Contacts'];
const ROLES = ['Owner', 'PublishingEditor', 'Editor', 'PublishingAuthor', 'Author', 'NonEditingAuthor', 'Reviewer', 'Contributor', 'AvailabilityOnly', 'LimitedDetails', 'None'];
const NO_ENTRY = 'Microsoft.Exchange.Management.StoreTasks.UserNotFoundInPermissionEntryException';

interface Folder {
  owner: DirUser;
  name: string;
  key: string;
  identity: string;
}

function folderOf(store: TenantStore, identity: unknown): Folder {
  const text = String(identity ?? '');
  const m = text.match(/^(.*?):\\+(.+)$/);
  if (!m) throw bindingError(`Cannot bind parameter 'Identity'. '${text}' is not a mailbox folder identity of the form 'mailbox:\\Folder'.`);
  const { user } = resolveMailbox(store, m[1]);
  const name = FOLDERS.find((f) => f.toLowerCase() === m[2]!.toLowerCase());
  if (!name) throw notFoundError(text);
  return { owner: user, name, key: `${user.id}:${name}`, identity: `${user.mailNickname}:\\${name}` };
}

const entry = (f: Folder, user: string, g: FolderGrant) => ({
  Identity: f.identity,
  FolderName: f.name,
  User: user,
  AccessRights: g.accessRights,
  SharingPermissionFlags: g.sharingPermissionFlags,
  IsValid: true,
});

function entries(store: TenantStore, f: Folder) {
  return [
    entry(f, 'Default', { accessRights: [f.name === 'Calendar' ? 'AvailabilityOnly' : 'None'], sharingPermissionFlags: null }),
    entry(f, 'Anonymous', { accessRights: ['None'], sharingPermissionFlags: null }),
    ...store.folderGrants.on(f.key).map(([id, g]) => entry(f, store.users.get(id)?.displayName ?? id, g)),
  ];
}

const isBuiltIn = (u: unknown) => /^(default|anonymous)$/i.test(String(u));

function rolesOf(ctx: CmdletContext): string[] {
  const rights = ctx.params.AccessRights as string[];
  return rights.map((r) => {
    const role = ROLES.find((x) => x.toLowerCase() === r.toLowerCase());
    if (!role) throw bindingError(`Cannot bind parameter 'AccessRights'. '${r}' is not a valid folder permission role.`);
    return role;
  });
}

export const folderCmdlets: Cmdlet[] = [
  {
    name: 'Get-MailboxFolderPermission',
    params: { Identity: { type: 'string' }, User: { type: 'string' } },
    target: 'Identity',
    run: ({ store, params }) => {
      if (params.Identity === undefined) throw bindingError('Cannot process command because of one or more missing mandatory parameters: Identity.');
      const f = folderOf(store, params.Identity);
      let list = entries(store, f);
      if (params.User !== undefined) {
        const name = isBuiltIn(params.User) ? String(params.User) : resolveUser(store, params.User).displayName;
        list = list.filter((e) => e.User.toLowerCase() === name.toLowerCase());
        if (!list.length) throw taskError(NO_ENTRY, `There is no existing permission entry found for user: ${String(params.User)}.`, 404);
      }
      return rows(list, (e) => e);
    },
  },
  {
    name: 'Add-MailboxFolderPermission',
    params: { Identity: { type: 'string', required: true }, User: { type: 'string', required: true }, AccessRights: { type: 'strings', required: true }, SharingPermissionFlags: { type: 'string' }, SendNotificationToUser: { type: 'bool' } },
    target: 'Identity',
    run: (ctx) => {
      const { store, params } = ctx;
      const f = folderOf(store, params.Identity);
      const user = resolveUser(store, params.User);
      if (store.folderGrants.get(f.key, user.id)) {
        throw taskError('Microsoft.Exchange.Management.StoreTasks.UserAlreadyExistsInPermissionEntryException', `An existing permission entry was found for user: ${user.displayName}.`);
      }
      const grant = { accessRights: rolesOf(ctx), sharingPermissionFlags: (params.SharingPermissionFlags as string | undefined) ?? null };
      store.folderGrants.set(f.key, user.id, grant);
      return rows([entry(f, user.displayName, grant)], (e) => e);
    },
  },
  {
    name: 'Remove-MailboxFolderPermission',
    params: { Identity: { type: 'string', required: true }, User: { type: 'string', required: true }, SendNotificationToUser: { type: 'bool' }, ClearAllDelegatePermissions: { type: 'bool' } },
    target: 'Identity',
    run: ({ store, params }) => {
      const f = folderOf(store, params.Identity);
      if (isBuiltIn(params.User)) {
        throw taskError('Microsoft.Exchange.Management.StoreTasks.InvalidExternalSharingInitiatorException', `The ${String(params.User)} permission entry can't be removed. Use Set-MailboxFolderPermission to change its access rights instead.`);
      }
      const user = resolveUser(store, params.User);
      if (!store.folderGrants.delete(f.key, user.id)) throw taskError(NO_ENTRY, `There is no existing permission entry found for user: ${user.displayName}.`, 404);
      return none();
    },
  },
];
