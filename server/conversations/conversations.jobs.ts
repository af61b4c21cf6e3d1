import { z } from 'zod';
import type { JobQueue } from '../jobs/job-queue.js';
import type { ConversationsService } from './conversations.service.js';

export const DIGEST_JOB = 'conversations.digest';

/** Sends one conversation its "leaving soon" digest (the bot). */
export interface DigestSender {
  send(conversation: { conversationId: string; orgId: string; reference: Record<string, unknown>; timeZone: string | null }): Promise<void>;
}

/** The daily digest: every quarter of an hour, whoever is past 08:00 locally and has not had today's. */
export function defineConversationJobs(jobs: JobQueue, conversations: ConversationsService, sender: DigestSender, log: { warn(o: object, m: string): void }): void {
  jobs.define({
    name: DIGEST_JOB,
    payload: z.object({}).loose(),
    concurrency: 1,
    handler: async () => {
      for (const due of await conversations.dueDigests()) {
        try {
          await sender.send({ ...due, orgId: due.orgId! });
          await conversations.digestSent(due.conversationId, due.localDate);
        } catch (err) {
          log.warn({ err, conversationId: due.conversationId }, 'could not send the leaving-soon digest');
        }
      }
    },
  });
}

export async function scheduleConversationJobs(jobs: JobQueue): Promise<void> {
  await jobs.every('15 minutes', DIGEST_JOB);
}
