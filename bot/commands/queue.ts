import { DateTime } from 'luxon';
import { cardAttachment } from '../cards/render.js';
import { STATE_LABEL, runLink } from '../views.js';
import type { CommandHandler } from './command.js';

export const queue: CommandHandler = async (c, args) => {
  const days = args.trim() ? Number(args.trim()) : 14;
  if (!Number.isInteger(days) || days < 1 || days > 365) return void (await c.say('Say how many days ahead to look, from 1 to 365: for example `queue 30`.'));
  const leavers = await c.s.people.leavers(c.member.orgId, days);
  const rows = await Promise.all(
    leavers.map(async (p) => {
      const { runs } = await c.s.runs.list(c.member.orgId, { employeeId: p.employeeId, limit: 1, offset: 0 });
      const run = runs[0];
      return {
        name: `${p.displayName} (${p.userPrincipalName})`,
        detail: `${p.tenant} · leaves ${p.leaveDate ? DateTime.fromJSDate(p.leaveDate).setZone(c.timeZone).toFormat('cccc d LLLL yyyy') : '?'}${p.jobTitle ? ` · ${p.jobTitle}` : ''}`,
        status: run ? STATE_LABEL[run.state] : 'No run yet',
        colour: run ? 'Default' : 'Warning',
        link: run ? runLink(c.s.publicUrl, run.id) : `${c.s.publicUrl}/tabs/new`,
      };
    }),
  );
  await c.say(cardAttachment('runs', { title: `Leaving in the next ${days} days`, empty: `Nobody in ${c.member.orgName} has a leave date in the next ${days} days.`, rows }));
};
