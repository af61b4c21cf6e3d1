import { z } from 'zod';
import type { JobQueue } from '../jobs/job-queue.js';
import { SYNC_DUE_JOB, SYNC_TENANT_JOB, type TenantsService } from './tenants.service.js';

/** The sync jobs: one tenant's sync, and the minute-by-minute check for tenants due a sync. */
export function defineM365Jobs(jobs: JobQueue, tenants: TenantsService): void {
  jobs.define({
    name: SYNC_TENANT_JOB,
    payload: z.object({ tenantRef: z.uuid(), full: z.boolean().default(false) }),
    concurrency: 2,
    handler: ({ tenantRef, full }, ctx) => tenants.runSync(tenantRef, full, () => ctx.touch()),
  });
  jobs.define({
    name: SYNC_DUE_JOB,
    payload: z.object({}).loose(),
    concurrency: 1,
    handler: async () => {
      await tenants.queueDueSyncs();
    },
  });
}

export async function scheduleM365Jobs(jobs: JobQueue): Promise<void> {
  await jobs.every('1 minute', SYNC_DUE_JOB);
}
