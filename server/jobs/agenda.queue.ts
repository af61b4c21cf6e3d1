import { setTimeout as sleep } from 'node:timers/promises';
import { Agenda, InMemoryNotificationChannel, backoffStrategies, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { z } from 'zod';
import type { Logger } from '../log.js';
import { InvalidJobPayload, type JobContext, type JobDefinition, type JobQueue } from './job-queue.js';

export interface AgendaQueueOptions {
  pool: pg.Pool;
  /**
   * LISTEN/NOTIFY does not cross connections on the embedded store, so there the queue
   * wakes itself in process; on a server, replicas wake each other through PostgreSQL.
   */
  notifications: 'postgres' | 'in-process';
  name: string;
  processEveryMs: number;
  lockLifetimeMs: number;
  maxConcurrency: number;
  log: Logger;
}

/** The job queue on Agenda 6 and its PostgreSQL backend, sharing the store's pool. */
export function createAgendaQueue(opts: AgendaQueueOptions): JobQueue {
  const log = opts.log.child({ module: 'jobs' });
  const agenda = new Agenda({
    name: opts.name,
    backend: new PostgresBackend({
      pool: opts.pool,
      ensureSchema: false,
      disableNotifications: opts.notifications === 'in-process',
    }),
    ...(opts.notifications === 'in-process' ? { notificationChannel: new InMemoryNotificationChannel() } : {}),
    processEvery: opts.processEveryMs,
    maxConcurrency: opts.maxConcurrency,
    defaultConcurrency: 5,
    defaultLockLifetime: opts.lockLifetimeMs,
  });
  agenda.on('error', (err) => log.error({ err }, 'job queue error'));
  agenda.on('fail', (err: Error | string, job: unknown, remote?: boolean) => {
    if (remote) return; // another replica's job: that replica logs it
    // pino's error serializer prints the causes too (the database's own words under a query error).
    const j = job as Job;
    log.warn({ job: j.attrs.name, jobId: String(j.attrs._id), err }, 'job failed');
  });

  const inFlight = new Map<string, AbortController>();
  /** Jobs whose handler gave up because the process is stopping: they must run again. */
  const interrupted = new Set<string>();
  let running = false;

  const idOf = (job: Job<unknown>) => String(job.attrs._id);

  return {
    get running() {
      return running;
    },
    define<S extends z.ZodType>(def: JobDefinition<S>) {
      agenda.define(
        def.name,
        async (job: Job<unknown>) => {
          const jobId = String(job.attrs._id);
          const parsed = def.payload.safeParse(job.attrs.data);
          if (!parsed.success) {
            throw new InvalidJobPayload(def.name, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
          }
          const controller = new AbortController();
          inFlight.set(jobId, controller);
          const ctx: JobContext = {
            jobId,
            name: def.name,
            attempt: (job.attrs.failCount ?? 0) + 1,
            signal: controller.signal,
            touch: (progress?: number) => job.touch(progress),
          };
          try {
            await def.handler(parsed.data, ctx);
          } catch (err) {
            if (controller.signal.aborted) interrupted.add(jobId);
            throw err;
          } finally {
            inFlight.delete(jobId);
          }
        },
        {
          concurrency: def.concurrency ?? 5,
          lockLifetime: def.lockLifetimeMs ?? opts.lockLifetimeMs,
          ...(def.retries
            ? { backoff: backoffStrategies.exponential({ delay: def.retryDelayMs ?? 1_000, maxRetries: def.retries }) }
            : {}),
        },
      );
    },
    async now(name, data) {
      return idOf(await agenda.now(name, data));
    },
    async schedule(at, name, data) {
      return idOf(await agenda.schedule(at, name, data));
    },
    async every(interval, name, data) {
      await agenda.every(interval, name, data ?? {}, { skipImmediate: true });
    },
    async cancel(jobId) {
      const removed = await agenda.cancel({ id: jobId });
      return removed > 0;
    },
    async start() {
      await agenda.ready;
      await agenda.start();
      running = true;
      log.info({ notifications: opts.notifications }, 'job queue started');
    },
    async stop(timeoutMs) {
      if (!running) return { unfinished: 0 };
      running = false;
      await agenda.drain({ timeout: timeoutMs, closeConnection: false });
      const unfinished = inFlight.size;
      const abortedAt = new Date();
      if (unfinished > 0) {
        log.warn({ unfinished }, 'jobs still running at shutdown: aborting and requeueing them');
        for (const controller of inFlight.values()) controller.abort(new Error('The process is shutting down.'));
        // Give aborted handlers a moment to reach a safe point (Agenda records the interrupted attempt).
        await waitUntil(() => inFlight.size === 0, 2_000);
      }
      await agenda.stop(false);
      const requeue = [...inFlight.keys(), ...interrupted];
      if (requeue.length > 0) {
        // Agenda records an interrupted attempt's failure on its own time (clearing next_run_at of a
        // one-time job): wait for that write, or it could land after ours and undo it.
        const recorded = async () =>
          (await opts.pool.query('SELECT 1 FROM agenda_jobs WHERE id = ANY($1::uuid[]) AND (failed_at IS NULL OR failed_at < $2)', [[...interrupted], abortedAt])).rowCount === 0;
        for (const deadline = Date.now() + 3_000; interrupted.size > 0 && Date.now() < deadline && !(await recorded()); ) await sleep(50);
        // Agenda clears next_run_at when a one-time job starts and stop() only clears the lock,
        // which would leave an interrupted job runnable by nobody. Make it due again now.
        await opts.pool.query(
          'UPDATE agenda_jobs SET locked_at = NULL, next_run_at = COALESCE(next_run_at, now()) WHERE id = ANY($1::uuid[])',
          [requeue],
        );
      }
      log.info({ unfinished, requeued: requeue.length }, 'job queue stopped');
      return { unfinished };
    },
  };
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
