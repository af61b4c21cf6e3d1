import { cardAttachment } from '../cards/render.js';
import { progressView } from '../views.js';
import { findRun, type CommandHandler } from './command.js';

export const status: CommandHandler = async (c, args) => {
  const found = await findRun(c, args);
  if ('error' in found) return void (await c.say(found.error));
  await c.say(cardAttachment('progress', progressView(found.run, c.s.publicUrl, c.member.orgId)));
};
