import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentJobError } from '../../src/errors';
import { drainOnce } from '../../src/worker/drainOnce';
import { JobWorker } from '../../src/worker/JobWorker';
import type { LifecycleEvent } from '../../src/worker/lifecycle';
import type { JobWorkerOptions } from '../../src/worker/types';
import { expireLease, makeDue } from '../contract/context';
import { service, type QueueHarness } from '../support/harness';

// Lifecycle events (completed, failed, retrying, stalled) and the debug drain summary, on a
// real database: the events come from the recorded outcomes, so they are tested against them.

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function describeLifecycle(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`lifecycle events (${name})`, () => {
    let h: QueueHarness;
    const svc = () => h.client(service);
    const workers: JobWorker[] = [];
    const startWorker = (options: JobWorkerOptions) => {
      const worker = new JobWorker(svc(), { intervalMs: 60_000, ...options });
      workers.push(worker);
      return worker.start();
    };

    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await h.reset();
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((worker) => worker.stop({ graceMs: 100 })));
    });

    it('emits completed with the job and its duration, to on(type), on("*") and onLifecycle', async () => {
      const job = await svc().enqueue({ jobType: 'life.ok', payload: { n: 1 } });
      const all: LifecycleEvent[] = [];
      const completed: LifecycleEvent[] = [];
      const failed: LifecycleEvent[] = [];
      const worker = new JobWorker(svc(), {
        intervalMs: 60_000,
        processors: { 'life.ok': () => ({ ok: true }) },
        onLifecycle: (event) => all.push(event),
      });
      workers.push(worker);
      worker.on('completed', (event) => completed.push(event));
      const offFailed = worker.on('failed', (event) => failed.push(event));
      offFailed();
      worker.start();
      await worker.whenIdle();
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({ type: 'completed', job: { id: job.id, jobType: 'life.ok', payload: { n: 1 } } });
      expect(completed[0]!.durationMs).toBeGreaterThanOrEqual(0);
      expect(completed[0]!.error).toBeUndefined();
      expect(all.map((event) => event.type)).toEqual(['completed']);
      expect(failed).toEqual([]);
      expect((await svc().get(job.id)).status).toBe('completed');
    });

    for (const batch of [false, true]) {
      it(`emits retrying while attempts remain, then failed for good (${batch ? 'batched' : 'one by one'})`, async () => {
        const job = await svc().enqueue({ jobType: 'life.flaky', maxAttempts: 2 });
        const events: LifecycleEvent[] = [];
        const worker = startWorker({
          batch,
          processors: {
            'life.flaky': (claimed) => {
              throw new Error(`boom ${claimed.attempts}`);
            },
          },
          onLifecycle: (event) => events.push(event),
        });
        await worker.whenIdle();
        expect(events).toHaveLength(1);
        const row = await svc().get(job.id);
        expect(row).toMatchObject({ status: 'pending', attempts: 1 });
        expect(events[0]).toMatchObject({ type: 'retrying', error: 'boom 1', job: { id: job.id, attempts: 1, maxAttempts: 2 } });
        // One by one, fail_job returned the row: retryAt is the recorded run_at. fail_jobs returns ids only.
        if (batch) expect(events[0]!.retryAt).toBeUndefined();
        else expect(events[0]!.retryAt?.getTime()).toBe(row.runAt.getTime());

        await makeDue(h, job.id);
        worker.wake();
        await expect.poll(() => events.length, { timeout: 5_000 }).toBe(2);
        expect(events[1]).toMatchObject({ type: 'failed', error: 'boom 2', job: { id: job.id, attempts: 2 } });
        expect(events[1]!.retryAt).toBeUndefined();
        expect(await svc().get(job.id)).toMatchObject({ status: 'failed', attempts: 2 });
      });
    }

    it('emits failed at once for a PermanentJobError, attempts left or not', async () => {
      const job = await svc().enqueue({ jobType: 'life.bad', maxAttempts: 5 });
      const events: LifecycleEvent[] = [];
      const worker = startWorker({
        batch: true,
        processors: {
          'life.bad': () => {
            throw new PermanentJobError('bad input');
          },
        },
        onLifecycle: (event) => events.push(event),
      });
      await worker.whenIdle();
      expect(events.map((event) => [event.type, event.error])).toEqual([['failed', 'bad input']]);
      expect(await svc().get(job.id)).toMatchObject({ status: 'failed', attempts: 1 });
    });

    it('emits stalled when the lease expired and maintenance requeued the job while it ran', async () => {
      const job = await svc().enqueue({ jobType: 'life.slow' });
      const started = deferred();
      const events: LifecycleEvent[] = [];
      const worker = startWorker({
        heartbeatMs: 50,
        processors: {
          'life.slow': async (claimed, { signal }) => {
            if (claimed.attempts > 1) return { run: claimed.attempts };
            started.resolve();
            await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
            return { late: true };
          },
        },
        onLifecycle: (event) => events.push(event),
      });
      await started.promise;
      await expireLease(h, job.id);
      const [requeued] = await h.sql<{ n: number }>('select public.requeue_stalled() as n');
      expect(requeued?.n).toBe(1);
      await expect.poll(() => events[0]?.type, { timeout: 5_000 }).toBe('stalled');
      expect(events[0]).toMatchObject({ job: { id: job.id, attempts: 1 } });
      // Requeued, the job runs again (here on the same worker, at once or when woken); the late
      // result of the lost run is dropped.
      worker.wake();
      await expect.poll(() => events.map((event) => event.type), { timeout: 5_000 }).toEqual(['stalled', 'completed']);
      expect(await svc().get(job.id)).toMatchObject({ status: 'completed', attempts: 2, result: { run: 2 } });
    });

    it('a throwing listener goes to onError and does not stop the others or the loop', async () => {
      await svc().enqueue({ jobType: 'life.ok' });
      await svc().enqueue({ jobType: 'life.ok' });
      const errors: unknown[] = [];
      const heard: string[] = [];
      const worker = new JobWorker(svc(), {
        intervalMs: 60_000,
        processors: { 'life.ok': () => null },
        onError: (error) => errors.push(error),
      });
      workers.push(worker);
      worker.on('completed', () => {
        throw new Error('listener broke');
      });
      worker.on('*', (event) => heard.push(event.type));
      worker.start();
      await worker.whenIdle();
      expect(heard).toEqual(['completed', 'completed']);
      expect(errors.map((error) => (error as Error).message)).toEqual(['listener broke', 'listener broke']);
      expect(worker.getSnapshot().processed).toBe(2);
    });

    it('debug: logs one summary line each time the worker goes idle after work, through the given logger', async () => {
      for (let i = 0; i < 3; i += 1) await svc().enqueue({ jobType: 'life.ok' });
      await svc().enqueue({ jobType: 'life.bad' });
      const lines: string[] = [];
      const worker = startWorker({
        concurrency: 2,
        debug: true,
        logger: { debug: (message) => lines.push(message) },
        processors: {
          'life.ok': () => null,
          'life.bad': () => {
            throw new PermanentJobError('nope');
          },
        },
      });
      await worker.whenIdle();
      expect(lines).toEqual(['Processed 4 jobs: 3 succeeded, 1 failed']);
      // Woken with nothing to do: no line. Woken with one job: a line for that drain only.
      worker.wake();
      await worker.whenIdle();
      expect(lines).toHaveLength(1);
      await svc().enqueue({ jobType: 'life.ok' });
      worker.wake();
      await expect.poll(() => lines, { timeout: 5_000 }).toEqual([
        'Processed 4 jobs: 3 succeeded, 1 failed',
        'Processed 1 jobs: 1 succeeded, 0 failed',
      ]);
    });

    it('debug off: the logger is never called', async () => {
      await svc().enqueue({ jobType: 'life.ok' });
      const lines: string[] = [];
      const worker = startWorker({ logger: { debug: (message) => lines.push(message) }, processors: { 'life.ok': () => null } });
      await worker.whenIdle();
      expect(worker.getSnapshot().processed).toBe(1);
      expect(lines).toEqual([]);
    });

    it('drainOnce: passes lifecycle events through and logs its drain once', async () => {
      for (let i = 0; i < 5; i += 1) await svc().enqueue({ jobType: 'life.ok' });
      await svc().enqueue({ jobType: 'life.flaky', maxAttempts: 3 });
      const lines: string[] = [];
      const types: string[] = [];
      const result = await drainOnce(
        svc(),
        {
          'life.ok': () => null,
          'life.flaky': () => {
            throw new Error('again');
          },
        },
        { debug: true, logger: { debug: (message) => lines.push(message) }, onLifecycle: (event) => types.push(event.type) },
      );
      expect(result).toMatchObject({ succeeded: 5, failed: 1, stoppedBy: 'empty' });
      expect(types.sort()).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'retrying']);
      expect(lines).toEqual(['Processed 6 jobs: 5 succeeded, 1 failed']);
    });

    it('drainOnce stopped at maxJobs still logs what it ran', async () => {
      for (let i = 0; i < 4; i += 1) await svc().enqueue({ jobType: 'life.ok' });
      const lines: string[] = [];
      const result = await drainOnce(svc(), { 'life.ok': () => null }, {
        maxJobs: 2,
        concurrency: 1,
        debug: true,
        logger: { debug: (message) => lines.push(message) },
      });
      expect(result).toMatchObject({ succeeded: 2, stoppedBy: 'maxJobs' });
      expect(lines).toEqual(['Processed 2 jobs: 2 succeeded, 0 failed']);
    });
  });
}
