import { expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { callRpc } from '../../src/rpc/call';
import { JobWorker } from '../../src/worker/JobWorker';
import { newUser, service } from '../support/harness';
import { countJobs, expireLease, type ContractContext } from './context';

const NO_SUCH_JOB = '00000000-0000-0000-0000-000000000000';

export function batchContract(ctx: ContractContext): void {
  const svc = () => ctx.h.client(service);

  /** Four jobs leased to `w`: a and b still held, c expired and reclaimed by `rescuer`, d finished. */
  async function mixedLeases() {
    const [a, b, c, d] = await svc().enqueueMany(Array.from({ length: 4 }, (_, n) => ({ jobType: 'mixed', payload: { n } })));
    await svc().claim({ workerId: 'w', limit: 4 });
    await expireLease(ctx.h, c!.id);
    const [reclaimed] = await svc().claim({ workerId: 'rescuer' });
    expect(reclaimed?.id).toBe(c!.id);
    await svc().complete(d!.id, 'w', { first: true });
    return { a: a!, b: b!, c: c!, d: d! };
  }

  it('complete_jobs completes only the jobs whose lease is still held and returns their ids', async () => {
    const { a, b, c, d } = await mixedLeases();
    const held = await svc().completeMany(
      [...[a, b, c, d].map((job) => ({ jobId: job.id, result: { by: 'w', n: job.payload.n } })), { jobId: NO_SUCH_JOB }],
      'w',
    );
    expect(held.sort()).toEqual([a.id, b.id].sort());
    expect(await svc().get(a.id)).toMatchObject({ status: 'completed', result: { by: 'w', n: 0 }, progress: 100, lockedUntil: null });
    expect(await svc().get(b.id)).toMatchObject({ status: 'completed', result: { by: 'w', n: 1 } });
    expect(await svc().get(c.id)).toMatchObject({ status: 'processing', lockedBy: 'rescuer', result: null });
    expect(await svc().get(d.id)).toMatchObject({ status: 'completed', result: { first: true } });
  });

  it('complete_jobs stores each result with its job, null when none is given', async () => {
    const jobs = await svc().enqueueMany([{ jobType: 'r' }, { jobType: 'r' }, { jobType: 'r' }]);
    await svc().claim({ workerId: 'w', limit: 3 });
    const results = [{ text: 'Zoë 🎓' }, 'a plain string', undefined];
    await svc().completeMany(jobs.map((job, i) => ({ jobId: job.id, result: results[i] })), 'w');
    const stored = await Promise.all(jobs.map(async (job) => (await svc().get(job.id)).result));
    expect(stored).toEqual([{ text: 'Zoë 🎓' }, 'a plain string', null]);
  });

  it('fail_jobs fails only the held leases: retryable ones wait for their backoff, the others fail for good', async () => {
    const { a, b, c, d } = await mixedLeases();
    const held = await svc().failMany(
      [
        { jobId: a.id, error: 'smtp timeout' },
        { jobId: b.id, error: 'bad address', retryable: false },
        { jobId: c.id, error: 'too late' },
        { jobId: d.id, error: 'too late' },
      ],
      'w',
    );
    expect(held.sort()).toEqual([a.id, b.id].sort());
    const retried = await svc().get(a.id);
    expect(retried).toMatchObject({ status: 'pending', attempts: 1, errorMessage: 'smtp timeout', lockedUntil: null });
    expect(retried.runAt.getTime()).toBeGreaterThan(Date.now());
    expect(retried.errors.map((entry) => [entry.attempt, entry.message, entry.worker])).toEqual([[1, 'smtp timeout', 'w']]);
    expect(await svc().get(b.id)).toMatchObject({ status: 'failed', errorMessage: 'bad address' });
    expect(await svc().get(c.id)).toMatchObject({ status: 'processing', lockedBy: 'rescuer', errorMessage: null });
    expect(await svc().get(d.id)).toMatchObject({ status: 'completed', errorMessage: null });
  });

  it("a user's worker cannot finish service-role leases in bulk, nor the service role a user's", async () => {
    const user = newUser();
    const own = await ctx.h.client(user).enqueue({ jobType: 'tab' });
    const serviceJob = await svc().enqueue({ jobType: 'node' });
    await ctx.h.client(user).claim({ workerId: 'same-name' });
    await svc().claim({ workerId: 'same-name', jobTypes: ['node'] });
    expect(await ctx.h.client(user).completeMany([{ jobId: serviceJob.id }], 'same-name')).toEqual([]);
    expect(await svc().completeMany([{ jobId: own.id }], 'same-name')).toEqual([]);
    expect(await ctx.h.client(user).completeMany([{ jobId: own.id }], 'same-name')).toEqual([own.id]);
    expect(await svc().failMany([{ jobId: serviceJob.id, error: 'x' }], 'same-name')).toEqual([serviceJob.id]);
  });

  it('enqueue_jobs inserts every job for the caller and returns them in input order', async () => {
    const user = newUser();
    const runAt = new Date(Date.now() + 60_000);
    const jobs = await ctx.h.client(user).enqueueMany([
      { jobType: 'a', payload: { n: 1 } },
      { jobType: 'b', priority: 2, maxAttempts: 5, runAt },
      { jobType: 'c' },
    ]);
    expect(jobs.map((job) => [job.jobType, job.status, job.userId])).toEqual([
      ['a', 'pending', user.id],
      ['b', 'pending', user.id],
      ['c', 'pending', user.id],
    ]);
    expect(jobs[0]).toMatchObject({ payload: { n: 1 }, priority: 5, maxAttempts: 3 });
    expect(jobs[1]).toMatchObject({ priority: 2, maxAttempts: 5 });
    expect(jobs[1]!.runAt.getTime()).toBe(runAt.getTime());
    expect(await countJobs(ctx.h)).toBe(3);
  });

  it.each([
    ['a bad priority', [{ job_type: 'ok' }, { job_type: 'ok', priority: 0 }], /^jobs\[1\]: priority must be between 1 \(highest\) and 10/],
    ['a bad job type', [{ job_type: 'ok' }, { job_type: 'ok' }, { job_type: 'Not OK' }], /^jobs\[2\]: invalid job_type/],
    ['an unknown key', [{ jobType: 'camelCase' }], /^jobs\[0\]: unknown key 'jobType'/],
    ['a payload that is not an object', [{ job_type: 'ok' }, { job_type: 'ok', payload: [1] }], /^jobs\[1\]: payload must be a JSON object/],
    ['a run_at that is not a time', [{ job_type: 'ok', run_at: 'soon' }], /^jobs\[0\]: invalid input syntax/],
    ['an element that is not an object', [{ job_type: 'ok' }, 'ok'], /^jobs\[1\]: each job must be a JSON object, got string/],
  ])('enqueue_jobs rejects %s with its index and writes nothing', async (_, jobs, message) => {
    const attempt = callRpc(ctx.h.transport(newUser()), 'enqueue_jobs', { p_jobs: jobs });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(message);
    expect(await countJobs(ctx.h)).toBe(0);
  });

  it('enqueue_jobs rejects anything but an array of jobs', async () => {
    await expect(callRpc(ctx.h.transport(service), 'enqueue_jobs', { p_jobs: { job_type: 'x' } })).rejects.toThrow(
      /jobs must be a JSON array of jobs, got object/,
    );
    expect(await svc().enqueueMany([])).toEqual([]);
  });

  it('enqueue_jobs dedupes by job_key like enqueue_job: the live job comes back, also for repeats in one call', async () => {
    const client = ctx.h.client(newUser());
    const live = await client.enqueue({ jobType: 'badge', jobKey: 'event-1', payload: { n: 0 } });
    const jobs = await client.enqueueMany([
      { jobType: 'badge', jobKey: 'event-1', payload: { n: 1 } },
      { jobType: 'badge', jobKey: 'event-2', payload: { n: 2 } },
      { jobType: 'badge', jobKey: 'event-2', payload: { n: 3 } },
      { jobType: 'badge' },
    ]);
    expect(jobs[0]).toMatchObject({ id: live.id, payload: { n: 0 } });
    expect(jobs[2]).toMatchObject({ id: jobs[1]!.id, payload: { n: 2 } });
    expect(new Set(jobs.map((job) => job.id)).size).toBe(3);
    expect(await countJobs(ctx.h)).toBe(3);
    // Another owner's key never matches.
    const other = await ctx.h.client(newUser()).enqueueMany([{ jobType: 'badge', jobKey: 'event-1' }]);
    expect(other[0]!.id).not.toBe(live.id);
  });

  it('a JobWorker with prefetch and batched outcomes runs every job once and records each outcome', async () => {
    const jobs = await svc().enqueueMany(Array.from({ length: 60 }, (_, n) => ({ jobType: n % 10 === 0 ? 'flaky' : 'fast', payload: { n }, maxAttempts: 1 })));
    const runs = new Map<string, number>();
    const worker = new JobWorker(svc(), {
      concurrency: 4,
      prefetch: 8,
      batch: { maxSize: 10, delayMs: 5 },
      intervalMs: 60_000,
      processors: {
        fast: (job: { id: string; payload: { n: number } }) => {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          return { n: job.payload.n };
        },
        flaky: (job: { id: string; payload: { n: number } }) => {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          throw new Error(`boom ${job.payload.n}`);
        },
      },
    }).start();
    try {
      await worker.whenIdle();
    } finally {
      await worker.stop({ graceMs: 1_000 });
    }
    expect(runs.size).toBe(60);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    const after = await Promise.all(jobs.map((job) => svc().get(job.id)));
    expect(after.filter((job) => job.status === 'completed')).toHaveLength(54);
    expect(after.filter((job) => job.status === 'failed').map((job) => job.errorMessage).sort()).toEqual(
      [0, 10, 20, 30, 40, 50].map((n) => `boom ${n}`).sort(),
    );
    expect(worker.getSnapshot()).toMatchObject({ processed: 54, failed: 6 });
  });

  it('stop() hands prefetched jobs back at once, attempt not counted, and records every finished run', async () => {
    await svc().enqueueMany(Array.from({ length: 12 }, () => ({ jobType: 'slow' })));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = new JobWorker(svc(), {
      concurrency: 2,
      prefetch: 4,
      batch: { delayMs: 1_000 },
      intervalMs: 60_000,
      processors: { slow: () => gate },
    }).start();
    await expect.poll(() => worker.getSnapshot().activeJobs.length).toBe(2);
    await expect
      .poll(async () => (await svc().list({ statuses: ['processing'] })).length, { timeout: 5_000 })
      .toBe(6);
    const stopping = worker.stop({ graceMs: 5_000 });
    // The four prefetched jobs go back while the two running ones are still running.
    await expect.poll(async () => (await svc().list({ statuses: ['processing'] })).length, { timeout: 5_000 }).toBe(2);
    release();
    await stopping;
    const all = await svc().list({ limit: 50 });
    expect(all.filter((job) => job.status === 'completed')).toHaveLength(2);
    expect(all.filter((job) => job.status === 'pending').every((job) => job.attempts === 0)).toBe(true);
    expect(all.filter((job) => job.status === 'pending')).toHaveLength(10);
  });
}
