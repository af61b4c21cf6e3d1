import { z } from 'zod';
import type { JobQueue } from '../jobs/job-queue.js';
import { PROPOSE_JOB, RECOVER_JOB, RUN_JOB, type RunsService } from './runs.service.js';

/** The run job (one run, to its end), the check for runs a dead worker left behind, and proposals from leave dates. */
export function defineOffboardingJobs(jobs: JobQueue, runs: RunsService, leaseMs: number): void {
  jobs.define({
    name: RUN_JOB,
    payload: z.object({ runId: z.uuid() }),
    concurrency: 10,
    lockLifetimeMs: Math.max(leaseMs * 2, 2_000),
    handler: ({ runId }, ctx) => runs.execute(runId, { signal: ctx.signal, touch: () => ctx.touch() }),
  });
  jobs.define({
    name: PROPOSE_JOB,
    payload: z.object({}).loose(),
    concurrency: 1,
    handler: async () => {
      await runs.proposeFromLeaveDates();
    },
  });
  jobs.define({
    name: RECOVER_JOB,
    payload: z.object({}).loose(),
    concurrency: 1,
    handler: async () => {
      await runs.recover();
    },
  });
}

export async function scheduleOffboardingJobs(jobs: JobQueue): Promise<void> {
  await jobs.every('30 seconds', RECOVER_JOB);
  await jobs.every('5 minutes', PROPOSE_JOB);
}
