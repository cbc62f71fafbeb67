import { afterEach, expect, it } from 'vitest';
import { PermanentJobError } from '../../src/errors';
import { JobWorker } from '../../src/worker/JobWorker';
import type { JobWorkerOptions } from '../../src/worker/types';
import { newUser, service } from '../support/harness';
import type { ContractContext } from './context';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function workerContract(ctx: ContractContext): void {
  const workers: JobWorker[] = [];
  const startWorker = (options: JobWorkerOptions, actor = service) => {
    const worker = new JobWorker(ctx.h.client(actor), { intervalMs: 60_000, ...options });
    workers.push(worker);
    return worker.start();
  };
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop({ graceMs: 100 })));
  });
  const svc = () => ctx.h.client(service);

  it('runs each job with its processor and stores the result', async () => {
    const job = await svc().enqueue({ jobType: 'double', payload: { n: 21 } });
    const worker = startWorker({
      processors: { double: (j: { payload: { n: number } }) => ({ answer: j.payload.n * 2 }) },
    });
    await worker.whenIdle();
    expect(await svc().get(job.id)).toMatchObject({ status: 'completed', result: { answer: 42 } });
    expect(worker.getSnapshot()).toMatchObject({ processed: 1, failed: 0, state: 'idle' });
  });

  it('runs up to `concurrency` jobs at once and no more', async () => {
    for (let i = 0; i < 6; i += 1) await svc().enqueue({ jobType: 'slow' });
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const worker = startWorker({
      concurrency: 3,
      processors: {
        slow: async () => {
          running += 1;
          peak = Math.max(peak, running);
          await gate.promise;
          running -= 1;
        },
      },
    });
    await expect.poll(() => worker.getSnapshot().activeJobs.length).toBe(3);
    gate.resolve();
    await worker.whenIdle();
    expect(peak).toBe(3);
    expect(worker.getSnapshot().processed).toBe(6);
  });

  it('fails jobs with the thrown message, whatever was thrown, and respects PermanentJobError', async () => {
    const thrown: Record<string, unknown> = {
      string: 'plain string',
      object: { code: 'E_PRINTER' },
      undefined: undefined,
      error: new Error('real error'),
    };
    const jobs = new Map<string, string>();
    for (const kind of Object.keys(thrown)) {
      const job = await svc().enqueue({ jobType: 'throws', payload: { kind }, maxAttempts: 1 });
      jobs.set(kind, job.id);
    }
    const permanent = await svc().enqueue({ jobType: 'fatal', maxAttempts: 5 });
    const worker = startWorker({
      concurrency: 5,
      processors: {
        throws: (job: { payload: { kind: string } }) => {
          throw thrown[job.payload.kind];
        },
        fatal: () => {
          throw new PermanentJobError('invalid template');
        },
      },
    });
    await worker.whenIdle();
    const messages = Object.fromEntries(
      await Promise.all([...jobs].map(async ([kind, id]) => [kind, (await svc().get(id)).errorMessage])),
    );
    expect(messages).toEqual({
      string: 'plain string',
      object: '{"code":"E_PRINTER"}',
      undefined: 'processor threw undefined',
      error: 'real error',
    });
    expect(await svc().get(permanent.id)).toMatchObject({ status: 'failed', attempts: 1, errorMessage: 'invalid template' });
    expect(worker.getSnapshot().failed).toBe(5);
  });

  it('reports progress to the database while the job runs', async () => {
    const job = await svc().enqueue({ jobType: 'steps' });
    const gate = deferred();
    startWorker({
      processors: {
        steps: async (_job, { progress }) => {
          progress(40);
          await gate.promise;
        },
      },
    });
    await expect.poll(async () => (await svc().get(job.id)).progress, { timeout: 5_000 }).toBe(40);
    gate.resolve();
  });

  it('aborts the signal of a job cancelled while running, and records it cancelled', async () => {
    const user = newUser();
    const job = await ctx.h.client(user).enqueue({ jobType: 'render' });
    let sawAbort = false;
    const started = deferred();
    const worker = startWorker(
      {
        heartbeatMs: 50,
        processors: {
          render: (_job, { signal }) =>
            new Promise((_, reject) => {
              started.resolve();
              signal.addEventListener('abort', () => {
                sawAbort = signal.aborted;
                reject(signal.reason);
              });
            }),
        },
      },
      user,
    );
    await started.promise;
    await ctx.h.client(user).cancel(job.id);
    await expect.poll(async () => (await svc().get(job.id)).status, { timeout: 5_000 }).toBe('cancelled');
    expect(sawAbort).toBe(true);
    await worker.whenIdle();
    expect(worker.getSnapshot().failed).toBe(0);
  });

  it('stops working on a job whose lease was lost and does not overwrite the new holder', async () => {
    const job = await svc().enqueue({ jobType: 'stolen' });
    const started = deferred();
    let aborted = false;
    startWorker({
      heartbeatMs: 50,
      processors: {
        stolen: async (_job, { signal }) => {
          started.resolve();
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
          aborted = true;
          return { late: true };
        },
      },
    });
    await started.promise;
    await ctx.h.sql(`update public.job_queue set locked_by = 'rescuer', attempts = 2 where id = $1`, [job.id]);
    await expect.poll(() => aborted, { timeout: 5_000 }).toBe(true);
    const after = await svc().get(job.id);
    expect(after).toMatchObject({ status: 'processing', lockedBy: 'rescuer', result: null });
  });

  it('wakes on the enqueue notification instead of waiting for its poll interval', async () => {
    const done: string[] = [];
    const worker = startWorker({ intervalMs: 3_600_000, processors: { ping: (job) => void done.push(job.id) } });
    await worker.whenIdle();
    await new Promise((resolve) => setTimeout(resolve, 100)); // let LISTEN settle
    const job = await svc().enqueue({ jobType: 'ping' });
    await expect.poll(() => done, { timeout: 5_000 }).toEqual([job.id]);
  });

  it('stop() lets running jobs finish within the grace period', async () => {
    const job = await svc().enqueue({ jobType: 'finish' });
    const started = deferred();
    const worker = startWorker({
      processors: {
        finish: async () => {
          started.resolve();
          await new Promise((resolve) => setTimeout(resolve, 200));
          return { finished: true };
        },
      },
    });
    await started.promise;
    await worker.stop({ graceMs: 5_000 });
    expect(await svc().get(job.id)).toMatchObject({ status: 'completed', result: { finished: true } });
    expect(worker.getSnapshot().state).toBe('stopped');
  });

  it('stop() releases jobs still running after the grace period, uncounted, and aborts them', async () => {
    const job = await svc().enqueue({ jobType: 'stuck' });
    const started = deferred();
    let aborted = false;
    const worker = startWorker({
      processors: {
        stuck: (_job, { signal }) =>
          new Promise((_, reject) => {
            started.resolve();
            signal.addEventListener('abort', () => {
              aborted = true;
              reject(signal.reason);
            });
          }),
      },
    });
    await started.promise;
    await worker.stop({ graceMs: 50 });
    expect(aborted).toBe(true);
    expect(await svc().get(job.id)).toMatchObject({ status: 'pending', attempts: 0, errorMessage: null });
  });

  it('start() during stop() runs again once stopped (a React StrictMode remount)', async () => {
    const worker = startWorker({ processors: { again: () => ({ ok: true }) } });
    await worker.whenIdle();
    const stopping = worker.stop({ graceMs: 10 });
    worker.start();
    await stopping;
    expect(worker.getSnapshot().state).not.toBe('stopped');
    const job = await svc().enqueue({ jobType: 'again' });
    await expect.poll(async () => (await svc().get(job.id)).status, { timeout: 5_000 }).toBe('completed');
  });

  it('a second stop() waits for the stop already running', async () => {
    const job = await svc().enqueue({ jobType: 'twice' });
    const started = deferred();
    const release = deferred();
    const worker = startWorker({
      processors: {
        twice: async () => {
          started.resolve();
          await release.promise;
          return { ok: true };
        },
      },
    });
    await started.promise;
    const first = worker.stop({ graceMs: 5_000 });
    let secondDone = false;
    const second = worker.stop({ graceMs: 5_000 }).then(() => {
      secondDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(secondDone).toBe(false); // still waiting for the running job, like the first
    release.resolve();
    await Promise.all([first, second]);
    expect(worker.getSnapshot().state).toBe('stopped');
    expect((await svc().get(job.id)).status).toBe('completed');
  });
}
