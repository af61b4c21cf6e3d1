import { GB } from '../../tenant/catalogue.js';
import type { AutoReply, DirUser, SimMailbox } from '../../tenant/model.js';
import { exchangeGuidOf, type TenantStore } from '../../tenant/store.js';
import { bindingError, taskError } from '../errors.js';
import { byteSize, distinguishedName, mailboxUsers, onMicrosoft, resolveMailbox, resolveUser } from '../recipients.js';
import { none, rows, type Cmdlet, type CmdletContext, type Params } from '../types.js';
import { limitResults } from './results.js';

/** Get-Mailbox, Get-MailboxStatistics, Set-Mailbox and the automatic-reply cmdlets. */

export function mailboxObject(store: TenantStore, u: DirUser, m: SimMailbox): Record<string, unknown> {
  const forward = m.forwardingAddress ? store.users.get(m.forwardingAddress) : undefined;
  const quota = m.quotaBytes;
  return {
    Name: u.mailNickname,
    DisplayName: u.displayName,
    Alias: u.mailNickname,
    Identity: u.mailNickname,
    Id: u.mailNickname,
    DistinguishedName: distinguishedName(store, u.mailNickname),
    Guid: exchangeGuidOf(exchangeGuidOf(u.id)),
    ExchangeGuid: exchangeGuidOf(u.id),
    ExternalDirectoryObjectId: u.id,
    UserPrincipalName: u.userPrincipalName,
    PrimarySmtpAddress: u.mail,
    WindowsEmailAddress: u.mail,
    EmailAddresses: [`SMTP:${u.mail}`, `smtp:${u.mailNickname}@${onMicrosoft(store)}`],
    RecipientType: 'UserMailbox',
    RecipientTypeDetails: m.type,
    HiddenFromAddressListsEnabled: m.hidden,
    ForwardingAddress: forward ? forward.mailNickname : null,
    ForwardingSmtpAddress: m.forwardingSmtpAddress,
    DeliverToMailboxAndForward: m.deliverToMailboxAndForward,
    GrantSendOnBehalfTo: [],
    LitigationHoldEnabled: m.litigationHoldEnabled,
    UseDatabaseQuotaDefaults: false,
    ProhibitSendQuota: byteSize(quota - GB),
    ProhibitSendReceiveQuota: byteSize(quota),
    IssueWarningQuota: byteSize(quota - 2 * GB),
    RecoverableItemsQuota: byteSize(30 * GB),
    MaxSendSize: byteSize(35 * 1024 * 1024),
    MaxReceiveSize: byteSize(36 * 1024 * 1024),
    ArchiveStatus: 'None',
    AccountDisabled: !u.accountEnabled,
    IsMailboxEnabled: true,
    IsDirSynced: u.onPremisesSyncEnabled === true,
    Database: 'EURPR01DG001-db001',
    ExternalDirectoryOrganizationId: store.tenant.id,
    WhenMailboxCreated: m.whenCreated,
    WhenCreated: u.createdDateTime,
  };
}

const RECIPIENT_TYPES = ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox'] as const;

const getMailbox: Cmdlet = {
  name: 'Get-Mailbox',
  params: {
    Identity: { type: 'string' },
    RecipientTypeDetails: { type: 'strings' },
    ResultSize: { type: 'resultSize' },
    SoftDeletedMailbox: { type: 'bool' },
  },
  target: 'Identity',
  run: (ctx) => {
    const { store, params } = ctx;
    if (params.Identity !== undefined) {
      const { user, mailbox } = resolveMailbox(store, params.Identity);
      return rows([user], () => mailboxObject(store, user, mailbox));
    }
    const kinds = (params.RecipientTypeDetails as string[] | undefined)?.map((k) => k.toLowerCase());
    for (const k of kinds ?? []) {
      if (!RECIPIENT_TYPES.some((t) => t.toLowerCase() === k)) throw bindingError(`Cannot bind parameter 'RecipientTypeDetails'. The value '${k}' is not a valid recipient type.`);
    }
    const users = [...mailboxUsers(store)].filter((u) => !kinds || kinds.includes(store.mailboxes.get(u.id)!.type.toLowerCase()));
    return rows(limitResults(ctx, users), (u) => mailboxObject(store, u, store.mailboxes.get(u.id)!));
  },
};

const getStatistics: Cmdlet = {
  name: 'Get-MailboxStatistics',
  params: { Identity: { type: 'string', required: true }, Archive: { type: 'bool' } },
  target: 'Identity',
  run: ({ store, params }) => {
    const { user, mailbox: m } = resolveMailbox(store, params.Identity);
    return rows([m], () => ({
      DisplayName: user.displayName,
      Identity: exchangeGuidOf(user.id),
      MailboxGuid: exchangeGuidOf(user.id),
      MailboxTypeDetail: m.type,
      MailboxType: 'Mailbox',
      ItemCount: m.itemCount,
      DeletedItemCount: Math.floor(m.itemCount * 0.03),
      TotalItemSize: byteSize(m.sizeBytes),
      TotalDeletedItemSize: byteSize(Math.floor(m.sizeBytes * 0.03)),
      SystemMessageSize: byteSize(Math.min(m.sizeBytes, 2 * 1024 * 1024)),
      StorageLimitStatus: m.sizeBytes >= m.quotaBytes ? 'ProhibitSendReceive' : m.sizeBytes >= m.quotaBytes - GB ? 'ProhibitSend' : m.sizeBytes >= m.quotaBytes - 2 * GB ? 'IssueWarning' : 'BelowLimit',
      LastLogonTime: store.iso(),
      LastUserActionTime: store.iso(),
      IsArchiveMailbox: false,
      DatabaseName: 'EURPR01DG001-db001',
      OwnerADGuid: exchangeGuidOf(exchangeGuidOf(user.id)),
      ExternalDirectoryOrganizationId: store.tenant.id,
    }));
  },
};

const SMTP = /^(smtp:)?[^@\s]+@[^@\s]+\.[^@\s]+$/i;

const setMailbox: Cmdlet = {
  name: 'Set-Mailbox',
  params: {
    Identity: { type: 'string', required: true },
    Type: { type: 'string', values: ['Regular', 'Shared', 'Room', 'Equipment'] },
    HiddenFromAddressListsEnabled: { type: 'bool' },
    ForwardingSmtpAddress: { type: 'any' },
    ForwardingAddress: { type: 'any' },
    DeliverToMailboxAndForward: { type: 'bool' },
    LitigationHoldEnabled: { type: 'bool' },
  },
  target: 'Identity',
  run: (ctx) => {
    const { store, params } = ctx;
    const { user, mailbox: m } = resolveMailbox(store, params.Identity);
    if (user.onPremisesSyncEnabled && params.HiddenFromAddressListsEnabled !== undefined) {
      throw taskError('Microsoft.Exchange.Management.Tasks.RecipientTaskException', `The operation on mailbox "${user.mailNickname}" failed because it's out of the current user's write scope. The action 'Set-Mailbox', 'HiddenFromAddressListsEnabled', can't be performed on the object '${user.mailNickname}' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.`);
    }
    const before = JSON.stringify(m);
    if (params.Type !== undefined) {
      const t = String(params.Type).toLowerCase();
      if (t === 'room' || t === 'equipment') throw taskError('Microsoft.Exchange.Management.Tasks.RecipientTaskException', 'Converting to room or equipment mailboxes is not supported by the simulated tenant.');
      m.type = t === 'shared' ? 'SharedMailbox' : 'UserMailbox';
    }
    if (params.HiddenFromAddressListsEnabled !== undefined) m.hidden = params.HiddenFromAddressListsEnabled as boolean;
    if (params.ForwardingSmtpAddress !== undefined) {
      const v = params.ForwardingSmtpAddress;
      if (v !== null && v !== '' && (typeof v !== 'string' || !SMTP.test(v))) {
        throw bindingError(`Cannot process argument transformation on parameter 'ForwardingSmtpAddress'. The address '${String(v)}' is not a valid SMTP address.`);
      }
      m.forwardingSmtpAddress = v ? `smtp:${String(v).replace(/^smtp:/i, '')}` : null;
    }
    if (params.ForwardingAddress !== undefined) m.forwardingAddress = params.ForwardingAddress ? resolveUser(store, params.ForwardingAddress).id : null;
    if (params.DeliverToMailboxAndForward !== undefined) m.deliverToMailboxAndForward = params.DeliverToMailboxAndForward as boolean;
    if (params.LitigationHoldEnabled !== undefined) m.litigationHoldEnabled = params.LitigationHoldEnabled as boolean;
    if (JSON.stringify(m) === before) ctx.warnings.push(`The command completed successfully but no settings of '${user.mailNickname}' have been modified.`);
    return none();
  },
};

const STATES: Record<string, AutoReply['state']> = { enabled: 'Enabled', disabled: 'Disabled', scheduled: 'Scheduled' };
const AUDIENCES: Record<string, AutoReply['externalAudience']> = { none: 'None', known: 'Known', all: 'All' };

function isoTime(v: unknown, name: string): string {
  const t = Date.parse(String(v));
  if (Number.isNaN(t)) throw bindingError(`Cannot bind parameter '${name}'. Cannot convert value "${String(v)}" to type "System.DateTime".`);
  return new Date(t).toISOString();
}

function applyAutoReply(m: SimMailbox, p: Params): AutoReply {
  const next: AutoReply = { ...m.autoReply };
  if (p.AutoReplyState !== undefined) next.state = STATES[String(p.AutoReplyState).toLowerCase()]!;
  if (p.InternalMessage !== undefined) next.internalMessage = String(p.InternalMessage ?? '');
  if (p.ExternalMessage !== undefined) next.externalMessage = String(p.ExternalMessage ?? '');
  if (p.ExternalAudience !== undefined) next.externalAudience = AUDIENCES[String(p.ExternalAudience).toLowerCase()]!;
  if (p.StartTime !== undefined) next.startTime = isoTime(p.StartTime, 'StartTime');
  if (p.EndTime !== undefined) next.endTime = isoTime(p.EndTime, 'EndTime');
  if (next.state === 'Scheduled' && next.startTime && next.endTime && Date.parse(next.endTime) <= Date.parse(next.startTime)) {
    throw taskError('Microsoft.Exchange.Data.DataValidationException', 'The end time must be later than the start time.');
  }
  return next;
}

const setAutoReply: Cmdlet = {
  name: 'Set-MailboxAutoReplyConfiguration',
  params: {
    Identity: { type: 'string', required: true },
    AutoReplyState: { type: 'string', values: ['Enabled', 'Disabled', 'Scheduled'] },
    InternalMessage: { type: 'any' },
    ExternalMessage: { type: 'any' },
    ExternalAudience: { type: 'string', values: ['None', 'Known', 'All'] },
    StartTime: { type: 'string' },
    EndTime: { type: 'string' },
  },
  target: 'Identity',
  run: ({ store, params }: CmdletContext) => {
    const { mailbox } = resolveMailbox(store, params.Identity);
    mailbox.autoReply = applyAutoReply(mailbox, params);
    return none();
  },
};

const getAutoReply: Cmdlet = {
  name: 'Get-MailboxAutoReplyConfiguration',
  params: { Identity: { type: 'string', required: true } },
  target: 'Identity',
  run: ({ store, params }) => {
    const { user, mailbox: m } = resolveMailbox(store, params.Identity);
    const a = m.autoReply;
    return rows([a], () => ({
      Identity: user.mailNickname,
      MailboxOwnerId: user.mailNickname,
      AutoReplyState: a.state,
      StartTime: a.startTime,
      EndTime: a.endTime,
      InternalMessage: a.internalMessage,
      ExternalMessage: a.externalMessage,
      ExternalAudience: a.externalAudience,
    }));
  },
};

export const mailboxCmdlets: Cmdlet[] = [getMailbox, getStatistics, setMailbox, setAutoReply, getAutoReply];
