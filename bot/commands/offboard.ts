import { UserError } from '../../server/errors.js';
import type { PersonMatch } from '../../server/m365/people.service.js';
import { cardAttachment } from '../cards/render.js';
import { WHEN_EXAMPLES, parseWhen } from '../when.js';
import { previewView, progressView } from '../views.js';
import type { CommandContext, CommandHandler } from './command.js';

/**
 * `offboard <person> [now | <when>] [with <tenant>]`: finds the person among the synced
 * employees (a choice card when the words match several), then shows the preview card; its
 * Submit button comes back as `offboard.submit` and creates the run.
 */

interface Parsed {
  person: string;
  whenText: string;
  tenant: string | null;
}

/** Splits the words into the person and the time: the longest time phrase at the end that reads as one. */
function split(args: string, timeZone: string): Parsed {
  let text = args.trim();
  let tenant: string | null = null;
  const w = /\s+with\s+(.+)$/i.exec(text);
  if (w) {
    tenant = w[1]!.trim();
    text = text.slice(0, w.index).trim();
  }
  const words = text.split(/\s+/).filter(Boolean);
  for (let i = 1; i < words.length; i++) {
    const whenText = words.slice(i).join(' ');
    if (parseWhen(whenText, timeZone).ok || /^(now|in|today|tomorrow|\d{4}-\d{2}-\d{2}|mon|tue|wed|thu|fri|sat|sun)/i.test(whenText)) {
      return { person: words.slice(0, i).join(' '), whenText, tenant };
    }
  }
  return { person: words.join(' '), whenText: 'now', tenant };
}

async function showPreview(c: CommandContext, person: PersonMatch, whenText: string) {
  const when = parseWhen(whenText, c.timeZone);
  if (!when.ok) return void (await c.say(when.message));
  const settings = await c.s.runs.settings(c.member.orgId);
  const preview = await c.s.runs.preview(c.member.orgId, { employeeId: person.employeeId });
  const own = c.member.role === 'owner' || c.member.role === 'admin';
  const approval = !settings.requireApproval ? 'Not needed (turned off for this organisation)' : own && settings.allowApproveOwn ? 'Not needed (you may approve your own)' : 'An Admin or Owner approves it first';
  await c.say(cardAttachment('preview', previewView(preview, { tenant: person.tenant, tenantRef: person.tenantRef, whenLabel: when.label, whenText, approval })));
}

export const offboard: CommandHandler = async (c, args) => {
  if (!args.trim()) return void (await c.say(`Who is leaving? Say \`offboard <person> [now | <when>]\`, for example \`offboard adele@contoso.com friday 17:00\`. Times: ${WHEN_EXAMPLES}.`));
  const p = split(args, c.timeZone);
  const when = parseWhen(p.whenText, c.timeZone);
  if (!when.ok) return void (await c.say(when.message));
  let matches = await c.s.people.find(c.member.orgId, p.person, { limit: 8 });
  if (p.tenant) {
    const t = p.tenant.toLowerCase();
    matches = matches.filter((m) => m.tenant.toLowerCase().includes(t));
    if (!matches.length) return void (await c.say(`I found nobody matching “${p.person}” in a tenant called “${p.tenant}”.`));
  }
  if (matches.length === 0) return void (await c.say(`I found nobody matching “${p.person}” among the synced employees of ${c.member.orgName}. Give their address (UPN or mail), or check that their tenant has synced.`));
  if (matches.length > 1) {
    return void (await c.say(
      cardAttachment('choose', {
        question: `“${p.person}” matches ${matches.length} people. Which one is leaving?`,
        choices: matches.map((m) => ({ label: `${m.displayName} · ${m.userPrincipalName}${m.jobTitle ? ` · ${m.jobTitle}` : ''}`, employeeId: m.employeeId, whenText: p.whenText })),
      }),
    ));
  }
  await showPreview(c, matches[0]!, p.whenText);
};

/** The choice card's button: the preview for the person chosen. */
export async function choosePerson(c: CommandContext, data: { employeeId?: string; whenText?: string }) {
  const person = data.employeeId ? (await c.s.people.byId(c.member.orgId, data.employeeId)) : null;
  if (!person) return void (await c.say('That person is no longer among the synced employees.'));
  await showPreview(c, person, data.whenText ?? 'now');
}

/** The preview card's Submit: the run is created (approval rules apply) and followed on a progress card. */
export async function submitOffboard(c: CommandContext, data: { employeeId?: string; whenText?: string }) {
  if (!data.employeeId) return void (await c.say('That card is missing the person: start again with `offboard <person>`.'));
  const when = parseWhen(data.whenText ?? 'now', c.timeZone);
  if (!when.ok) return void (await c.say(when.message));
  try {
    const run = await c.s.runs.create(c.member.orgId, { employeeId: data.employeeId, when: when.when }, c.member.audit);
    const id = await c.say(cardAttachment('progress', progressView(run, c.s.publicUrl, c.member.orgId, { shared: true })));
    if (id) await c.s.conversations.saveCard({ runId: run.id, orgId: c.member.orgId, conversationId: c.turn.activity.conversation.id, activityId: id, kind: 'progress' });
    if (run.state === 'awaiting_approval') {
      const sent = await c.notifier.requestApproval(c.member.orgId, run, c.member.userId);
      if (sent === 0) await c.say(`No approver has Offramp in Teams yet: an Admin or Owner can approve on the Run page, ${c.s.publicUrl}/tabs/offboardings/${run.id}`);
    }
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    await c.say(`I could not start the offboarding: ${err.message}`);
  }
}
