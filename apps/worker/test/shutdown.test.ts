import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkerTestDatabase, type WorkerTestDatabase } from './support/database';
import { countByStatus, enqueue, statuses } from './support/jobs';
import { TEST_PROCESSORS, WorkerProcess } from './support/workerProcess';

let db: WorkerTestDatabase;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  db = await createWorkerTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await db.sql('truncate public.job_queue cascade');
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.dispose()));
});

function startWorker(...args: string[]): WorkerProcess {
  const worker = new WorkerProcess(['--database-url', db.url, '--log-level', 'warn', '--processors', TEST_PROCESSORS, ...args]);
  workers.push(worker);
  return worker;
}

describe('tessera-worker shutdown', () => {
  it('SIGKILL mid-job: the job is reclaimed after its lease and completed by another worker', async () => {
    const [jobId] = await enqueue(db, [{ job_type: 'sleep', payload: { ms: 60_000, retryMs: 10 } }]);
    const doomed = startWorker('--lease', '2', '--worker-id', 'doomed');
    await doomed.waitFor((message) => message.type === 'started' && message.jobId === jobId);
    doomed.kill('SIGKILL');
    expect((await doomed.exit).signal).toBe('SIGKILL');
    expect((await statuses(db, [jobId!]))[0]).toMatchObject({ status: 'processing', locked_by: 'doomed', attempts: 1 });

    // The rescuer gets no notification for an expired lease: its fallback poll finds it.
    const rescuer = startWorker('--lease', '2', '--worker-id', 'rescuer', '--poll-interval-ms', '250');
    await rescuer.waitFor((message) => message.type === 'finished' && message.jobId === jobId, 20_000);
    await expect.poll(async () => (await statuses(db, [jobId!]))[0], { timeout: 10_000 }).toMatchObject({
      status: 'completed',
      locked_by: 'rescuer',
      attempts: 2,
      result: { slept: 10, attempt: 2 },
    });
  });

  it('SIGTERM: running jobs finish and every finished run is recorded; prefetched jobs go back at once, uncounted', async () => {
    const ids = await enqueue(db, Array.from({ length: 30 }, () => ({ job_type: 'sleep', payload: { ms: 400 } })));
    const worker = startWorker('--concurrency', '3', '--prefetch', '6', '--grace-ms', '10000', '--batch-delay-ms', '200');
    await worker.waitFor(() => worker.messages.filter((message) => message.type === 'started').length === 3);
    worker.kill('SIGTERM');
    expect(await worker.exit).toEqual({ code: 0, signal: null });

    const finished = new Set(worker.finished());
    expect(finished.size).toBeGreaterThanOrEqual(3);
    const after = await statuses(db, ids);
    // No completion lost: each run whose handler finished is recorded, even those waiting in a batch.
    for (const job of after.filter((row) => finished.has(row.id))) expect(job.status).toBe('completed');
    // Everything else is back in the queue now, its attempt not counted; nothing waits for a lease.
    for (const job of after.filter((row) => !finished.has(row.id))) expect(job).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await countByStatus(db)).processing).toBeUndefined();
  });

  it('SIGTERM: a job still running when the grace period ends is released at once, not left to its lease', async () => {
    const [jobId] = await enqueue(db, [{ job_type: 'sleep', payload: { ms: 60_000 } }]);
    const worker = startWorker('--grace-ms', '200');
    await worker.waitFor((message) => message.type === 'started' && message.jobId === jobId);
    worker.kill('SIGTERM');
    expect((await worker.exit).code).toBe(0);
    expect((await statuses(db, [jobId!]))[0]).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
