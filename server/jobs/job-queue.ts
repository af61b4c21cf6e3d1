import type { z } from 'zod';

/**
 * The job queue, in our own types. Features define jobs with a payload schema and a thin
 * handler (validate, call a service); no Agenda object passes this interface.
 */

export interface JobContext {
  readonly jobId: string;
  readonly name: string;
  /** 1 for the first run; more after a crash or a retry. */
  readonly attempt: number;
  /** Aborted when the process must stop before the job finishes: stop at a safe point. */
  readonly signal: AbortSignal;
  /** Extends the job's lock and records progress (0–100). Long jobs call it now and then. */
  touch(progress?: number): Promise<void>;
}

export interface JobDefinition<S extends z.ZodType> {
  name: string;
  payload: S;
  handler: (data: z.output<S>, ctx: JobContext) => Promise<void>;
  /** Jobs of this name run at most this many at once in one process (default 5). */
  concurrency?: number;
  /** After this long without a touch, a job's lock expires and another worker takes it over. */
  lockLifetimeMs?: number;
  /** Retries after a failure, with exponential backoff from `retryDelayMs` (default: none). */
  retries?: number;
  retryDelayMs?: number;
}

export interface JobQueue {
  define<S extends z.ZodType>(definition: JobDefinition<S>): void;
  /** Runs as soon as a worker is free. Returns the job id. */
  now<S extends z.ZodType>(name: string, data: z.input<S>): Promise<string>;
  /** Runs at `at` (or as soon as possible after). Returns the job id. */
  schedule<S extends z.ZodType>(at: Date, name: string, data: z.input<S>): Promise<string>;
  /** One recurring job per name (re-registering replaces the interval). */
  every(interval: string, name: string, data?: Record<string, unknown>): Promise<void>;
  /** Removes a job that has not started; true if there was one. */
  cancel(jobId: string): Promise<boolean>;
  start(): Promise<void>;
  readonly running: boolean;
  /**
   * Stops taking jobs and waits up to `timeoutMs` for running ones to finish; those still
   * running then have their signal aborted and their locks released, so another worker
   * (or this process after a restart) takes them over.
   */
  stop(timeoutMs: number): Promise<{ unfinished: number }>;
}

export class InvalidJobPayload extends Error {
  constructor(name: string, issues: string) {
    super(`Job ${name} has an invalid payload: ${issues}`);
    this.name = 'InvalidJobPayload';
  }
}
