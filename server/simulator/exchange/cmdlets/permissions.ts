import type { DirUser } from '../../tenant/model.js';
import type { Grants } from '../../tenant/grants.js';
import type { TenantStore } from '../../tenant/store.js';
import { bindingError } from '../errors.js';
import { mailboxUsers, recipientName, resolveMailbox, resolveUser } from '../recipients.js';
import { rows, none, type Cmdlet, type CmdletContext, type ParamSpec } from '../types.js';

/**
 * Mailbox permissions (FullAccess: Get/Add/Remove-MailboxPermission) and recipient permissions
 * (SendAs: Get/Add/Remove-RecipientPermission). Both are a grant of rights on a mailbox to a
 * trustee, so one factory makes the three cmdlets of each.
 *
 * Finding every mailbox a person holds rights on: Exchange has no single cmdlet for it (admins
 * pipe Get-Mailbox into Get-MailboxPermission -User), so, as in Exchange, Get-MailboxPermission
 * requires -Identity; Get-RecipientPermission accepts -Trustee without -Identity.
 */

interface Row {
  mailbox: DirUser;
  trustee: string;
  accessRights: string[];
  autoMapping?: boolean;
}

interface GrantSpec {
  noun: 'MailboxPermission' | 'RecipientPermission';
  trusteeParam: 'User' | 'Trustee';
  rights: readonly string[];
  grants: (s: TenantStore) => Grants<{ accessRights: string[]; autoMapping?: boolean }>;
  /** Whether -Identity may be left out when the trustee is given (Exchange: RecipientPermission). */
  identityOptional: boolean;
  /** The entry every mailbox has for itself. */
  self: (mailbox: DirUser) => Row;
  render: (row: Row) => Record<string, unknown>;
  addParams?: Record<string, ParamSpec>;
}

function grantCmdlets(spec: GrantSpec): Cmdlet[] {
  const T = spec.trusteeParam;
  const rightsOf = (ctx: CmdletContext): string[] => {
    const rights = ctx.params.AccessRights as string[];
    const bad = rights.find((r) => !spec.rights.some((x) => x.toLowerCase() === r.toLowerCase()));
    if (bad) throw bindingError(`Cannot bind parameter 'AccessRights' to the target. Exception setting "AccessRights": "'${bad}' is not a valid value."`);
    return rights.map((r) => spec.rights.find((x) => x.toLowerCase() === r.toLowerCase())!);
  };
  const rowsOn = (store: TenantStore, mailbox: DirUser): Row[] => [
    spec.self(mailbox),
    ...spec.grants(store).on(mailbox.id).map(([trustee, g]) => ({ mailbox, trustee: recipientName(store.users.get(trustee)!), ...g })),
  ];

  const get: Cmdlet = {
    name: `Get-${spec.noun}`,
    params: { Identity: { type: 'string' }, [T]: { type: 'string' }, AccessRights: { type: 'strings' }, ResultSize: { type: 'resultSize' } },
    target: 'Identity',
    run: (ctx) => {
      const { store, params } = ctx;
      const trustee = params[T] !== undefined ? resolveUser(store, params[T]) : undefined;
      let list: Row[];
      if (params.Identity !== undefined) list = rowsOn(store, resolveMailbox(store, params.Identity).user);
      else if (trustee && spec.identityOptional) list = spec.grants(store).heldBy(trustee.id).map(([m, g]) => ({ mailbox: store.users.get(m)!, trustee: recipientName(trustee), ...g })).filter((r) => store.mailbox(r.mailbox.id));
      else if (spec.identityOptional) list = [...mailboxUsers(store)].flatMap((m) => rowsOn(store, m));
      else throw bindingError('Cannot process command because of one or more missing mandatory parameters: Identity.');
      if (trustee) list = list.filter((r) => r.trustee === recipientName(trustee));
      return rows(list, spec.render);
    },
  };

  /** What Add- and Remove- work on: the mailbox, the trustee, the rights named, the grant there is. */
  const subject = (ctx: CmdletContext) => {
    const mailbox = resolveMailbox(ctx.store, ctx.params.Identity).user;
    const trustee = resolveUser(ctx.store, ctx.params[T]);
    const grants = spec.grants(ctx.store);
    return { mailbox, trustee, rights: rightsOf(ctx), grants, existing: grants.get(mailbox.id, trustee.id) };
  };
  const changeParams: Record<string, ParamSpec> = { Identity: { type: 'string', required: true }, [T]: { type: 'string', required: true }, AccessRights: { type: 'strings', required: true }, InheritanceType: { type: 'string' } };

  const add: Cmdlet = {
    name: `Add-${spec.noun}`,
    params: { ...changeParams, ...spec.addParams },
    target: 'Identity',
    run: (ctx) => {
      const { mailbox, trustee, rights, grants, existing } = subject(ctx);
      const accessRights = [...new Set([...(existing?.accessRights ?? []), ...rights])];
      const grant = spec.noun === 'MailboxPermission' ? { accessRights, autoMapping: ctx.params.AutoMapping !== false } : { accessRights };
      grants.set(mailbox.id, trustee.id, grant);
      return rows([{ mailbox, trustee: recipientName(trustee), ...grant }], spec.render);
    },
  };

  const remove: Cmdlet = {
    name: `Remove-${spec.noun}`,
    params: { ...changeParams, BypassMasterAccountSid: { type: 'bool' }, Deny: { type: 'bool' } },
    target: 'Identity',
    run: (ctx) => {
      const { mailbox, trustee, rights, grants, existing } = subject(ctx);
      const left = existing?.accessRights.filter((r) => !rights.includes(r));
      if (!existing || left!.length === existing.accessRights.length) {
        ctx.warnings.push(`Can't remove the access control entry on the object "${mailbox.mailNickname}" for account "${recipientName(trustee)}" because the ACE doesn't exist on the object.`);
      } else if (left!.length === 0) grants.delete(mailbox.id, trustee.id);
      else grants.set(mailbox.id, trustee.id, { ...existing, accessRights: left! });
      return none();
    },
  };
  return [get, add, remove];
}

export const permissionCmdlets: Cmdlet[] = [
  ...grantCmdlets({
    noun: 'MailboxPermission',
    trusteeParam: 'User',
    rights: ['FullAccess', 'ExternalAccount', 'DeleteItem', 'ReadPermission', 'ChangePermission', 'ChangeOwner'],
    grants: (s) => s.fullAccess,
    identityOptional: false,
    self: (mailbox) => ({ mailbox, trustee: 'NT AUTHORITY\\SELF', accessRights: ['FullAccess', 'ReadPermission'] }),
    addParams: { AutoMapping: { type: 'bool' } },
    render: (r) => ({
      Identity: r.mailbox.mailNickname,
      User: r.trustee,
      AccessRights: r.accessRights,
      IsInherited: false,
      Deny: false,
      InheritanceType: 'All',
      IsValid: true,
    }),
  }),
  ...grantCmdlets({
    noun: 'RecipientPermission',
    trusteeParam: 'Trustee',
    rights: ['SendAs'],
    grants: (s) => s.sendAs,
    identityOptional: true,
    self: (mailbox) => ({ mailbox, trustee: 'NT AUTHORITY\\SELF', accessRights: ['SendAs'] }),
    render: (r) => ({
      Identity: r.mailbox.mailNickname,
      Trustee: r.trustee,
      AccessControlType: 'Allow',
      AccessRights: r.accessRights,
      IsInherited: false,
      InheritanceType: 'None',
      IsValid: true,
    }),
  }),
];
