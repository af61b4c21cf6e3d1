import type { Attachment, TurnContext } from 'botbuilder';
import type { Run } from '../../server/offboarding/contract.js';
import type { BotMember, BotServices } from '../context.js';
import type { Notifier } from '../notifier.js';

/** What a command gets: the turn, the member who sent it (already checked), the services. */
export interface CommandContext {
  turn: TurnContext;
  member: BotMember;
  s: BotServices;
  timeZone: string;
  notifier: Notifier;
  /** Replies in the conversation: plain text, or a card. */
  say(message: string | Attachment): Promise<string | undefined>;
}

export type CommandHandler = (c: CommandContext, args: string) => Promise<void>;

/** A run named by its id, the first eight characters of it, or its person (their latest run). */
export async function findRun(c: CommandContext, ref: string): Promise<{ run: Run } | { error: string }> {
  const text = ref.trim();
  if (!text) return { error: 'Name the run: its id (the first eight characters will do) or the person.' };
  const orgId = c.member.orgId;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) {
    const run = await c.s.runs.get(orgId, text, c.member.audit).catch(() => null);
    return run ? ({ run } as const) : ({ error: `There is no run ${text} in ${c.member.orgName}.` } as const);
  }
  if (/^[0-9a-f]{8}$/i.test(text)) {
    const recent = await c.s.runs.list(orgId, { limit: 200, offset: 0 });
    const hit = recent.runs.find((r) => r.id.startsWith(text.toLowerCase()));
    if (hit) return { run: await c.s.runs.get(orgId, hit.id, c.member.audit) };
  }
  const people = await c.s.people.find(orgId, text, { limit: 5 });
  if (people.length > 1) return { error: `“${text}” matches ${people.length} people (${people.map((p) => p.userPrincipalName).join(', ')}): give the address or the run id.` };
  if (people.length === 1) {
    const { runs } = await c.s.runs.list(orgId, { employeeId: people[0]!.employeeId, limit: 1, offset: 0 });
    if (runs[0]) return { run: await c.s.runs.get(orgId, runs[0].id, c.member.audit) };
    return { error: `${people[0]!.displayName} has no offboarding run yet. Start one with \`offboard ${people[0]!.userPrincipalName}\`.` };
  }
  return { error: `I found no run or person matching “${text}”. Try \`runs\` for the recent ones.` };
}
