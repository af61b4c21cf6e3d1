import type { AutoReply, SimMailbox } from '../tenant/model.js';
import { outlookId } from '../tenant/personal.js';
import { exchangeGuidOf } from '../tenant/store.js';
import { entity, list, metadata, queryOptions } from './odata.js';
import { itemNotFound, readMailbox, storedShape, unknownProperty } from './outlook.js';
import { MAILBOX_SETTINGS_READ, MAILBOX_SETTINGS_WRITE, RULES_READ, RULES_WRITE } from './perms.js';
import { GraphError, noContent, ok, type GraphContext, type Route } from './types.js';

/**
 * Mailbox settings (automatic replies in the same state Exchange's
 * Set-MailboxAutoReplyConfiguration changes; userPurpose from the mailbox type) and Inbox rules.
 */

const STATUS: Record<AutoReply['state'], string> = { Disabled: 'disabled', Enabled: 'alwaysEnabled', Scheduled: 'scheduled' };
const AUDIENCE: Record<AutoReply['externalAudience'], string> = { None: 'none', Known: 'contactsOnly', All: 'all' };
const reverse = <K extends string>(m: Record<K, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<string, K>;

const when = (iso: string | null, fallbackMs: number) => ({
  dateTime: new Date(iso ?? fallbackMs).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$10000'),
  timeZone: 'UTC',
});

function autoRepliesJson(a: Readonly<AutoReply>, now: number) {
  const day = Math.floor(now / 3600_000) * 3600_000;
  return {
    status: STATUS[a.state],
    externalAudience: AUDIENCE[a.externalAudience],
    internalReplyMessage: a.internalMessage,
    externalReplyMessage: a.externalMessage,
    scheduledStartDateTime: when(a.startTime, day),
    scheduledEndDateTime: when(a.endTime, day + 24 * 3600_000),
  };
}

function settingsJson(ctx: GraphContext, m: SimMailbox): Record<string, unknown> {
  return {
    archiveFolder: outlookId('AAMkAD', exchangeGuidOf(m.userId)),
    timeZone: 'UTC',
    automaticRepliesSetting: autoRepliesJson(m.autoReply, ctx.store.now()),
    dateFormat: 'M/d/yyyy',
    timeFormat: 'h:mm tt',
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    userPurpose: m.type === 'SharedMailbox' ? 'shared' : 'user',
    language: { locale: 'en-US', displayName: 'English (United States)' },
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '08:00:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: { name: 'UTC' },
    },
    ...(m.settings ?? {}),
  };
}

const WRITABLE = ['automaticRepliesSetting', 'timeZone', 'language', 'workingHours', 'dateFormat', 'timeFormat', 'delegateMeetingMessageDeliveryOptions', 'archiveFolder'];
const REPLY_KEYS = ['status', 'externalAudience', 'internalReplyMessage', 'externalReplyMessage', 'scheduledStartDateTime', 'scheduledEndDateTime'];

function parseWhen(v: unknown, prop: string): string {
  const o = v as { dateTime?: unknown; timeZone?: unknown } | null;
  if (!o || typeof o.dateTime !== 'string' || Number.isNaN(Date.parse(o.dateTime))) {
    throw new GraphError(400, 'RequestBodyRead', `Invalid value for property '${prop}'.`);
  }
  const zone = typeof o.timeZone === 'string' ? o.timeZone : 'UTC';
  const iso = /Z|[+-]\d{2}:\d{2}$/.test(o.dateTime) || zone !== 'UTC' ? o.dateTime : `${o.dateTime}Z`;
  return new Date(iso).toISOString();
}

function patchAutoReplies(current: Readonly<AutoReply>, v: unknown): AutoReply {
  if (!v || typeof v !== 'object') throw new GraphError(400, 'RequestBodyRead', "Invalid value for property 'automaticRepliesSetting'.");
  const b = v as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!REPLY_KEYS.includes(k)) throw unknownProperty(k, 'Microsoft.OutlookServices.AutomaticRepliesSetting');
  const next: AutoReply = { ...current };
  if (b.status !== undefined) {
    const s = reverse(STATUS)[String(b.status)];
    if (!s) throw new GraphError(400, 'RequestBodyRead', `Cannot convert the literal '${String(b.status)}' to the expected type 'Microsoft.OutlookServices.AutomaticRepliesStatus'.`);
    next.state = s;
  }
  if (b.externalAudience !== undefined) {
    const a = reverse(AUDIENCE)[String(b.externalAudience)];
    if (!a) throw new GraphError(400, 'RequestBodyRead', `Cannot convert the literal '${String(b.externalAudience)}' to the expected type 'Microsoft.OutlookServices.ExternalAudienceScope'.`);
    next.externalAudience = a;
  }
  if (b.internalReplyMessage !== undefined) next.internalMessage = String(b.internalReplyMessage ?? '');
  if (b.externalReplyMessage !== undefined) next.externalMessage = String(b.externalReplyMessage ?? '');
  if (b.scheduledStartDateTime !== undefined) next.startTime = parseWhen(b.scheduledStartDateTime, 'scheduledStartDateTime');
  if (b.scheduledEndDateTime !== undefined) next.endTime = parseWhen(b.scheduledEndDateTime, 'scheduledEndDateTime');
  if (next.state === 'Scheduled') {
    if (!next.startTime || !next.endTime) throw new GraphError(400, 'ErrorInvalidParameter', 'A scheduled automatic reply needs a start and an end time.');
    if (Date.parse(next.endTime) <= Date.parse(next.startTime)) throw new GraphError(400, 'ErrorInvalidParameter', 'The end time must be after the start time.');
  }
  return next;
}

export const RULE_SHAPE = storedShape('microsoft.graph.messageRule', ['id', 'displayName', 'sequence', 'isEnabled', 'hasError', 'isReadOnly', 'conditions', 'actions', 'exceptions']);

const outlook = { service: 'outlook' as const };
const INBOX = '/users/{id}/mailFolders/inbox/messageRules';

function findRule(ctx: GraphContext) {
  const { user } = readMailbox(ctx);
  const rules = ctx.store.personal(user.id).rules;
  const rule = rules.find((r) => r.id === ctx.params.ruleId);
  if (!rule) throw itemNotFound();
  return { user, rules, rule };
}

export const mailRoutes: Route[] = [
  {
    ...outlook,
    method: 'GET',
    path: '/users/{id}/mailboxSettings',
    perms: MAILBOX_SETTINGS_READ,
    handle: (ctx) => {
      const { user, mailbox } = readMailbox(ctx);
      const all = settingsJson(ctx, mailbox);
      const select = queryOptions(ctx).select;
      const body = select ? Object.fromEntries(select.map((k) => [k, all[k]])) : all;
      return ok({ '@odata.context': metadata(ctx, `users('${user.id}')/mailboxSettings`), ...body });
    },
  },
  {
    ...outlook,
    method: 'PATCH',
    path: '/users/{id}/mailboxSettings',
    perms: MAILBOX_SETTINGS_WRITE,
    handle: (ctx) => {
      const { mailbox } = readMailbox(ctx);
      const b = ctx.req.body;
      if (!b || typeof b !== 'object' || Array.isArray(b)) throw new GraphError(400, 'RequestBodyRead', 'A JSON object is expected.');
      const body = b as Record<string, unknown>;
      for (const k of Object.keys(body)) {
        if (k.startsWith('@')) continue;
        if (k === 'userPurpose') throw new GraphError(400, 'ErrorInvalidProperty', "The property 'userPurpose' is read-only and cannot be set.");
        if (!WRITABLE.includes(k)) throw unknownProperty(k, 'Microsoft.OutlookServices.MailboxSettings');
      }
      const { automaticRepliesSetting, ...rest } = body;
      if (automaticRepliesSetting !== undefined) mailbox.autoReply = patchAutoReplies(mailbox.autoReply, automaticRepliesSetting);
      const others = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('@')));
      if (Object.keys(others).length) mailbox.settings = { ...(mailbox.settings ?? {}), ...others };
      const all = settingsJson(ctx, mailbox);
      return ok({ '@odata.context': metadata(ctx, 'Me/mailboxSettings'), ...Object.fromEntries(Object.keys(body).filter((k) => !k.startsWith('@')).map((k) => [k, all[k]])) });
    },
  },
  {
    ...outlook,
    method: 'GET',
    path: INBOX,
    perms: RULES_READ,
    handle: (ctx) => {
      const { user } = readMailbox(ctx);
      const rules = ctx.store.personal(user.id).rules;
      return list(ctx, { fragment: `users('${user.id}')/mailFolders('inbox')/messageRules`, shape: RULE_SHAPE, items: rules, page: { default: 1000, max: 1000 } });
    },
  },
  {
    ...outlook,
    method: 'GET',
    path: `${INBOX}/{ruleId}`,
    perms: RULES_READ,
    handle: (ctx) => {
      const { user, rule } = findRule(ctx);
      return entity(ctx, `users('${user.id}')/mailFolders('inbox')/messageRules`, RULE_SHAPE, rule);
    },
  },
  {
    ...outlook,
    method: 'DELETE',
    path: `${INBOX}/{ruleId}`,
    perms: RULES_WRITE,
    handle: (ctx) => {
      const { rules, rule } = findRule(ctx);
      rules.splice(rules.indexOf(rule), 1);
      return noContent();
    },
  },
];
