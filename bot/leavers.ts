import { DateTime } from 'luxon';
import type { RunsView } from './cards/render.js';
import type { BotServices } from './context.js';
import { RUN_STATE_LABEL } from '../server/offboarding/contract.js';
import { runLink } from './views.js';

/** The leaver queue as a card: who leaves in the next `days` days, and where their offboarding stands. */
export async function leaversView(s: BotServices, org: { orgId: string; orgName: string }, days: number, timeZone: string): Promise<RunsView> {
  const leavers = await s.people.leavers(org.orgId, days);
  const rows = await Promise.all(
    leavers.map(async (p) => {
      const { runs } = await s.runs.list(org.orgId, { employeeId: p.employeeId, limit: 1, offset: 0 });
      const run = runs[0];
      return {
        name: `${p.displayName} (${p.userPrincipalName})`,
        detail: `${p.tenant} · leaves ${p.leaveDate ? DateTime.fromJSDate(p.leaveDate).setZone(timeZone).toFormat('cccc d LLLL yyyy') : '?'}${p.jobTitle ? ` · ${p.jobTitle}` : ''}`,
        status: run ? RUN_STATE_LABEL[run.state] : 'No run yet',
        colour: run ? 'Default' : 'Warning',
        link: run ? runLink(s.publicUrl, run.id) : `${s.publicUrl}/tabs/new`,
      };
    }),
  );
  return { title: `Leaving in the next ${days} days`, empty: `Nobody in ${org.orgName} has a leave date in the next ${days} days.`, rows };
}
