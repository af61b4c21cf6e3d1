import type { Request, Response } from 'express';
import type { Config } from '../server/config.js';
import type { DigestSender } from '../server/conversations/conversations.jobs.js';
import type { NotificationChannel } from '../server/notifications/notifications.service.js';
import type { BotServices } from './context.js';

/**
 * The bot as the server holds it. botbuilder and teams-ai take seconds to load, so they are
 * loaded the first time a chat needs them: an activity on /api/messages, a run that has cards in
 * some chat, a notice for someone with a chat, a digest due. Until then a run event costs one
 * look-up of its cards; a server whose organisations do not use Teams never loads the bot.
 */
export function createBotFront(config: Config['bot'], s: BotServices) {
  type Bot = ReturnType<typeof import('./app.js')['createBot']>;
  let loading: Promise<Bot> | null = null;
  const bot = () => (loading ??= import('./app.js').then((m) => m.createBot(config, s)));
  const loaded = () => loading !== null;

  const stop = s.events.on((e) => {
    void (async () => {
      if (!loaded() && (await s.conversations.cardsOf(e.runId)).length === 0) return;
      (await bot()).notifier.onRunEvent(e);
    })().catch((err: unknown) => s.log.warn({ err, runId: e.runId }, 'could not follow a run for its cards'));
  });

  return {
    /** POST /api/messages. */
    handler: async (req: Request, res: Response) => (await bot()).handler(req, res),
    channel: {
      async deliver(n) {
        if (!n.recipientObjectId || !(await s.conversations.personalChatOf(n.recipientObjectId))) return 'unreachable';
        return (await bot()).notifier.channel.deliver(n);
      },
    } satisfies NotificationChannel,
    digests: {
      send: async (c) => (await bot()).notifier.digests.send(c),
    } satisfies DigestSender,
    async close() {
      stop();
      if (loading) await (await loading).close();
    },
  };
}

export type BotFront = ReturnType<typeof createBotFront>;
