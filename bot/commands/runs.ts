import { cardAttachment } from '../cards/render.js';
import { runsView } from '../views.js';
import type { CommandHandler } from './command.js';

export const runs: CommandHandler = async (c) => {
  const { runs: recent, total } = await c.s.runs.list(c.member.orgId, { limit: 10, offset: 0 });
  await c.say(cardAttachment('runs', runsView(`Offboarding runs in ${c.member.orgName}${total > 10 ? ` (latest 10 of ${total})` : ''}`, 'No offboarding runs yet. Start one with “offboard ‹person›”.', recent, c.s.publicUrl)));
};
