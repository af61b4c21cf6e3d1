import { cardAttachment } from '../cards/render.js';
import { leaversView } from '../leavers.js';
import type { CommandHandler } from './command.js';

export const queue: CommandHandler = async (c, args) => {
  const days = args.trim() ? Number(args.trim()) : 14;
  if (!Number.isInteger(days) || days < 1 || days > 365) return void (await c.say('Say how many days ahead to look, from 1 to 365: for example `queue 30`.'));
  await c.say(cardAttachment('runs', await leaversView(c.s, c.member, days, c.timeZone)));
};
