import type { TurnContext } from 'botbuilder';
import type { AuditContext } from '../server/audit/audit.service.js';
import type { ConversationsService } from '../server/conversations/conversations.service.js';
import type { PeopleService } from '../server/m365/people.service.js';
import type { RunsService } from '../server/offboarding/runs.service.js';
import type { RunEvents } from '../server/offboarding/events.js';
import type { OrgsService } from '../server/orgs/orgs.service.js';
import { can, type Permission, type Role } from '../server/orgs/permissions.js';
import type { Logger } from '../server/log.js';

/** What the bot's commands and card actions may call: services only (no business rules in bot/). */
export interface BotServices {
  orgs: OrgsService;
  runs: RunsService;
  people: PeopleService;
  conversations: ConversationsService;
  events: RunEvents;
  log: Logger;
  /** Where people open the tabs (links on cards). */
  publicUrl: string;
}

/** The Teams user behind an activity, as an organisation member. */
export interface BotMember {
  orgId: string;
  orgName: string;
  memberId: string;
  userId: string;
  role: Role;
  name: string;
  audit: AuditContext;
}

export type Sender = { kind: 'member'; member: BotMember; otherOrgs: string[] } | { kind: 'stranger'; reason: string };

/** The Entra tenant and object id Teams says sent the activity. */
export function identityOf(context: TurnContext): { tenantId: string | null; objectId: string | null; name: string } {
  const a = context.activity;
  const tenantId = a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? null;
  return { tenantId, objectId: a.from?.aadObjectId ?? null, name: a.from?.name ?? 'someone' };
}

/** The requester's IANA time zone, as Teams reports it (UTC when it does not). */
export function timeZoneOf(context: TurnContext): string {
  const a = context.activity;
  const info = (a.entities ?? []).find((e) => e.type === 'clientInfo') as { timezone?: string } | undefined;
  return a.localTimezone || info?.timezone || 'UTC';
}

const SENDER = Symbol('offramp.sender');

/**
 * Who is asking, checked against the store once per activity (the turn keeps the answer for the
 * recording of the conversation and the command after it): a member of an organisation (the one
 * this conversation acts for when it is known, else their first), or a stranger.
 */
export function senderOf(context: TurnContext, s: BotServices): Promise<Sender> {
  let sender = context.turnState.get(SENDER) as Promise<Sender> | undefined;
  if (!sender) {
    sender = lookUpSender(context, s);
    context.turnState.set(SENDER, sender);
  }
  return sender;
}

async function lookUpSender(context: TurnContext, s: BotServices): Promise<Sender> {
  const who = identityOf(context);
  if (!who.tenantId || !who.objectId) return { kind: 'stranger', reason: 'Teams did not say who you are.' };
  const user = await s.orgs.userByIdentity(who.tenantId, who.objectId);
  if (!user) return { kind: 'stranger', reason: 'You have not signed in to Offramp yet.' };
  const all = await s.orgs.memberships(user.id);
  if (all.length === 0) return { kind: 'stranger', reason: 'You are not a member of an organisation in Offramp.' };
  const conversation = context.activity.conversation?.id ? await s.conversations.get(context.activity.conversation.id) : null;
  const m = all.find((x) => x.orgId === conversation?.orgId) ?? all[0]!;
  const actor = { memberId: m.memberId, userId: user.id, name: user.displayName, role: m.role, tid: user.tenantId, oid: user.objectId };
  return {
    kind: 'member',
    member: { orgId: m.orgId, orgName: m.orgName, memberId: m.memberId, userId: user.id, role: m.role, name: user.displayName, audit: { actor, source: 'bot', requestId: context.activity.id ?? null } },
    otherOrgs: all.filter((x) => x.orgId !== m.orgId).map((x) => x.orgName),
  };
}

export const allows = (member: BotMember, permission: Permission | 'public') => permission === 'public' || can(member.role, permission);
