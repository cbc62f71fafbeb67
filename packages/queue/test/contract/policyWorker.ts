import { afterEach, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { JobWorker } from '../../src/worker/JobWorker';
import type { JobWorkerOptions } from '../../src/worker/types';
import { service } from '../support/harness';
import type { ContractContext } from './context';
import { cleanPolicySettings } from './policies';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** JobWorker and the job-type policies: timeouts and progress steps. */
export function policyWorkerContract(ctx: ContractContext): void {
  const workers: JobWorker[] = [];
  const startWorker = (options: JobWorkerOptions) => {
    const worker = new JobWorker(ctx.h.client(service), { intervalMs: 60_000, ...options });
    workers.push(worker);
    return worker.start();
  };
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop({ graceMs: 100 })));
  });
  cleanPolicySettings(ctx);
  const svc = () => ctx.h.client(service);

  it('aborts a processor that never resolves after its type’s timeout_seconds and fails the attempt with `timeout`', async () => {
    await svc().setJobTypeSettings('pol.hang', { timeoutSeconds: 1 });
    const job = await svc().enqueue({ jobType: 'pol.hang', maxAttempts: 2 });
    expect(job.timeoutSeconds).toBe(1);
    let abortedAfterMs: number | undefined;
    let reason: unknown;
    const started = deferred<number>();
    const worker = startWorker({
      processors: {
        'pol.hang': (_job, { signal }) => {
          const startedAt = performance.now();
          started.resolve(startedAt);
          signal.addEventListener('abort', () => {
            abortedAfterMs = performance.now() - startedAt;
            reason = signal.reason;
          });
          return new Promise(() => undefined); // never settles, ignores its signal
        },
      },
    });
    await started.promise;
    await expect.poll(async () => (await svc().get(job.id)).status, { timeout: 5_000, interval: 50 }).toBe('pending');
    const after = await svc().get(job.id);
    expect(after).toMatchObject({ attempts: 1, errorMessage: expect.stringMatching(/^timeout/) });
    expect(after.errors[0]?.message).toMatch(/^timeout: the job ran longer than 1 s/);
    expect(abortedAfterMs).toBeGreaterThanOrEqual(950);
    expect(abortedAfterMs).toBeLessThan(3_000);
    expect(reason).toMatchObject({ name: 'TimeoutError' });
    await expect.poll(() => worker.getSnapshot()).toMatchObject({ failed: 1, activeJobs: [] });
  });

  it('falls back to the worker’s timeoutSeconds option for rows without a timeout; the last attempt fails for good', async () => {
    const job = await svc().enqueue({ jobType: 'pol.slow', maxAttempts: 1 });
    let sawAbort = false;
    startWorker({
      timeoutSeconds: { 'pol.slow': 0.3 },
      processors: {
        'pol.slow': (_job, { signal }) =>
          new Promise((_, reject) => {
            signal.addEventListener('abort', () => {
              sawAbort = true;
              reject(signal.reason);
            });
          }),
      },
    });
    await expect.poll(async () => (await svc().get(job.id)).status, { timeout: 5_000, interval: 50 }).toBe('failed');
    expect((await svc().get(job.id)).errorMessage).toMatch(/^timeout: the job ran longer than 0.3 s/);
    expect(sawAbort).toBe(true);
  });

  it('a job that finishes in time is not touched by its timeout', async () => {
    await svc().setJobTypeSettings('pol.quick', { timeoutSeconds: 1 });
    const job = await svc().enqueue({ jobType: 'pol.quick' });
    let aborted = false;
    const worker = startWorker({
      processors: {
        'pol.quick': (_job, { signal }) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          return { ok: true };
        },
      },
    });
    await worker.whenIdle();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(aborted).toBe(false);
    expect(await svc().get(job.id)).toMatchObject({ status: 'completed', result: { ok: true }, errorMessage: null });
  });

  it('stores the step reported with progress (progress_message) while the job runs', async () => {
    const job = await svc().enqueue({ jobType: 'pol.steps' });
    const next = deferred();
    const done = deferred();
    const worker = startWorker({
      processors: {
        'pol.steps': async (_job, { progress }) => {
          progress(30, 'validating');
          await next.promise;
          progress(60, 'rendering');
          await done.promise;
          return { ok: true };
        },
      },
    });
    const step = async () => {
      const row = await svc().get(job.id);
      return `${row.progress} ${row.progressMessage}`;
    };
    await expect.poll(step, { timeout: 5_000, interval: 50 }).toBe('30 validating');
    next.resolve();
    await expect.poll(step, { timeout: 5_000, interval: 50 }).toBe('60 rendering');
    expect(worker.getSnapshot().activeJobs).toMatchObject([{ progress: 60, progressMessage: 'rendering' }]);
    done.resolve();
    await worker.whenIdle();
    expect(await svc().get(job.id)).toMatchObject({ status: 'completed', progress: 100, progressMessage: 'rendering' });
  });

  it('heartbeat_job keeps the step when none is sent, clears it with an empty one, refuses one over 200 characters', async () => {
    const job = await svc().enqueue({ jobType: 'pol.beat' });
    await svc().claim({ workerId: 'w', jobTypes: ['pol.beat'] });
    const client = svc();
    await client.heartbeat(job.id, 'w', { progress: 10, progressMessage: 'uploading' });
    await client.heartbeat(job.id, 'w', { progress: 20 });
    expect(await client.get(job.id)).toMatchObject({ progress: 20, progressMessage: 'uploading' });
    await expect(client.heartbeat(job.id, 'w', { progressMessage: 'x'.repeat(201) })).rejects.toBeInstanceOf(ValidationError);
    await client.heartbeat(job.id, 'w', { progressMessage: '' });
    expect((await client.get(job.id)).progressMessage).toBeNull();
    // A new attempt starts without the last one's step.
    await client.heartbeat(job.id, 'w', { progressMessage: 'half way' });
    await client.fail(job.id, 'w', 'boom');
    expect((await client.get(job.id)).progressMessage).toBeNull();
  });

  it('fails cleanly with a readable message when a processor throws something that is not an Error', async () => {
    const thrown: Array<[string, () => unknown]> = [
      ['pol.throw-string', () => Promise.reject('plain string')],
      ['pol.throw-undefined', () => Promise.reject(undefined)],
      ['pol.throw-null', () => Promise.reject(null)],
      ['pol.throw-object', () => Promise.reject({ code: 42, reason: 'quota' })],
      ['pol.throw-sync-number', () => {
        throw 7; // not an Error: the point of the test
      }],
    ];
    const jobs = await svc().enqueueMany(thrown.map(([jobType]) => ({ jobType, maxAttempts: 1 })));
    const worker = startWorker({ processors: Object.fromEntries(thrown), concurrency: 5 });
    await expect
      .poll(async () => (await Promise.all(jobs.map((job) => svc().get(job.id)))).map((job) => job.status), {
        timeout: 10_000,
        interval: 50,
      })
      .toEqual(thrown.map(() => 'failed'));
    const messages = await Promise.all(jobs.map(async (job) => (await svc().get(job.id)).errorMessage));
    expect(messages).toEqual([
      'plain string',
      'processor threw undefined',
      'processor threw null',
      '{"code":42,"reason":"quota"}',
      '7',
    ]);
    expect(worker.getSnapshot()).toMatchObject({ state: 'idle', failed: 5 });
  });
}
