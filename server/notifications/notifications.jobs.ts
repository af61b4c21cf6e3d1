import { z } from 'zod';
import type { JobQueue } from '../jobs/job-queue.js';
import { DELIVER_JOB, type NotificationChannel, type NotificationsService } from './notifications.service.js';

/** Delivery of owed notices: every minute, and at once when asked (a run's end). */
export function defineNotificationJobs(jobs: JobQueue, service: NotificationsService, channel: NotificationChannel): void {
  jobs.define({
    name: DELIVER_JOB,
    payload: z.object({}).loose(),
    concurrency: 1,
    handler: async () => {
      await service.deliverPending(channel);
    },
  });
}

export async function scheduleNotificationJobs(jobs: JobQueue): Promise<void> {
  await jobs.every('1 minute', DELIVER_JOB);
}
