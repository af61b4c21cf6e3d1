import { z } from 'zod';
import type { JobQueue } from '../jobs/job-queue.js';
import { DELIVER_JOB, DISPATCH_JOB, QUEUE_SCAN_JOB, SWEEP_JOB, type DeliveriesService } from './deliveries.service.js';

/**
 * Integration jobs: dispatch (events -> deliveries; every 10 s and as soon as an event is
 * written here), one job per delivery attempt, the sweeper (due deliveries whose job was lost,
 * every minute) and the hourly queue-window scan.
 */
export function defineIntegrationJobs(jobs: JobQueue, deliveries: DeliveriesService): void {
  jobs.define({ name: DISPATCH_JOB, payload: z.object({}).loose(), concurrency: 1, handler: async () => void (await deliveries.dispatch()) });
  jobs.define({
    name: DELIVER_JOB,
    payload: z.object({ deliveryId: z.uuid() }),
    concurrency: 10,
    // An attempt takes at most the send timeout (15 s) and a few writes.
    lockLifetimeMs: 120_000,
    handler: async ({ deliveryId }) => deliveries.attempt(deliveryId),
  });
  jobs.define({ name: SWEEP_JOB, payload: z.object({}).loose(), concurrency: 1, handler: async () => void (await deliveries.sweep()) });
  jobs.define({ name: QUEUE_SCAN_JOB, payload: z.object({}).loose(), concurrency: 1, handler: async () => void (await deliveries.scanQueue()) });
}

export async function scheduleIntegrationJobs(jobs: JobQueue): Promise<void> {
  await jobs.every('10 seconds', DISPATCH_JOB);
  await jobs.every('1 minute', SWEEP_JOB);
  await jobs.every('1 hour', QUEUE_SCAN_JOB);
}
