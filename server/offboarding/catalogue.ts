import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { M365Error, M365Unavailable } from '../m365/m365.types.js';
import type { HeldPermission, Membership } from '../m365/actions.js';
import type { Item, OptionField, StepPreview, TaskId, TaskInfo } from './contract.js';
import { TASK_IDS } from './contract.js';
import { item, type Person, type Snapshot, type TaskDefinition, type TaskEnv } from './task.types.js';

/**
 * The task catalogue: every task Offramp knows, what it reads first, what it changes, why it is
 * safe to run again, how it is undone, what it must follow, and the permission it needs. Each
 * task's `run` re-reads the tenant and acts on what is left: after a crash it is sent again only
 * where Microsoft's state shows it was not done.
 */

const GB = 1024 ** 3;
/** A shared mailbox without a licence holds up to 50 GB; warn from 45. */
const SHARED_LIMIT_WARN = 45 * GB;

const recipient = z
  .union([z.literal('manager'), z.email({ message: 'must be "manager" or an e-mail address' })])
  .default('manager');
const recipientField = (key: string, label: string): OptionField => ({
  key,
  label,
  kind: 'recipient',
  help: 'The person’s manager (from Microsoft 365), or an e-mail address.',
});

type Env<O = Record<string, never>> = TaskEnv<O>;
type PreviewBody = Omit<StepPreview, 'task' | 'title'>;

const plain = (summary: string, items: Item[] = [], warnings: string[] = [], blocked: string | null = null): PreviewBody => ({ summary, items, warnings, blocked });

const SYNCED = 'The account is synced from on-premises Active Directory';
const noMailbox = (env: Env<unknown>) => (env.snapshot.mailbox ? null : `${env.person.displayName} has no Exchange Online mailbox.`);

/** 'manager' or an address, to the address (and object id) of the person it names. */
function resolveRecipient(env: Env<unknown>, to: string): { address: string; objectId: string | null; name: string } | string {
  if (to !== 'manager') return { address: to, objectId: null, name: to };
  const m = env.snapshot.manager;
  if (!m) return `${env.person.displayName} has no manager in Microsoft 365: choose a person instead of “manager”.`;
  return { address: m.mail ?? m.userPrincipalName, objectId: m.id, name: m.displayName };
}

function needRecipient(env: Env<unknown>, to: string) {
  const r = resolveRecipient(env, to);
  if (typeof r === 'string') throw new TaskRefused(r);
  return r;
}

/** The task cannot be carried out for this person (no manager, no mailbox…): fails without retries. */
export class TaskRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskRefused';
  }
}

const isAlreadyThere = (err: unknown) => err instanceof M365Error && (err.status === 400 || err.status === 409) && /already exist|already a member/i.test(err.message);
const isGone = (err: unknown) => err instanceof M365Error && err.status === 404;

/** Whether Microsoft's timestamp shows the change happened at or after `since` (second precision, a little clock skew allowed). */
const doneSince = (timestamp: string | null | undefined, since: Date | null) =>
  since !== null && typeof timestamp === 'string' && Date.parse(timestamp) >= Math.floor(since.getTime() / 1000) * 1000 - 2_000;

const groupLabel = (g: Membership) =>
  ({ security: 'Security group', microsoft365: 'Microsoft 365 group', 'mail-security': 'Mail-enabled security group', distribution: 'Distribution list', dynamic: 'Dynamic group' })[g.kind];
const viaExchange = (g: Membership) => g.kind === 'distribution' || g.kind === 'mail-security';

/** Evidence of a removal that may have been resumed: what the snapshot held and is gone now, plus what this attempt removed. */
function removedSince<T>(before: T[], current: T[], removedNow: T[], key: (x: T) => string): T[] {
  const still = new Set(current.map(key));
  const now = new Set(removedNow.map(key));
  const out = new Map<string, T>();
  for (const x of before) if (!still.has(key(x)) || now.has(key(x))) out.set(key(x), x);
  for (const x of removedNow) out.set(key(x), x);
  return [...out.values()];
}

function generatePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#$%&*+-=?@'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  while (chars.length < 20) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

const fill = (text: string, env: Env<unknown>) =>
  text
    .replaceAll('{name}', env.person.displayName)
    .replaceAll('{organisation}', env.organisation)
    .replaceAll('{manager}', env.snapshot.manager?.displayName ?? 'your usual contact')
    .replaceAll('{managerEmail}', env.snapshot.manager?.mail ?? env.snapshot.manager?.userPrincipalName ?? '');

const none = z.object({}).strip();
const MAILBOX_TASKS: TaskId[] = [
  'hide_from_address_list',
  'set_auto_reply',
  'forward_mail',
  'grant_mailbox_access',
  'remove_inbox_rules',
  'remove_mobile_devices',
  'cancel_meetings',
  'remove_held_permissions',
  'grant_onedrive_access',
  'convert_to_shared',
];

const tasks: TaskDefinition[] = [
  {
    id: 'disable_sign_in',
    title: 'Block sign-in',
    summary: 'Sets the account to disabled so that no new sign-in succeeds.',
    group: 'account',
    reads: 'accountEnabled of the user',
    changes: 'PATCH /users/{id} accountEnabled=false',
    idempotent: 'Setting an already disabled account to disabled changes nothing.',
    undo: { kind: 'full', how: 'Sign-in is allowed again if it was allowed before.' },
    after: [],
    permissions: ['User.ReadWrite.All'],
    options: none,
    fields: [],
    preview: (env) =>
      env.snapshot.account?.onPremisesSyncEnabled
        ? plain('Block sign-in.', [], [], `${SYNCED}: disable it there (Microsoft Graph cannot change a synced account).`)
        : env.snapshot.account?.accountEnabled === false
          ? plain('Sign-in is already blocked: nothing to change.')
          : plain('Block sign-in to Microsoft 365.', [item(env.person.objectId, env.person.userPrincipalName, 'accountEnabled: true → false')]),
    async run(env) {
      const state = await env.m365.getAccountState(env.person.objectId);
      if (!state) throw new TaskRefused(`${env.person.userPrincipalName} no longer exists in the tenant.`);
      if (state.accountEnabled) await env.m365.setAccountEnabled(env.person.objectId, false);
      return {
        summary: state.accountEnabled ? 'Sign-in blocked.' : 'Sign-in was already blocked.',
        items: [item(env.person.objectId, env.person.userPrincipalName, 'accountEnabled: false')],
        undoData: { wasEnabled: env.snapshot.account?.accountEnabled ?? state.accountEnabled },
      };
    },
    async revert(env, data) {
      const { wasEnabled } = data as { wasEnabled: boolean };
      if (!wasEnabled) return { summary: 'Sign-in was blocked before the run: left blocked.', items: [] };
      await env.m365.setAccountEnabled(env.person.objectId, true);
      return { summary: 'Sign-in allowed again.', items: [item(env.person.objectId, env.person.userPrincipalName, 'accountEnabled: true')] };
    },
  },
  {
    id: 'revoke_sessions',
    title: 'Revoke sessions',
    summary: 'Invalidates every refresh token and session cookie: apps signed in must sign in again.',
    group: 'account',
    reads: 'signInSessionsValidFromDateTime (after a crash)',
    changes: 'POST /users/{id}/revokeSignInSessions',
    idempotent: 'After a crash, the session-valid-from time shows whether the revocation was already made.',
    undo: { kind: 'none', how: 'Revoked sessions cannot come back; the person signs in again once allowed.' },
    after: ['disable_sign_in'],
    permissions: ['User.ReadWrite.All'],
    options: none,
    fields: [],
    preview: (env) => plain('Sign the person out of every app and device.', [item(env.person.objectId, env.person.userPrincipalName, 'all sessions')]),
    async run(env) {
      const state = await env.m365.getAccountState(env.person.objectId);
      if (!state) throw new TaskRefused(`${env.person.userPrincipalName} no longer exists in the tenant.`);
      const done = doneSince(state.signInSessionsValidFromDateTime, env.earlierAttemptAt);
      if (!done) await env.m365.revokeSignInSessions(env.person.objectId);
      return { summary: done ? 'Sessions were already revoked by an earlier attempt.' : 'Every session revoked.', items: [item(env.person.objectId, env.person.userPrincipalName, 'sessions revoked')] };
    },
  },
  {
    id: 'reset_password',
    title: 'Reset password',
    summary: 'Sets a random password (shown once to the approver, never stored in clear) and forces a change at next sign-in.',
    group: 'account',
    reads: 'lastPasswordChangeDateTime (after a crash)',
    changes: 'PATCH /users/{id} passwordProfile',
    idempotent: 'After a crash, the last password change time shows whether the reset was already made.',
    undo: { kind: 'none', how: 'The old password cannot be restored.' },
    after: ['disable_sign_in'],
    permissions: ['User-PasswordProfile.ReadWrite.All'],
    options: none,
    fields: [],
    preview: (env) =>
      plain(
        'Set a new random password, shown once to the approver.',
        [item(env.person.objectId, env.person.userPrincipalName, 'new password')],
        env.snapshot.account?.onPremisesSyncEnabled ? [`${SYNCED}: the new password holds only if password writeback is on.`] : [],
      ),
    async run(env) {
      const state = await env.m365.getAccountState(env.person.objectId);
      if (!state) throw new TaskRefused(`${env.person.userPrincipalName} no longer exists in the tenant.`);
      if (doneSince(state.lastPasswordChangeDateTime, env.earlierAttemptAt)) {
        return { summary: 'The password was already reset by an earlier attempt; it is waiting for the approver.', items: [item(env.person.objectId, env.person.userPrincipalName, 'password reset')] };
      }
      const password = generatePassword();
      await env.savePassword(password);
      await env.m365.resetPassword(env.person.objectId, password);
      return { summary: 'Password reset; it is shown once to the approver.', items: [item(env.person.objectId, env.person.userPrincipalName, 'password reset, change forced at next sign-in')] };
    },
  },
  {
    id: 'remove_mfa_methods',
    title: 'Remove MFA methods',
    summary: 'Deletes the person’s authentication methods (phone, Authenticator, FIDO2, …) so none can be used to get back in.',
    group: 'account',
    reads: 'GET /users/{id}/authentication/methods',
    changes: 'DELETE each method but the password',
    idempotent: 'Methods are read first; only those still there are deleted.',
    undo: { kind: 'none', how: 'The person registers methods again.' },
    after: ['disable_sign_in'],
    permissions: ['UserAuthenticationMethod.ReadWrite.All'],
    options: none,
    fields: [],
    snapshot: async (env) => (await env.m365.listAuthMethods(env.person.objectId)).filter((m) => m.type !== 'passwordAuthenticationMethod'),
    preview(env) {
      const methods = (env.snapshot.parts.remove_mfa_methods as { id: string; type: string }[]) ?? [];
      return plain(methods.length ? `Remove ${methods.length} authentication method(s).` : 'No methods besides the password: nothing to remove.', methods.map((m) => item(m.id, methodName(m.type))));
    },
    async run(env) {
      const before = (env.snapshot.parts.remove_mfa_methods as { id: string; type: string }[]) ?? [];
      const current = (await env.m365.listAuthMethods(env.person.objectId)).filter((m) => m.type !== 'passwordAuthenticationMethod');
      await removeAll(current, (m) => env.m365.deleteAuthMethod(env.person.objectId, m));
      const removed = removedSince(before, [], current, (m) => m.id);
      return { summary: `${removed.length} method(s) removed.`, items: removed.map((m) => item(m.id, methodName(m.type))) };
    },
  },
  {
    id: 'remove_groups',
    title: 'Remove from groups',
    summary: 'Removes the person from every security group, Microsoft 365 group, mail-enabled security group and distribution list; dynamic and on-premises groups are skipped with the reason.',
    group: 'access',
    reads: 'GET /users/{id}/memberOf',
    changes: 'DELETE /groups/{id}/members/{user}/$ref (batched); Remove-DistributionGroupMember for mail-enabled groups',
    idempotent: 'Memberships are read first; only those still there are removed.',
    undo: { kind: 'full', how: 'The person is added back to each group removed.' },
    after: MAILBOX_TASKS,
    permissions: ['GroupMember.ReadWrite.All', 'Exchange.ManageAsApp'],
    options: none,
    fields: [],
    preview(env) {
      const groups = env.snapshot.groups;
      const removable = groups.filter((g) => !g.notRemovable);
      const skipped = groups.filter((g) => g.notRemovable);
      const licensing = new Set(env.snapshot.licences.filter((l) => l.via === 'group').map((l) => l.groupId));
      return plain(
        removable.length ? `Remove from ${removable.length} group(s).` : 'Not a member of any group Offramp can change.',
        removable.map((g) => item(g.id, g.displayName, groupLabel(g) + (licensing.has(g.id) ? ' · assigns a licence' : ''))),
        skipped.map((g) => `Skipped ${g.displayName}: ${g.notRemovable}`),
      );
    },
    async run(env) {
      const before = env.snapshot.groups.filter((g) => !g.notRemovable);
      const current = (await env.m365.listMemberships(env.person.objectId)).filter((g) => !g.notRemovable);
      const graphGroups = current.filter((g) => !viaExchange(g));
      const results = await env.m365.batch(graphGroups.map((g) => ({ method: 'DELETE' as const, url: `/groups/${g.id}/members/${env.person.objectId}/$ref` })));
      env.addRequestIds(results.map((r) => r.requestId));
      const failed = results.map((r, i) => ({ r, g: graphGroups[i]! })).filter(({ r }) => !r.ok && r.status !== 404);
      if (failed.length) {
        const { r, g } = failed[0]!;
        const message = (r.body as { error?: { message?: string } } | null)?.error?.message ?? `status ${r.status}`;
        throw new M365Error(r.status, 'batch_part_failed', `Could not remove the person from ${g.displayName}: ${message}`, r.requestId);
      }
      for (const g of current.filter(viaExchange)) await env.m365.removeFromDistributionList(g.id, env.person.userPrincipalName);
      const removed = removedSince(before, [], current, (g) => g.id);
      return {
        summary: `Removed from ${removed.length} group(s).`,
        items: removed.map((g) => item(g.id, g.displayName, groupLabel(g))),
        undoData: { groups: removed.map((g) => ({ id: g.id, exchange: viaExchange(g) })) },
      };
    },
    async revert(env, data) {
      const { groups } = data as { groups: { id: string; exchange: boolean }[] };
      const names = new Map(env.snapshot.groups.map((g) => [g.id, g.displayName]));
      await rejoinGroups(env, groups);
      return { summary: `Added back to ${groups.length} group(s).`, items: groups.map((g) => item(g.id, names.get(g.id) ?? g.id)) };
    },
  },
  {
    id: 'remove_teams',
    title: 'Remove from Teams',
    summary: 'Removes the person from every team they belong to.',
    group: 'access',
    reads: 'GET /users/{id}/joinedTeams, each team’s members',
    changes: 'DELETE /teams/{id}/members/{membershipId}',
    idempotent: 'Teams are read first; a team the person already left is skipped.',
    undo: { kind: 'full', how: 'The person is added back to each team’s group.' },
    after: ['remove_groups'],
    permissions: ['TeamMember.ReadWrite.All'],
    options: none,
    fields: [],
    snapshot: (env) => env.m365.listJoinedTeams(env.person.objectId),
    preview(env) {
      const teams = (env.snapshot.parts.remove_teams as { id: string; displayName: string }[]) ?? [];
      return plain(teams.length ? `Remove from ${teams.length} team(s).` : 'Not a member of any team.', teams.map((t) => item(t.id, t.displayName, 'Team')));
    },
    async run(env) {
      const before = (env.snapshot.parts.remove_teams as { id: string; displayName: string }[]) ?? [];
      const current = await env.m365.listJoinedTeams(env.person.objectId);
      for (const t of current) await env.m365.removeFromTeam(t.id, env.person.objectId);
      const removed = removedSince(before, [], current, (t) => t.id);
      return { summary: `Removed from ${removed.length} team(s).`, items: removed.map((t) => item(t.id, t.displayName, 'Team')), undoData: { teams: removed.map((t) => t.id) } };
    },
    async revert(env, data) {
      const { teams } = data as { teams: string[] };
      const names = new Map(((env.snapshot.parts.remove_teams as { id: string; displayName: string }[]) ?? []).map((t) => [t.id, t.displayName]));
      await addBack(teams, (id) => env.m365.addToGroup(id, env.person.objectId));
      return { summary: `Added back to ${teams.length} team(s).`, items: teams.map((id) => item(id, names.get(id) ?? id, 'Team')) };
    },
  },
  {
    id: 'hide_from_address_list',
    title: 'Hide from the address list',
    summary: 'Hides the mailbox from the global address list so colleagues stop picking it.',
    group: 'mail',
    reads: 'Get-Mailbox',
    changes: 'Set-Mailbox -HiddenFromAddressListsEnabled $true',
    idempotent: 'Setting it again changes nothing.',
    undo: { kind: 'full', how: 'Shown again if it was shown before.' },
    after: [],
    permissions: ['Exchange.ManageAsApp'],
    options: none,
    fields: [],
    preview: (env) =>
      plain(
        env.snapshot.mailbox?.hiddenFromAddressLists ? 'Already hidden: nothing to change.' : 'Hide the mailbox from the address list.',
        env.snapshot.mailbox ? [item(env.snapshot.mailbox.identity, env.snapshot.mailbox.identity, 'HiddenFromAddressListsEnabled: true')] : [],
        [],
        noMailbox(env),
      ),
    async run(env) {
      const mb = await mailboxOrRefuse(env);
      if (!mb.hiddenFromAddressLists) await env.m365.setHiddenFromAddressLists(mb.identity, true);
      return { summary: 'Hidden from the address list.', items: [item(mb.identity, mb.identity, 'HiddenFromAddressListsEnabled: true')], undoData: { wasHidden: env.snapshot.mailbox?.hiddenFromAddressLists ?? false } };
    },
    async revert(env, data) {
      if ((data as { wasHidden: boolean }).wasHidden) return { summary: 'It was hidden before the run: left hidden.', items: [] };
      const mb = await mailboxOrRefuse(env);
      await env.m365.setHiddenFromAddressLists(mb.identity, false);
      return { summary: 'Shown in the address list again.', items: [item(mb.identity, mb.identity, 'HiddenFromAddressListsEnabled: false')] };
    },
  },
  {
    id: 'set_auto_reply',
    title: 'Set out of office',
    summary: 'Turns on automatic replies (internal and external messages), now or for a period.',
    group: 'mail',
    reads: 'GET /users/{id}/mailboxSettings (automaticRepliesSetting)',
    changes: 'PATCH /users/{id}/mailboxSettings automaticRepliesSetting',
    idempotent: 'Writes the same settings again.',
    undo: { kind: 'full', how: 'The automatic replies before the run are put back.' },
    after: [],
    permissions: ['MailboxSettings.ReadWrite'],
    options: z
      .object({
        internalMessage: z.string().trim().min(1).max(4000).default('{name} has left {organisation}. Please contact {manager} ({managerEmail}) instead.'),
        externalMessage: z.string().trim().min(1).max(4000).default('Thank you for your message. {name} no longer works at {organisation}. Please contact {managerEmail}.'),
        startAt: z.iso.datetime({ offset: true }).optional(),
        endAt: z.iso.datetime({ offset: true }).optional(),
      })
      .refine((o) => !o.startAt || !o.endAt || Date.parse(o.endAt) > Date.parse(o.startAt), { message: 'endAt must be after startAt', path: ['endAt'] }),
    fields: [
      { key: 'internalMessage', label: 'Reply to colleagues', kind: 'textarea', help: '{name}, {organisation}, {manager} and {managerEmail} are filled in.' },
      { key: 'externalMessage', label: 'Reply to people outside', kind: 'textarea' },
      { key: 'startAt', label: 'From (optional)', kind: 'datetime' },
      { key: 'endAt', label: 'Until (optional)', kind: 'datetime' },
    ],
    preview: (env) => {
      const o = env.options as { internalMessage: string; externalMessage: string; startAt?: string; endAt?: string };
      return plain(
        o.startAt || o.endAt ? 'Schedule automatic replies.' : 'Turn on automatic replies.',
        [item('internal', 'Internal', fill(o.internalMessage, env)), item('external', 'External', fill(o.externalMessage, env))],
        [],
        noMailbox(env),
      );
    },
    async run(env) {
      await mailboxOrRefuse(env);
      const o = env.options as { internalMessage: string; externalMessage: string; startAt?: string; endAt?: string };
      const scheduled = Boolean(o.startAt || o.endAt);
      const at = (iso: string) => ({ dateTime: new Date(iso).toISOString().slice(0, 19), timeZone: 'UTC' });
      await env.m365.setAutoReply(env.person.objectId, {
        status: scheduled ? 'scheduled' : 'alwaysEnabled',
        internalReplyMessage: fill(o.internalMessage, env),
        externalReplyMessage: fill(o.externalMessage, env),
        ...(scheduled ? { scheduledStartDateTime: at(o.startAt ?? new Date().toISOString()), scheduledEndDateTime: at(o.endAt ?? new Date(Date.now() + 365 * 86_400_000).toISOString()) } : {}),
      });
      return { summary: scheduled ? 'Automatic replies scheduled.' : 'Automatic replies on.', items: [item('internal', 'Internal', fill(o.internalMessage, env)), item('external', 'External', fill(o.externalMessage, env))] };
    },
    async revert(env) {
      const before = env.snapshot.autoReply;
      if (!before) return { summary: 'No earlier automatic replies were recorded: left as they are.', items: [] };
      await env.m365.setAutoReply(env.person.objectId, before);
      return { summary: `Automatic replies back to ${before.status}.`, items: [item('status', 'Status', before.status)] };
    },
  },
  {
    id: 'forward_mail',
    title: 'Forward mail',
    summary: 'Forwards new mail to a person (the manager by default), with or without keeping a copy in the mailbox.',
    group: 'mail',
    reads: 'Get-Mailbox (forwarding)',
    changes: 'Set-Mailbox -ForwardingSmtpAddress -DeliverToMailboxAndForward',
    idempotent: 'Writes the same forwarding again.',
    undo: { kind: 'full', how: 'The forwarding before the run is put back (usually none).' },
    after: [],
    permissions: ['Exchange.ManageAsApp'],
    options: z.object({ to: recipient, keepCopy: z.boolean().default(true) }),
    fields: [recipientField('to', 'Forward to'), { key: 'keepCopy', label: 'Keep a copy in the mailbox', kind: 'boolean' }],
    preview(env) {
      const o = env.options as { to: string; keepCopy: boolean };
      const r = resolveRecipient(env, o.to);
      const current = env.snapshot.mailbox?.forwardingSmtpAddress;
      return plain(
        typeof r === 'string' ? 'Forward mail.' : `Forward new mail to ${r.name}${o.keepCopy ? ', keeping a copy' : ''}.`,
        typeof r === 'string' ? [] : [item(r.address, r.address, o.keepCopy ? 'forward and keep a copy' : 'forward only')],
        current ? [`Mail is already forwarded to ${current}; that is replaced.`] : [],
        noMailbox(env) ?? (typeof r === 'string' ? r : null),
      );
    },
    async run(env) {
      const o = env.options as { to: string; keepCopy: boolean };
      const mb = await mailboxOrRefuse(env);
      const r = needRecipient(env, o.to);
      await env.m365.setForwarding(mb.identity, r.address, o.keepCopy);
      return {
        summary: `Mail forwarded to ${r.name}${o.keepCopy ? ' (a copy kept)' : ''}.`,
        items: [item(r.address, r.address, o.keepCopy ? 'forward and keep a copy' : 'forward only')],
        undoData: { address: env.snapshot.mailbox?.forwardingSmtpAddress ?? null, keepCopy: env.snapshot.mailbox?.deliverToMailboxAndForward ?? false },
      };
    },
    async revert(env, data) {
      const { address, keepCopy } = data as { address: string | null; keepCopy: boolean };
      const mb = await mailboxOrRefuse(env);
      await env.m365.setForwarding(mb.identity, address, keepCopy);
      return { summary: address ? `Forwarding back to ${address}.` : 'Forwarding removed.', items: [item(mb.identity, mb.identity, address ? `forwarding: ${address}` : 'no forwarding')] };
    },
  },
  {
    id: 'grant_mailbox_access',
    title: 'Grant mailbox access',
    summary: 'Gives a person (the manager by default) full access to the mailbox, with or without auto-mapping in Outlook.',
    group: 'mail',
    reads: 'Get-Mailbox',
    changes: 'Add-MailboxPermission -AccessRights FullAccess -AutoMapping',
    idempotent: 'Exchange keeps one full-access entry per person: adding it again changes nothing.',
    undo: { kind: 'full', how: 'The full access granted is removed.' },
    after: [],
    permissions: ['Exchange.ManageAsApp'],
    options: z.object({ to: recipient, autoMapping: z.boolean().default(true) }),
    fields: [recipientField('to', 'Give access to'), { key: 'autoMapping', label: 'Show it in their Outlook (auto-mapping)', kind: 'boolean' }],
    preview(env) {
      const o = env.options as { to: string; autoMapping: boolean };
      const r = resolveRecipient(env, o.to);
      return plain(
        typeof r === 'string' ? 'Grant full access.' : `Give ${r.name} full access to the mailbox.`,
        typeof r === 'string' ? [] : [item(r.address, r.address, `FullAccess${o.autoMapping ? ', auto-mapped' : ''}`)],
        [],
        noMailbox(env) ?? (typeof r === 'string' ? r : null),
      );
    },
    async run(env) {
      const o = env.options as { to: string; autoMapping: boolean };
      const mb = await mailboxOrRefuse(env);
      const r = needRecipient(env, o.to);
      try {
        await env.m365.addMailboxPermission(mb.identity, r.address, o.autoMapping);
      } catch (err) {
        if (!isAlreadyThere(err)) throw err;
      }
      return { summary: `${r.name} has full access.`, items: [item(r.address, r.address, `FullAccess${o.autoMapping ? ', auto-mapped' : ''}`)], undoData: { mailbox: mb.identity, trustee: r.address } };
    },
    async revert(env, data) {
      const { mailbox, trustee } = data as { mailbox: string; trustee: string };
      try {
        await env.m365.removeMailboxPermission(mailbox, trustee);
      } catch (err) {
        if (!isGone(err)) throw err;
      }
      return { summary: `Full access of ${trustee} removed.`, items: [item(trustee, trustee, 'FullAccess removed')] };
    },
  },
  {
    id: 'grant_onedrive_access',
    title: 'Grant OneDrive access',
    summary: 'Gives a person (the manager by default) edit access to the whole OneDrive, so files are kept.',
    group: 'files',
    reads: 'GET /users/{id}/drive, the root’s permissions',
    changes: 'POST /drives/{id}/items/root/invite (write, no e-mail)',
    idempotent: 'The root’s permissions are read first: a person who already has access is not invited again.',
    undo: { kind: 'full', how: 'The access granted is removed.' },
    after: [],
    permissions: ['Files.ReadWrite.All'],
    options: z.object({ to: recipient }),
    fields: [recipientField('to', 'Give access to')],
    preview(env) {
      const r = resolveRecipient(env, (env.options as { to: string }).to);
      return plain(
        typeof r === 'string' ? 'Grant OneDrive access.' : `Give ${r.name} edit access to the OneDrive.`,
        typeof r === 'string' ? [] : [item(r.address, r.address, 'write')],
        [],
        typeof r === 'string' ? r : null,
      );
    },
    async run(env) {
      const r = needRecipient(env, (env.options as { to: string }).to);
      const drive = await env.m365.getDrive(env.person.objectId);
      if (!drive) throw new TaskRefused(`${env.person.displayName} has no OneDrive.`);
      const existing = (await env.m365.listDrivePermissions(drive.id)).filter((p) => p.emails.includes(r.address.toLowerCase()));
      const ids = existing.length ? existing.map((p) => p.id) : await env.m365.grantDriveAccess(drive.id, r.address);
      return { summary: `${r.name} can edit the OneDrive.`, items: [item(drive.id, drive.webUrl, `write access for ${r.address}`)], undoData: { driveId: drive.id, permissionIds: existing.length ? [] : ids } };
    },
    async revert(env, data) {
      const { driveId, permissionIds } = data as { driveId: string; permissionIds: string[] };
      await removeAll(permissionIds, (id) => env.m365.removeDrivePermission(driveId, id));
      return { summary: `${permissionIds.length} OneDrive permission(s) removed.`, items: permissionIds.map((id) => item(id, 'OneDrive permission', 'removed')) };
    },
  },
  {
    id: 'remove_inbox_rules',
    title: 'Remove inbox rules',
    summary: 'Deletes the person’s inbox rules (forwarding rules are how mail leaks after someone leaves).',
    group: 'mail',
    reads: 'GET /users/{id}/mailFolders/inbox/messageRules',
    changes: 'DELETE each rule',
    idempotent: 'Rules are read first; only those still there are deleted.',
    undo: { kind: 'none', how: 'Deleted rules cannot be restored; the report lists them.' },
    after: [],
    permissions: ['MailboxSettings.ReadWrite'],
    options: none,
    fields: [],
    snapshot: (env) => (env.snapshot.mailbox ? env.m365.listInboxRules(env.person.objectId) : Promise.resolve([])),
    preview(env) {
      const rules = (env.snapshot.parts.remove_inbox_rules as { id: string; displayName: string }[]) ?? [];
      return plain(rules.length ? `Delete ${rules.length} inbox rule(s).` : 'No inbox rules.', rules.map((r) => item(r.id, r.displayName)), [], noMailbox(env));
    },
    async run(env) {
      await mailboxOrRefuse(env);
      const before = (env.snapshot.parts.remove_inbox_rules as { id: string; displayName: string }[]) ?? [];
      const current = await env.m365.listInboxRules(env.person.objectId);
      await removeAll(current, (r) => env.m365.deleteInboxRule(env.person.objectId, r.id));
      const removed = removedSince(before, [], current, (r) => r.id);
      return { summary: `${removed.length} rule(s) deleted.`, items: removed.map((r) => item(r.id, r.displayName)) };
    },
  },
  {
    id: 'remove_mobile_devices',
    title: 'Remove mobile devices',
    summary: 'Removes the phones and tablets that sync the mailbox (Exchange ActiveSync), so they stop receiving mail.',
    group: 'devices',
    reads: 'Get-MobileDevice -Mailbox',
    changes: 'Remove-MobileDevice',
    idempotent: 'Devices are read first; only those still there are removed.',
    undo: { kind: 'none', how: 'A device syncs again once its owner adds the account again.' },
    after: [],
    permissions: ['Exchange.ManageAsApp'],
    options: none,
    fields: [],
    snapshot: (env) => (env.snapshot.mailbox ? env.m365.listMobileDevices(env.person.userPrincipalName) : Promise.resolve([])),
    preview(env) {
      const devices = (env.snapshot.parts.remove_mobile_devices as { id: string; name: string }[]) ?? [];
      return plain(devices.length ? `Remove ${devices.length} mobile device(s).` : 'No mobile devices sync this mailbox.', devices.map((d) => item(d.id, d.name)), [], noMailbox(env));
    },
    async run(env) {
      await mailboxOrRefuse(env);
      const before = (env.snapshot.parts.remove_mobile_devices as { id: string; name: string }[]) ?? [];
      const current = await env.m365.listMobileDevices(env.person.userPrincipalName);
      await removeAll(current, (d) => env.m365.removeMobileDevice(d.id));
      const removed = removedSince(before, [], current, (d) => d.id);
      return { summary: `${removed.length} device(s) removed.`, items: removed.map((d) => item(d.id, d.name)) };
    },
  },
  {
    id: 'cancel_meetings',
    title: 'Cancel meetings',
    summary: 'Cancels the future meetings the person organised, with a message to the attendees.',
    group: 'mail',
    reads: 'GET /users/{id}/events (organiser, from now)',
    changes: 'POST /users/{id}/events/{id}/cancel',
    idempotent: 'Cancelled meetings are no longer listed: each is cancelled once.',
    undo: { kind: 'none', how: 'Attendees were told; a cancelled meeting cannot be restored.' },
    after: [],
    permissions: ['Calendars.ReadWrite'],
    options: z.object({ comment: z.string().trim().min(1).max(1000).default('{name} has left {organisation}: this meeting is cancelled. Please contact {manager} to arrange a new one.') }),
    fields: [{ key: 'comment', label: 'Message to attendees', kind: 'textarea' }],
    snapshot: (env) => (env.snapshot.mailbox ? env.m365.listOrganizedEvents(env.person.objectId, new Date()) : Promise.resolve([])),
    preview(env) {
      const events = (env.snapshot.parts.cancel_meetings as { id: string; subject: string; start: string }[]) ?? [];
      return plain(events.length ? `Cancel ${events.length} future meeting(s).` : 'No future meetings organised.', events.map((e) => item(e.id, e.subject, e.start.slice(0, 16).replace('T', ' '))), [], noMailbox(env));
    },
    async run(env) {
      await mailboxOrRefuse(env);
      const before = (env.snapshot.parts.cancel_meetings as { id: string; subject: string; start: string }[]) ?? [];
      const current = await env.m365.listOrganizedEvents(env.person.objectId, new Date(Math.min(Date.now(), Date.parse(env.snapshot.takenAt))));
      const comment = fill((env.options as { comment: string }).comment, env);
      for (const e of current) await env.m365.cancelEvent(env.person.objectId, e.id, comment);
      const cancelled = removedSince(before, [], current, (e) => e.id);
      return { summary: `${cancelled.length} meeting(s) cancelled.`, items: cancelled.map((e) => item(e.id, e.subject, e.start.slice(0, 16).replace('T', ' '))) };
    },
  },
  {
    id: 'remove_held_permissions',
    title: 'Remove mailbox and calendar permissions',
    summary: 'Removes the full-access, send-as and calendar permissions the person holds on other mailboxes.',
    group: 'mail',
    reads: 'Get-Mailbox, Get-MailboxPermission / Get-MailboxFolderPermission per mailbox, Get-RecipientPermission -Trustee',
    changes: 'Remove-MailboxPermission, Remove-RecipientPermission, Remove-MailboxFolderPermission',
    idempotent: 'Permissions are read first; only those still held are removed.',
    undo: { kind: 'partial', how: 'Full access is granted back; send-as and calendar permissions are listed in the report to grant again by hand.' },
    after: [],
    permissions: ['Exchange.ManageAsApp'],
    options: none,
    fields: [],
    snapshot: (env) => env.m365.listPermissionsHeldBy(env.person.userPrincipalName),
    preview(env) {
      const held = (env.snapshot.parts.remove_held_permissions as HeldPermission[]) ?? [];
      return plain(held.length ? `Remove ${held.length} permission(s) on other mailboxes.` : 'Holds no permissions on other mailboxes.', held.map(heldItem));
    },
    async run(env) {
      const before = (env.snapshot.parts.remove_held_permissions as HeldPermission[]) ?? [];
      const current = await env.m365.listPermissionsHeldBy(env.person.userPrincipalName);
      await removeAll(current, (p) => env.m365.removeHeldPermission(env.person.userPrincipalName, p));
      const removed = removedSince(before, [], current, heldKey);
      return { summary: `${removed.length} permission(s) removed.`, items: removed.map(heldItem), undoData: { fullAccess: removed.filter((p) => p.kind === 'FullAccess').map((p) => p.mailbox) } };
    },
    async revert(env, data) {
      const { fullAccess } = data as { fullAccess: string[] };
      await addBack(fullAccess, (mailbox) => env.m365.addMailboxPermission(mailbox, env.person.userPrincipalName, false));
      return { summary: `Full access to ${fullAccess.length} mailbox(es) granted back.`, items: fullAccess.map((m) => item(m, m, 'FullAccess')) };
    },
  },
  {
    id: 'convert_to_shared',
    title: 'Convert mailbox to shared',
    summary: 'Converts the mailbox to a shared mailbox so its mail stays reachable without a licence (up to 50 GB).',
    group: 'mail',
    reads: 'Get-Mailbox, Get-MailboxStatistics (size)',
    changes: 'Set-Mailbox -Type Shared',
    idempotent: 'A shared mailbox is left as it is.',
    undo: { kind: 'full', how: 'Converted back to a user mailbox (a licence is needed: undo puts licences back first).' },
    after: [],
    permissions: ['Exchange.ManageAsApp'],
    options: none,
    fields: [],
    preview(env) {
      const mb = env.snapshot.mailbox;
      const warnings =
        mb?.sizeBytes && mb.sizeBytes >= SHARED_LIMIT_WARN
          ? [`The mailbox holds ${(mb.sizeBytes / GB).toFixed(1)} GB: a shared mailbox without a licence holds up to 50 GB. Keep an Exchange Online Plan 2 licence or archive first.`]
          : [];
      if (!mb) return plain('Convert to shared.', [], [], noMailbox(env));
      return plain(
        mb.type === 'SharedMailbox' ? 'Already a shared mailbox: nothing to change.' : 'Convert the mailbox to a shared mailbox.',
        [item(mb.identity, mb.identity, `${mb.type} → SharedMailbox${mb.sizeBytes ? ` · ${(mb.sizeBytes / GB).toFixed(2)} GB` : ''}`)],
        warnings,
      );
    },
    async run(env) {
      const mb = await mailboxOrRefuse(env);
      if (mb.type !== 'SharedMailbox') await env.m365.setMailboxType(mb.identity, 'Shared');
      return { summary: 'Mailbox converted to shared.', items: [item(mb.identity, mb.identity, 'SharedMailbox')], undoData: { wasType: env.snapshot.mailbox?.type ?? mb.type } };
    },
    async revert(env, data) {
      if ((data as { wasType: string }).wasType === 'SharedMailbox') return { summary: 'It was shared before the run: left shared.', items: [] };
      const mb = await mailboxOrRefuse(env);
      await env.m365.setMailboxType(mb.identity, 'Regular');
      return { summary: 'Mailbox converted back to a user mailbox.', items: [item(mb.identity, mb.identity, 'UserMailbox')] };
    },
  },
  {
    id: 'remove_licences',
    title: 'Remove licences',
    summary: 'Removes directly assigned licences (assignLicense) and leaves the groups that assign the others — after the mailbox is converted (and after group removal, when both are planned).',
    group: 'access',
    reads: 'licenseAssignmentStates of the user',
    changes: 'POST /users/{id}/assignLicense; DELETE /groups/{licensingGroup}/members/{user}/$ref',
    idempotent: 'Licences are read first; only those still assigned are removed.',
    undo: { kind: 'full', how: 'Direct licences are assigned again and the person rejoins the licensing groups.' },
    after: [...MAILBOX_TASKS, 'remove_groups'],
    permissions: ['User.ReadWrite.All', 'GroupMember.ReadWrite.All'],
    options: none,
    fields: [],
    preview(env) {
      const l = env.snapshot.licences;
      const groups = new Map(env.snapshot.groups.map((g) => [g.id, g]));
      const warnings: string[] = [];
      for (const x of l.filter((x) => x.via === 'group')) {
        const g = groups.get(x.groupId!);
        warnings.push(
          g?.notRemovable
            ? `${skuName(env, x.skuId)} comes from ${g.displayName}, which Offramp cannot change (${g.notRemovable}).`
            : `${skuName(env, x.skuId)} comes from the group ${g?.displayName ?? x.groupId}: the person leaves that group.`,
        );
      }
      return plain(l.length ? `Remove ${l.length} licence(s).` : 'Holds no licences.', l.map((x) => licenceItem(env, x)), warnings);
    },
    async run(env) {
      const before = env.snapshot.licences;
      const current = await env.m365.listLicences(env.person.objectId);
      const direct = [...new Set(current.filter((x) => x.via === 'direct').map((x) => x.skuId))];
      const groupIds = [...new Set(current.filter((x) => x.via === 'group').map((x) => x.groupId!))];
      const memberships = groupIds.length ? new Map((await env.m365.listMemberships(env.person.objectId)).map((g) => [g.id, g])) : new Map<string, Membership>();
      const stuck = groupIds.map((id) => memberships.get(id)).filter((g): g is Membership => Boolean(g?.notRemovable));
      if (stuck.length) throw new TaskRefused(`A licence comes from ${stuck[0]!.displayName}: ${stuck[0]!.notRemovable}`);
      await env.m365.removeLicences(env.person.objectId, direct);
      // A licence from a nested group follows the parent's membership: only direct memberships are left.
      const direct_ = groupIds.map((id) => memberships.get(id)).filter((g): g is Membership => Boolean(g));
      await removeAll(direct_, (g) => (viaExchange(g) ? env.m365.removeFromDistributionList(g.id, env.person.userPrincipalName) : env.m365.removeFromGroup(g.id, env.person.objectId)));
      const removed = removedSince(before, [], current, (x) => `${x.skuId}:${x.groupId ?? ''}`);
      return {
        summary: `${removed.length} licence(s) removed.`,
        items: removed.map((x) => licenceItem(env, x)),
        undoData: {
          direct: [...new Set(removed.filter((x) => x.via === 'direct').map((x) => x.skuId))],
          groups: [...new Set(removed.filter((x) => x.via === 'group').map((x) => x.groupId!))].map((id) => ({ id, exchange: Boolean(memberships.get(id) && viaExchange(memberships.get(id)!)) })),
        },
      };
    },
    async revert(env, data) {
      const { direct, groups } = data as { direct: string[]; groups: { id: string; exchange: boolean }[] };
      const current = new Set((await env.m365.listLicences(env.person.objectId)).filter((x) => x.via === 'direct').map((x) => x.skuId));
      await env.m365.addLicences(env.person.objectId, direct.filter((s) => !current.has(s)));
      await rejoinGroups(env, groups);
      return {
        summary: `${direct.length} licence(s) assigned again${groups.length ? `, ${groups.length} licensing group(s) rejoined` : ''}.`,
        items: [...direct.map((s) => item(s, skuName(env, s), 'direct')), ...groups.map((g) => item(g.id, env.snapshot.groups.find((x) => x.id === g.id)?.displayName ?? g.id, 'licensing group'))],
      };
    },
  },
  {
    id: 'retire_devices',
    title: 'Retire or wipe devices',
    summary: 'Retires (removes company data) or wipes (factory reset) every Intune device of the person. A wipe needs an explicit second confirmation.',
    group: 'devices',
    reads: 'GET /deviceManagement/managedDevices?$filter=userId eq …',
    changes: 'POST /deviceManagement/managedDevices/{id}/retire or /wipe',
    idempotent: 'A device whose retire or wipe is already pending or issued is not sent another.',
    undo: { kind: 'none', how: 'A retire or wipe cannot be undone: the device must be enrolled again.' },
    after: [],
    permissions: ['DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.PrivilegedOperations.All'],
    confirmation: 'Wiping resets every device of the person to factory settings and cannot be undone: confirm with confirmWipe.',
    options: z
      .object({ action: z.enum(['retire', 'wipe']).default('retire'), confirmWipe: z.boolean().default(false) })
      .refine((o) => o.action !== 'wipe' || o.confirmWipe, { message: 'a wipe erases the devices and cannot be undone: set confirmWipe to true to confirm it', path: ['confirmWipe'] }),
    fields: [
      { key: 'action', label: 'Action', kind: 'select', choices: [{ value: 'retire', label: 'Retire (remove company data and apps)' }, { value: 'wipe', label: 'Wipe (factory reset)' }] },
    ],
    preview(env) {
      const o = env.options as { action: 'retire' | 'wipe' };
      const d = env.snapshot.devices;
      return plain(
        d.length ? `${o.action === 'wipe' ? 'Wipe' : 'Retire'} ${d.length} device(s).` : 'No Intune devices.',
        d.map((x) => item(x.id, x.deviceName, `${x.operatingSystem} · ${x.managementState}`)),
        o.action === 'wipe' && d.length ? ['A wipe erases the devices to factory settings and cannot be undone.'] : [],
      );
    },
    async run(env) {
      const o = env.options as { action: 'retire' | 'wipe' };
      const current = await env.m365.listManagedDevices(env.person.objectId);
      const issued = (s: string) => /pending|issued/i.test(s);
      const toSend = current.filter((d) => !issued(d.managementState));
      for (const d of toSend) await (o.action === 'wipe' ? env.m365.wipeDevice(d.id) : env.m365.retireDevice(d.id));
      const seen = new Map([...env.snapshot.devices, ...current].map((d) => [d.id, d]));
      return {
        summary: `${seen.size} device(s): ${o.action} ${toSend.length === seen.size ? 'sent' : `sent to ${toSend.length}, already under way on ${seen.size - toSend.length}`}.`,
        items: [...seen.values()].map((d) => item(d.id, d.deviceName, `${d.operatingSystem} · ${o.action}`)),
      };
    },
  },
  {
    id: 'notify_manager',
    title: 'Notify the manager',
    summary: 'Tells the manager what was done and what they now have (forwarded mail, mailbox and OneDrive access), in Offramp and through the bot.',
    group: 'wrap-up',
    reads: 'The manager (from the snapshot)',
    changes: 'An Offramp notification to the manager (delivered by the bot)',
    idempotent: 'One notification per run: sending again does nothing.',
    undo: { kind: 'none', how: 'A notice sent is not taken back.' },
    after: TASK_IDS.filter((t) => t !== 'notify_manager' && t !== 'delete_user'),
    permissions: ['User.ReadWrite.All'],
    options: z.object({ message: z.string().trim().max(2000).default('{name} has been offboarded. Mail now comes to you, and you have access to their mailbox and OneDrive where the plan said so.') }),
    fields: [{ key: 'message', label: 'Message', kind: 'textarea' }],
    preview(env) {
      const m = env.snapshot.manager;
      return m ? plain(`Notify ${m.displayName}.`, [item(m.id, m.displayName, m.mail ?? m.userPrincipalName)]) : plain('Notify the manager.', [], [], `${env.person.displayName} has no manager in Microsoft 365.`);
    },
    async run(env) {
      const m = env.snapshot.manager;
      if (!m) throw new TaskRefused(`${env.person.displayName} has no manager in Microsoft 365.`);
      await env.notify({
        key: 'manager',
        recipientObjectId: m.id,
        recipientAddress: m.mail ?? m.userPrincipalName,
        recipientName: m.displayName,
        title: `${env.person.displayName} has been offboarded`,
        body: fill((env.options as { message: string }).message, env),
      });
      return { summary: `${m.displayName} notified.`, items: [item(m.id, m.displayName, m.mail ?? m.userPrincipalName)] };
    },
  },
  {
    id: 'delete_user',
    title: 'Delete the account',
    summary: 'Deletes the user; Microsoft keeps it restorable for 30 days.',
    group: 'wrap-up',
    reads: 'The user (whether it still exists)',
    changes: 'DELETE /users/{id}',
    idempotent: 'A user already deleted is not deleted again.',
    undo: { kind: 'full', how: 'Restored from deleted items (within 30 days).' },
    after: TASK_IDS.filter((t) => t !== 'delete_user'),
    permissions: ['User.ReadWrite.All'],
    options: none,
    fields: [],
    preview: (env) =>
      env.snapshot.account?.onPremisesSyncEnabled
        ? plain('Delete the account.', [], [], `${SYNCED}: delete it there.`)
        : plain('Delete the account (restorable for 30 days).', [item(env.person.objectId, env.person.userPrincipalName, 'deleted, restorable 30 days')], ['The mailbox and OneDrive go with the account unless converted or handed over first.']),
    async run(env) {
      const state = await env.m365.getAccountState(env.person.objectId);
      if (state) await env.m365.deleteUser(env.person.objectId);
      return { summary: state ? 'Account deleted (restorable for 30 days).' : 'The account was already deleted.', items: [item(env.person.objectId, env.person.userPrincipalName, 'deleted')] };
    },
    async revert(env) {
      const state = await env.m365.getAccountState(env.person.objectId);
      if (!state) await env.m365.restoreUser(env.person.objectId);
      return { summary: 'Account restored.', items: [item(env.person.objectId, env.person.userPrincipalName, 'restored')] };
    },
  },
] as TaskDefinition[];

/** Adds the person back to groups: through Exchange for mail-enabled ones, else through Graph. */
const rejoinGroups = (env: Env<unknown>, groups: { id: string; exchange: boolean }[]) =>
  addBack(groups, (g) => (g.exchange ? env.m365.addToDistributionList(g.id, env.person.userPrincipalName) : env.m365.addToGroup(g.id, env.person.objectId)));

/** Adds each thing back; one already there is not an error. */
async function addBack<T>(things: T[], add: (x: T) => Promise<unknown>): Promise<void> {
  for (const x of things) {
    try {
      await add(x);
    } catch (err) {
      if (!isAlreadyThere(err)) throw err;
    }
  }
}

/** Removes each thing still there; one already gone (404) is not an error. */
/**
 * Removes each thing; one already gone counts as removed. When Microsoft does not answer for one
 * (or its answer was lost), the rest are still tried, and the step then fails with that error: its
 * next attempt re-reads the tenant and removes only what is left, so every attempt gets as far as
 * it can. A refusal (403, and the like) stops at once.
 */
async function removeAll<T>(things: T[], remove: (x: T) => Promise<unknown>): Promise<void> {
  let unanswered: M365Unavailable | null = null;
  for (const x of things) {
    try {
      await remove(x);
    } catch (err) {
      if (err instanceof M365Unavailable) unanswered ??= err;
      else if (!isGone(err)) throw err;
    }
  }
  if (unanswered) throw unanswered;
}

async function mailboxOrRefuse(env: Env<unknown>) {
  const mb = await env.m365.getMailbox(env.person.userPrincipalName);
  if (!mb) throw new TaskRefused(`${env.person.displayName} has no Exchange Online mailbox.`);
  return mb;
}

const heldKey = (p: HeldPermission) => `${p.kind}:${p.mailbox}`;
const heldItem = (p: HeldPermission) => item(heldKey(p), p.mailbox, `${p.kind === 'CalendarFolder' ? 'Calendar' : p.kind}: ${p.accessRights.join(', ')}`);
const skuName = (env: Env<unknown>, skuId: string) => env.snapshot.skus[skuId] ?? skuId;
const licenceItem = (env: Env<unknown>, x: Snapshot['licences'][number]) =>
  item(`${x.skuId}:${x.groupId ?? ''}`, skuName(env, x.skuId), x.via === 'direct' ? 'assigned directly' : `from group ${env.snapshot.groups.find((g) => g.id === x.groupId)?.displayName ?? x.groupId}`);
const methodName = (type: string) =>
  type.replace(/AuthenticationMethod$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()) + ' method';

export const CATALOGUE: ReadonlyMap<TaskId, TaskDefinition> = new Map(tasks.map((t) => [t.id, t]));
if (CATALOGUE.size !== TASK_IDS.length) throw new Error('The task catalogue must define every task id exactly once.');

export function task(id: TaskId): TaskDefinition {
  const t = CATALOGUE.get(id);
  if (!t) throw new Error(`Unknown task ${id}`);
  return t;
}

export function taskInfo(t: TaskDefinition): TaskInfo {
  return {
    id: t.id,
    title: t.title,
    summary: t.summary,
    group: t.group,
    reads: t.reads,
    changes: t.changes,
    idempotent: t.idempotent,
    undo: t.undo,
    after: t.after,
    permissions: t.permissions,
    confirmation: t.confirmation ?? null,
    options: t.fields,
    defaults: t.options.parse({}) as Record<string, unknown>,
  };
}

export type { Person };
