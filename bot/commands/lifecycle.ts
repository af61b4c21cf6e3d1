import { UserError } from '../../server/errors.js';
import { cardAttachment } from '../cards/render.js';
import { progressView } from '../views.js';
import { findRun, type CommandHandler, type CommandContext } from './command.js';
import type { Run } from '../../server/offboarding/contract.js';

/** cancel, retry and undo: a run named by id or person, the service's own checks, the card after. */
function lifecycle(verb: string, act: (c: CommandContext, run: Run) => Promise<Run>): CommandHandler {
  return async (c, args) => {
    const found = await findRun(c, args);
    if ('error' in found) return void (await c.say(found.error));
    try {
      const after = await act(c, found.run);
      await c.say(cardAttachment('progress', progressView(after, c.s.publicUrl, c.member.orgId)));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      await c.say(`I could not ${verb} the offboarding of ${found.run.person.displayName}: ${err.message}`);
    }
  };
}

export const cancel = lifecycle('cancel', (c, run) => c.s.runs.cancel(c.member.orgId, run.id, c.member.audit));
export const retry = lifecycle('retry', (c, run) => c.s.runs.retry(c.member.orgId, run.id, null, c.member.audit));
export const undo = lifecycle('undo', (c, run) => c.s.runs.undo(c.member.orgId, run.id, c.member.audit));
