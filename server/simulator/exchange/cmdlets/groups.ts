import type { SimGroup } from '../../tenant/model.js';
import type { TenantStore } from '../../tenant/store.js';
import { taskError } from '../errors.js';
import { distinguishedName, isDistributionGroup, onMicrosoft, resolveGroup, resolveUser } from '../recipients.js';
import { none, rows, type Cmdlet, type CmdletContext } from '../types.js';
import { limitResults } from './results.js';

/**
 * Distribution lists and mail-enabled security groups: Exchange is where their members are
 * changed (Graph refuses). The same group, the same members, as Graph reads them.
 */

const groupType = (g: SimGroup) => (g.securityEnabled ? 'MailUniversalSecurityGroup' : 'MailUniversalDistributionGroup');

function groupObject(store: TenantStore, g: SimGroup): Record<string, unknown> {
  return {
    Identity: g.mailNickname,
    Name: g.mailNickname,
    DisplayName: g.displayName,
    Alias: g.mailNickname,
    PrimarySmtpAddress: g.mail,
    EmailAddresses: [`SMTP:${g.mail}`, `smtp:${g.mailNickname}@${onMicrosoft(store)}`],
    RecipientType: groupType(g),
    RecipientTypeDetails: groupType(g),
    GroupType: g.securityEnabled ? 'Universal, SecurityEnabled' : 'Universal',
    ManagedBy: [...g.owners].map((id) => store.users.get(id)?.mailNickname).filter(Boolean),
    ExternalDirectoryObjectId: g.id,
    Guid: g.id,
    DistinguishedName: distinguishedName(store, g.mailNickname),
    IsDirSynced: g.onPremisesSyncEnabled === true,
    HiddenFromAddressListsEnabled: false,
    MemberJoinRestriction: 'Closed',
    MemberDepartRestriction: 'Closed',
    RequireSenderAuthenticationEnabled: true,
    WhenCreated: g.createdDateTime,
  };
}

function memberObject(store: TenantStore, id: string): Record<string, unknown> {
  const u = store.users.get(id);
  if (u) {
    const m = store.mailboxes.get(id);
    return {
      Identity: u.mailNickname,
      Name: u.mailNickname,
      DisplayName: u.displayName,
      Alias: u.mailNickname,
      PrimarySmtpAddress: u.mail,
      RecipientType: m ? 'UserMailbox' : 'User',
      RecipientTypeDetails: m?.type ?? 'User',
      ExternalDirectoryObjectId: u.id,
    };
  }
  const g = store.groups.get(id)!;
  return { Identity: g.mailNickname, Name: g.mailNickname, DisplayName: g.displayName, Alias: g.mailNickname, PrimarySmtpAddress: g.mail, RecipientType: groupType(g), RecipientTypeDetails: groupType(g), ExternalDirectoryObjectId: g.id };
}

/** The group and member of an Add/Remove-DistributionGroupMember, once Exchange allows the change. */
function memberChange(ctx: CmdletContext, verb: 'Add' | 'Remove') {
  const g = resolveGroup(ctx.store, ctx.params.Identity);
  const u = resolveUser(ctx.store, ctx.params.Member);
  checkChange(ctx, g, verb);
  return { g, u };
}

/** Exchange's refusals for membership changes: on-premises groups, and callers who do not manage the group. */
function checkChange(ctx: CmdletContext, g: SimGroup, verb: 'Add' | 'Remove'): void {
  if (g.onPremisesSyncEnabled) {
    throw taskError(
      'Microsoft.Exchange.Management.Tasks.RecipientTaskException',
      `The action '${verb}-DistributionGroupMember', 'Members', can't be performed on the object '${g.mailNickname}' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.`,
    );
  }
  if (ctx.params.BypassSecurityGroupManagerCheck !== true) {
    throw taskError(
      'Microsoft.Exchange.Management.Tasks.RecipientTaskException',
      "You don't have sufficient permissions. This operation can only be performed by a manager of the group.",
    );
  }
}

const memberParams = {
  Identity: { type: 'string' as const, required: true },
  Member: { type: 'string' as const, required: true },
  BypassSecurityGroupManagerCheck: { type: 'bool' as const },
};

export const groupCmdlets: Cmdlet[] = [
  {
    name: 'Get-DistributionGroup',
    params: { Identity: { type: 'string' }, ResultSize: { type: 'resultSize' }, RecipientTypeDetails: { type: 'strings' } },
    run: (ctx) => {
      const { store, params } = ctx;
      if (params.Identity !== undefined) return rows([resolveGroup(store, params.Identity)], (g) => groupObject(store, g));
      const kinds = (params.RecipientTypeDetails as string[] | undefined)?.map((k) => k.toLowerCase());
      const list = store.groupOrder.filter((g) => isDistributionGroup(g) && (!kinds || kinds.includes(groupType(g).toLowerCase())));
      return rows(limitResults(ctx, list), (g) => groupObject(store, g));
    },
  },
  {
    name: 'Get-DistributionGroupMember',
    params: { Identity: { type: 'string', required: true }, ResultSize: { type: 'resultSize' } },
    run: (ctx) => {
      const g = resolveGroup(ctx.store, ctx.params.Identity);
      const members = ctx.store.memberIds(g.id).filter((id) => ctx.store.user(id) || ctx.store.group(id));
      return rows(limitResults(ctx, members), (id) => memberObject(ctx.store, id));
    },
  },
  {
    name: 'Add-DistributionGroupMember',
    params: memberParams,
    run: (ctx) => {
      const { g, u } = memberChange(ctx, 'Add');
      if (g.members.has(u.id)) {
        throw taskError('Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException', `The recipient "${u.userPrincipalName}" is already a member of the group "${g.displayName}".`);
      }
      ctx.store.addMember(g.id, u.id);
      return none();
    },
  },
  {
    name: 'Remove-DistributionGroupMember',
    params: memberParams,
    run: (ctx) => {
      const { g, u } = memberChange(ctx, 'Remove');
      if (!g.members.has(u.id)) {
        throw taskError('Microsoft.Exchange.Management.Tasks.MemberNotFoundException', `The recipient "${u.userPrincipalName}" isn't a member of the group "${g.displayName}".`);
      }
      ctx.store.removeMember(g.id, u.id);
      return none();
    },
  },
];
