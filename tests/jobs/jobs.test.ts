import { z } from 'zod';
import type { Offramp } from '../../server/main.js';
import { startTestApp } from '../support/app.js';

const until = async (done: () => Promise<boolean> | boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('the job queue', () => {
  let app: Offramp;
  const runs: { key: string; at: number; attempt: number }[] = [];

  beforeAll(async () => {
    app = await startTestApp({}, {
      setup({ jobs }) {
        jobs.define({
          name: 'test.note',
          payload: z.object({ key: z.string() }),
          handler: async ({ key }, ctx) => {
            runs.push({ key, at: Date.now(), attempt: ctx.attempt });
          },
        });
        jobs.define({
          name: 'test.flaky',
          payload: z.object({ key: z.string(), failTimes: z.number() }),
          retries: 3,
          retryDelayMs: 50,
          handler: async ({ key, failTimes }, ctx) => {
            runs.push({ key, at: Date.now(), attempt: ctx.attempt });
            if (ctx.attempt <= failTimes) throw new Error(`attempt ${ctx.attempt} fails`);
          },
        });
      },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('runs a job scheduled 2 s ahead once, not before its time', async () => {
    const scheduledAt = Date.now();
    await app.jobs.schedule(new Date(scheduledAt + 2_000), 'test.note', { key: 'two-seconds' });
    await until(() => runs.some((r) => r.key === 'two-seconds'));
    // Wait a few more polling rounds: it must not run again.
    await new Promise((r) => setTimeout(r, 1_000));
    const mine = runs.filter((r) => r.key === 'two-seconds');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.at - scheduledAt).toBeGreaterThanOrEqual(1_950);
    const { rows } = await app.store.pool.query(
      `SELECT next_run_at, last_finished_at, locked_at FROM agenda_jobs WHERE data->>'key' = 'two-seconds'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].next_run_at).toBeNull();
    expect(rows[0].locked_at).toBeNull();
    expect(rows[0].last_finished_at).toBeInstanceOf(Date);
  });

  it('runs a job queued now within moments', async () => {
    const queuedAt = Date.now();
    await app.jobs.now('test.note', { key: 'now' });
    await until(() => runs.some((r) => r.key === 'now'), 5_000);
    expect(runs.find((r) => r.key === 'now')!.at - queuedAt).toBeLessThan(2_000);
  });

  it('fails a job whose payload is invalid, naming the bad field, without running the handler', async () => {
    const id = await app.jobs.now('test.note', { key: 42 } as never);
    let reason: string | null = null;
    await until(async () => {
      const { rows } = await app.store.pool.query('SELECT fail_reason FROM agenda_jobs WHERE id = $1', [id]);
      reason = rows[0]?.fail_reason ?? null;
      return reason !== null;
    });
    expect(reason).toContain('Job test.note has an invalid payload: key:');
    expect(runs.some((r) => (r.key as unknown) === 42)).toBe(false);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    await app.jobs.now('test.flaky', { key: 'flaky', failTimes: 2 });
    await until(() => runs.filter((r) => r.key === 'flaky').length === 3);
    expect(runs.filter((r) => r.key === 'flaky').map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('cancels a job that has not started', async () => {
    const id = await app.jobs.schedule(new Date(Date.now() + 1_500), 'test.note', { key: 'cancelled' });
    expect(await app.jobs.cancel(id)).toBe(true);
    expect(await app.jobs.cancel(id)).toBe(false);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(runs.some((r) => r.key === 'cancelled')).toBe(false);
  });
});
