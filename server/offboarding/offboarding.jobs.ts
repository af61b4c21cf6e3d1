import { z } from 'zod';
import type { JobQueue } from '../jobs/job-queue.js';
import { RECOVER_JOB, RUN_JOB, type RunsService } from './runs.service.js';

/** The run job (one run, to its end) and the check for runs a dead worker left behind. */
export function defineOffboardingJobs(jobs: JobQueue, runs: RunsService, leaseMs: number): void {
  jobs.define({
    name: RUN_JOB,
    payload: z.object({ runId: z.uuid() }),
    concurrency: 10,
    lockLifetimeMs: Math.max(leaseMs * 2, 2_000),
    handler: ({ runId }, ctx) => runs.execute(runId, { signal: ctx.signal, touch: () => ctx.touch() }),
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
}
