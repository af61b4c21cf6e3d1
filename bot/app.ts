import express, { type Request, type Response } from 'express';
import { decodeProtectedHeader } from 'jose';
import { IANAZone } from 'luxon';
import { ActivityTypes, TurnContext, type Attachment } from 'botbuilder';
// Deep imports: the package's index also loads its AI planners and model clients (seconds of start-up).
import { Application } from '@microsoft/teams-ai/lib/Application.js';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
import type { Config } from '../server/config.js';
import { UserError } from '../server/errors.js';
import { ROLES, can } from '../server/orgs/permissions.js';
import { BOT_COMMANDS } from './commands.js';
import { renderCard } from './cards/render.js';
import { allows, identityOf, senderOf, timeZoneOf, type BotMember, type BotServices } from './context.js';
import type { CommandContext, CommandHandler } from './commands/command.js';
import { digest } from './commands/digest.js';
import { help } from './commands/help.js';
import { cancel, retry, undo } from './commands/lifecycle.js';
import { choosePerson, offboard, submitOffboard } from './commands/offboard.js';
import { queue } from './commands/queue.js';
import { runs } from './commands/runs.js';
import { status } from './commands/status.js';
import { createNotifier } from './notifier.js';
import { approvalView, progressView } from './views.js';

/**
 * The Teams bot: a teams-ai Application on botbuilder's CloudAdapter (TeamsAdapter), served at
 * /api/messages. With an app id, botbuilder authenticates every activity (Bot Framework JWTs,
 * whose OpenID metadata and issuer can be pointed elsewhere for tests); without one, nothing is
 * authenticated, which the configuration allows only in demo mode or explicit development.
 * Commands are one file each under bot/commands and call the services: no business rules here.
 */

const HANDLERS: Record<string, CommandHandler> = { offboard, status, queue, runs, cancel, retry, undo, digest, help };

/**
 * Bot Framework signs with RS256. botbuilder would refuse anything else too, but an unsigned
 * token (alg: none) reaches it as an internal error (500): refuse it here as what it is.
 * A missing header is left to botbuilder, which answers 401.
 */
function signedAsBotFramework(authorization: string | undefined): boolean {
  const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (!authorization) return true;
  if (!token) return false;
  try {
    return decodeProtectedHeader(token).alg === 'RS256';
  } catch {
    return false;
  }
}

/** What botbuilder needs of an activity before it can answer (without them it fails with a 500). */
function missingActivityFields(body: unknown): string[] {
  const a = (body && typeof body === 'object' ? body : {}) as { type?: unknown; serviceUrl?: unknown; conversation?: { id?: unknown } };
  return [
    typeof a.type === 'string' && a.type ? null : 'type',
    typeof a.serviceUrl === 'string' && /^https?:\/\//.test(a.serviceUrl) ? null : 'serviceUrl',
    typeof a.conversation?.id === 'string' && a.conversation.id ? null : 'conversation.id',
  ].filter((x): x is string => x !== null);
}

function rolesWith(permission: (typeof BOT_COMMANDS)[number]['permission']) {
  return permission === 'public' ? [...ROLES] : ROLES.filter((r) => can(r, permission));
}

export function createBot(config: Config['bot'], s: BotServices) {
  const log = s.log.child({ module: 'bot' });
  const appId = config.appId ?? '';
  const adapter = new TeamsAdapter(
    config.appId
      ? {
          MicrosoftAppId: config.appId,
          MicrosoftAppPassword: config.appPassword ?? undefined,
          MicrosoftAppType: config.appTenantId ? 'SingleTenant' : 'MultiTenant',
          MicrosoftAppTenantId: config.appTenantId ?? undefined,
          ...(config.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: config.openIdMetadataUrl } : {}),
          ...(config.tokenIssuer ? { ToBotFromChannelTokenIssuer: config.tokenIssuer } : {}),
          ...(config.loginUrl ? { ToChannelFromBotLoginUrl: config.loginUrl, ValidateAuthority: false } : {}),
        }
      : {},
  );
  const app = new Application<TurnState>({ adapter, botAppId: appId, removeRecipientMention: true, startTypingTimer: false, adaptiveCards: { actionSubmitFilter: 'verb' } });
  const notifier = createNotifier(adapter, appId, s);

  const say = (turn: TurnContext) => async (message: string | Attachment) => {
    const res = await turn.sendActivity(typeof message === 'string' ? { type: 'message', text: message, textFormat: 'markdown' } : { type: 'message', attachments: [message] });
    return res?.id;
  };

  /** The member behind the activity, or a polite reply to someone Offramp does not know (and null). */
  async function memberOf(turn: TurnContext): Promise<BotMember | null> {
    const sender = await senderOf(turn, s);
    if (sender.kind === 'member') return sender.member;
    await turn.sendActivity(`Hello ${identityOf(turn).name}: ${sender.reason} Sign in at ${s.publicUrl}/tabs/ to create your organisation, or ask an Owner of yours to invite you. Then say \`help\`.`);
    return null;
  }

  const commandContext = (turn: TurnContext, member: BotMember): CommandContext => ({ turn, member, s, timeZone: timeZoneOf(turn), notifier, say: say(turn) });

  /** Every authenticated activity records where the bot may later post (install, personal chat, team). */
  app.turn('beforeTurn', async (turn) => {
    const a = turn.activity;
    if (a.type === ActivityTypes.InstallationUpdate && /^remove/.test(String(a.action))) return true;
    if (!a.conversation?.id || !a.serviceUrl) return true;
    const who = identityOf(turn);
    const kind = a.conversation.conversationType ?? 'personal';
    const sender = who.objectId ? await senderOf(turn, s).catch(() => null) : null;
    await s.conversations.record({
      reference: TurnContext.getConversationReference(a) as Record<string, unknown>,
      kind,
      tenantId: who.tenantId,
      userObjectId: kind === 'personal' ? who.objectId : null,
      orgId: sender?.kind === 'member' ? sender.member.orgId : null,
      timeZone: IANAZone.isValidZone(timeZoneOf(turn)) ? timeZoneOf(turn) : null,
    });
    return true;
  });

  app.activity(ActivityTypes.InstallationUpdate, async (turn) => {
    const a = turn.activity;
    if (/^remove/.test(String(a.action))) {
      await s.conversations.remove(a.conversation.id);
      log.info({ conversationId: a.conversation.id }, 'the bot was uninstalled: its conversation is forgotten');
      return;
    }
    await turn.sendActivity('Offramp is here. Say `help` to see what I can do.');
  });

  app.conversationUpdate('membersRemoved', async (turn) => {
    const botId = turn.activity.recipient?.id;
    if (turn.activity.membersRemoved?.some((m) => m.id === botId)) await s.conversations.remove(turn.activity.conversation.id);
  });

  // Card buttons (Action.Submit) come back as messages with a verb.
  app.adaptiveCards.actionSubmit('offboard.submit', async (turn, _state, data) => {
    const member = await memberOf(turn);
    if (!member) return;
    if (!allows(member, 'offboarding.trigger')) return void (await turn.sendActivity(`Your role (${member.role}) in ${member.orgName} cannot start offboardings.`));
    await submitOffboard(commandContext(turn, member), data as { employeeId?: string; whenText?: string });
  });
  app.adaptiveCards.actionSubmit('offboard.choose', async (turn, _state, data) => {
    const member = await memberOf(turn);
    if (!member) return;
    if (!allows(member, 'offboarding.trigger')) return void (await turn.sendActivity(`Your role (${member.role}) in ${member.orgName} cannot start offboardings.`));
    await choosePerson(commandContext(turn, member), data as { employeeId?: string; whenText?: string });
  });

  // Card buttons (Action.Execute) get the refreshed card back in the invoke's answer.
  const execute = (verb: string, act: (member: BotMember, runId: string, data: Record<string, unknown>) => Promise<ReturnType<typeof renderCard>>) =>
    app.adaptiveCards.actionExecute(verb, async (turn, _state, data: Record<string, unknown>) => {
      const sender = await senderOf(turn, s);
      if (sender.kind !== 'member') return `Offramp does not know you: ${sender.reason}`;
      const runId = typeof data.runId === 'string' ? data.runId : '';
      try {
        return await act(sender.member, runId, data);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        const run = await s.runs.get(sender.member.orgId, runId, sender.member.audit).catch(() => null);
        if (!run) return err.message;
        return verb === 'run.retry' || verb === 'run.cancel'
          ? renderCard('progress', { ...progressView(run, s.publicUrl, sender.member.orgId), summary: err.message, summaryColour: 'Attention' })
          : renderCard('approval', approvalView(run, s.publicUrl, err.message));
      }
    });
  const needs = (member: BotMember, permission: 'offboarding.approve' | 'offboarding.trigger') => {
    if (!allows(member, permission)) throw new UserError(403, 'forbidden', `Your role (${member.role}) in ${member.orgName} cannot do this.`);
  };
  execute('run.approve', async (m, runId) => {
    needs(m, 'offboarding.approve');
    return renderCard('approval', approvalView(await s.runs.approve(m.orgId, runId, m.audit), s.publicUrl));
  });
  execute('run.reject', async (m, runId, data) => {
    needs(m, 'offboarding.approve');
    const reason = typeof data.reason === 'string' ? data.reason.trim() : '';
    if (!reason) throw new UserError(400, 'reason_required', 'Give a reason to reject: the requester reads it.');
    return renderCard('approval', approvalView(await s.runs.reject(m.orgId, runId, reason, m.audit), s.publicUrl));
  });
  execute('run.retry', async (m, runId) => {
    needs(m, 'offboarding.trigger');
    return renderCard('progress', progressView(await s.runs.retry(m.orgId, runId, null, m.audit), s.publicUrl, m.orgId));
  });
  execute('run.cancel', async (m, runId) => {
    needs(m, 'offboarding.trigger');
    return renderCard('progress', progressView(await s.runs.cancel(m.orgId, runId, m.audit), s.publicUrl, m.orgId));
  });

  // Text commands.
  app.activity(ActivityTypes.Message, async (turn) => {
    const text = (turn.activity.text ?? '').trim();
    const member = await memberOf(turn);
    if (!member) return;
    const [word = '', ...rest] = text.split(/\s+/);
    const name = word.toLowerCase().replace(/^\//, '');
    const command = BOT_COMMANDS.find((c) => c.name === name);
    const c = commandContext(turn, member);
    if (!command) {
      if (text) await c.say(`I did not understand “${text.slice(0, 80)}”.`);
      return help(c, '');
    }
    if (!allows(member, command.permission)) {
      const roles = rolesWith(command.permission).map((r) => r[0]!.toUpperCase() + r.slice(1));
      return void (await c.say(`\`${command.name}\` needs the role ${roles.join(', ').replace(/, ([^,]*)$/, ' or $1')}; you are ${member.role} in ${member.orgName}. An Owner can change your role on the Team page.`));
    }
    await HANDLERS[command.name]!(c, rest.join(' '));
  });

  app.error(async (turn, err) => {
    log.error({ err, activityId: turn.activity.id }, 'the bot could not answer');
    await turn.sendActivity(`Something went wrong on Offramp's side and I could not finish that (reference ${turn.activity.id ?? 'none'}). Try again, or use the tabs.`).catch(() => undefined);
  });

  const json = express.json({ limit: '256kb' });
  return {
    /** The Express handler for POST /api/messages. */
    handler: (req: Request, res: Response) =>
      new Promise<void>((resolve, reject) => {
        json(req, res, (err?: unknown) => {
          if (err) return reject(err);
          if (config.appId && !signedAsBotFramework(req.headers.authorization)) {
            res.status(401).json({ error: { code: 'unauthorized', message: 'The bot accepts only RS256-signed Bot Framework tokens.', requestId: String(req.id) } });
            return resolve();
          }
          const missing = missingActivityFields(req.body);
          if (missing.length) {
            res.status(400).json({ error: { code: 'invalid_activity', message: `The body is not a Bot Framework activity: it has no ${missing.join(', ')}.`, requestId: String(req.id) } });
            return resolve();
          }
          adapter.process(req, res, (turn) => app.run(turn).then(() => undefined)).then(resolve, reject);
        });
      }),
    notifier,
    close: async () => {
      await notifier.idle();
    },
  };
}

export type Bot = ReturnType<typeof createBot>;
