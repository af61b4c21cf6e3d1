import { z } from 'zod';
import { UserError } from '../errors.js';
import { TASK_IDS, type PlanStep, type TaskId } from './contract.js';
import { CATALOGUE, task } from './catalogue.js';

/**
 * Plans: the tasks chosen for one person, with their options. The built-in default plan,
 * validation of a plan (every option checked by its task's schema), and the order steps run in.
 */

/** The default plan out of the box: the nine steps the product promises (the mailbox step is two tasks: convert to shared, forward to the manager). */
export const DEFAULT_PLAN: PlanStep[] = (
  [
    'disable_sign_in',
    'revoke_sessions',
    'reset_password',
    'remove_groups',
    'remove_licences',
    'convert_to_shared',
    'forward_mail',
    'retire_devices',
    'remove_teams',
    'notify_manager',
  ] as TaskId[]
).map((id) => ({ task: id, options: task(id).options.parse({}) as Record<string, unknown> }));

export const planStepInput = z.object({ task: z.enum(TASK_IDS), options: z.record(z.string(), z.unknown()).default({}) });
export const planInput = z.array(planStepInput).min(1, 'choose at least one task').max(TASK_IDS.length);

/** Checks a plan and fills each task's defaults; a bad option is a 400 naming the task and field. */
export function validatePlan(steps: z.input<typeof planInput>): PlanStep[] {
  const parsed = planInput.safeParse(steps);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UserError(400, 'invalid_plan', `steps.${i.path.join('.')}: ${i.message}`, { field: `steps.${i.path.join('.')}` });
  }
  const seen = new Set<TaskId>();
  return parsed.data.map((s, index) => {
    if (seen.has(s.task)) throw new UserError(400, 'invalid_plan', `steps.${index}: ${s.task} is in the plan twice.`, { field: `steps.${index}.task` });
    seen.add(s.task);
    const options = task(s.task).options.safeParse(s.options);
    if (!options.success) {
      const i = options.error.issues[0]!;
      const field = `steps.${index}.options.${i.path.join('.')}`;
      throw new UserError(400, 'invalid_options', `${task(s.task).title}: ${i.path.join('.') || 'options'} ${i.message}`, { field, task: s.task });
    }
    return { task: s.task, options: options.data as Record<string, unknown> };
  });
}

/** The tasks of the plan each task must wait for (its `after`, limited to what the plan holds). */
export function dependencies(plan: PlanStep[]): Map<TaskId, TaskId[]> {
  const inPlan = new Set(plan.map((s) => s.task));
  return new Map(plan.map((s) => [s.task, task(s.task).after.filter((t) => inPlan.has(t))]));
}

/**
 * The plan in an order that respects every dependency (catalogue order among equals):
 * the seq of each journal row.
 */
export function ordered(plan: PlanStep[]): PlanStep[] {
  const deps = dependencies(plan);
  const rank = new Map([...CATALOGUE.keys()].map((id, i) => [id, i]));
  const done = new Set<TaskId>();
  const out: PlanStep[] = [];
  const rest = [...plan].sort((a, b) => rank.get(a.task)! - rank.get(b.task)!);
  while (rest.length) {
    const i = rest.findIndex((s) => deps.get(s.task)!.every((d) => done.has(d)));
    if (i < 0) throw new Error('The task catalogue has a dependency cycle.');
    const [next] = rest.splice(i, 1);
    done.add(next!.task);
    out.push(next!);
  }
  return out;
}

/**
 * Undo goes the other way: a task's undo waits for the undo of every task that ran after it
 * (licences come back before the mailbox turns into a user mailbox again; the account is restored first).
 */
export function undoDependencies(tasks: TaskId[]): Map<TaskId, TaskId[]> {
  const set = new Set(tasks);
  return new Map(tasks.map((t) => [t, tasks.filter((other) => other !== t && set.has(other) && task(other).after.includes(t))]));
}
