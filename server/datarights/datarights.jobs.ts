import { z } from 'zod';
import type { JobQueue } from '../jobs/job-queue.js';
import type { DeletionService } from './deletion.service.js';
import { EXPORT_CLEANUP_JOB, EXPORT_JOB, type ExportsService } from './exports.service.js';
import { PURGE_JOB } from './deletion.service.js';

/** `now` moves the clock of a cleanup or purge (tests, and an operator catching up): absent, it is the present. */
const at = z.object({ now: z.iso.datetime({ offset: true }).optional() }).loose();
const nowOf = (data: z.output<typeof at>) => (data.now ? new Date(data.now) : new Date());

export function defineDataRightsJobs(jobs: JobQueue, deps: { exports: ExportsService; deletion: DeletionService }): void {
  jobs.define({
    name: EXPORT_JOB,
    payload: z.object({ exportId: z.uuid() }),
    concurrency: 2,
    handler: (data, ctx) => deps.exports.build(data.exportId, ctx),
  });
  jobs.define({
    name: EXPORT_CLEANUP_JOB,
    payload: at,
    concurrency: 1,
    handler: async (data) => void (await deps.exports.cleanup(nowOf(data))),
  });
  jobs.define({
    name: PURGE_JOB,
    payload: at,
    concurrency: 1,
    handler: async (data) => void (await deps.deletion.purgeDue(nowOf(data))),
  });
}

/** Old exports go every hour; organisations past their cancel window are purged daily (well within 30 days of asking). */
export async function scheduleDataRightsJobs(jobs: JobQueue): Promise<void> {
  await jobs.every('1 hour', EXPORT_CLEANUP_JOB);
  await jobs.every('1 day', PURGE_JOB);
}
