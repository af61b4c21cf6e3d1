import type { CommandHandler } from './command.js';

/** `digest [on | off]`: the daily "leaving soon" list in this chat, at 08:00 in the person's time zone. */
export const digest: CommandHandler = async (c, args) => {
  const word = args.trim().toLowerCase();
  const id = c.turn.activity.conversation.id;
  if (word !== 'on' && word !== 'off') {
    const row = await c.s.conversations.get(id);
    return void (await c.say(`The daily “leaving soon” digest is ${row?.digest ? 'on' : 'off'} here. Say \`digest on\` to get, every morning at 08:00 (${c.timeZone}), who leaves in the next 7 days, or \`digest off\` to stop it.`));
  }
  await c.s.conversations.setDigest(id, word === 'on');
  await c.say(word === 'on' ? `Done: every morning at 08:00 (${c.timeZone}) I will post who leaves ${c.member.orgName} in the next 7 days.` : 'Done: no more daily digest here.');
};
