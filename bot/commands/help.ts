import { BOT_COMMANDS } from '../commands.js';
import { cardAttachment } from '../cards/render.js';
import { allows } from '../context.js';
import type { CommandHandler } from './command.js';

export const help: CommandHandler = async (c) => {
  const mine = BOT_COMMANDS.filter((x) => allows(c.member, x.permission));
  await c.say(
    cardAttachment('help', {
      intro: `You are ${c.member.name}, ${c.member.role} in ${c.member.orgName}. Here is what you can ask:`,
      // Teams reads card text as markdown and drops what looks like an HTML tag: <person> would vanish.
      commands: mine.map((x) => ({ usage: x.usage.replace(/</g, '‹').replace(/>/g, '›'), summary: x.summary })),
      footer: `Times are read in your time zone (${c.timeZone}). The tabs show everything else: ${c.s.publicUrl}/tabs/`,
    }),
  );
};
