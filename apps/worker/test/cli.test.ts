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
  const worker = new WorkerProcess(['--database-url', db.url, '--log-level', 'warn', ...args]);
  workers.push(worker);
  return worker;
}

describe('tessera-worker', () => {
  it('runs the built-in processors and stores their results', async () => {
    const worker = startWorker();
    await worker.ready();
    const ids = await enqueue(db, [
      { job_type: 'noop' },
      { job_type: 'noop' },
      { job_type: 'demo.render', payload: { title: 'Certificate of attendance', steps: 2 } },
    ]);
    await expect
      .poll(async () => (await statuses(db, ids)).every((job) => job.status === 'completed'), { timeout: 10_000 })
      .toBe(true);
    const render = (await statuses(db, ids)).find((job) => job.id === ids[2]);
    expect(render?.result).toEqual({ rendered: 'Certificate of attendance', pages: 2 });
  });

  it('--once drains the queue, then exits 0', async () => {
    const ids = await enqueue(
      db,
      Array.from({ length: 40 }, (_, n) => ({ job_type: n % 2 ? 'noop' : 'sleep', payload: { ms: 5 } })),
    );
    const worker = startWorker('--once', '--concurrency', '4', '--processors', TEST_PROCESSORS);
    expect(await worker.exit).toEqual({ code: 0, signal: null });
    expect((await statuses(db, ids)).every((job) => job.status === 'completed')).toBe(true);
  });

  it('runs only the job types given with --types', async () => {
    const [email, other] = await enqueue(db, [{ job_type: 'noop' }, { job_type: 'sleep', payload: { ms: 1 } }]);
    const worker = startWorker('--once', '--types', 'noop', '--processors', TEST_PROCESSORS);
    expect((await worker.exit).code).toBe(0);
    expect(Object.fromEntries((await statuses(db, [email!, other!])).map((job) => [job.id, job.status]))).toEqual({
      [email!]: 'completed',
      [other!]: 'pending',
    });
  });

  it('serves /healthz and Prometheus metrics at /metrics', async () => {
    const worker = startWorker('--http-port', '0');
    const { httpPort } = await worker.ready();
    await enqueue(db, [{ job_type: 'noop' }, { job_type: 'noop' }]);
    await expect.poll(async () => (await countByStatus(db)).completed ?? 0, { timeout: 10_000 }).toBe(2);
    const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', processed: 2, failed: 0 });
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^tessera_worker_jobs_processed_total\{job_type="noop"\} 2$/m);
    expect(metrics).toMatch(/^tessera_worker_job_duration_seconds_count\{job_type="noop",outcome="completed"\} 2$/m);
    expect(metrics).toMatch(/^tessera_queue_depth\{job_type="noop",state="pending"\} 0$/m);
    expect(metrics).toContain('tessera_worker_jobs_failed_total');
    expect((await fetch(`http://127.0.0.1:${httpPort}/nope`)).status).toBe(404);
  });

  it('refuses bad options with a clear message and exit code 2', async () => {
    const worker = new WorkerProcess(['--database-url', 'mysql://nope', '--concurrency', 'lots', '--lease', '0']);
    workers.push(worker);
    expect((await worker.exit).code).toBe(2);
    expect(worker.output).toContain('--database-url must be a postgres:// connection string');
    expect(worker.output).toContain('--concurrency must be a number');
    expect(worker.output).toContain('--lease must be at least 1');
  });

  it('refuses to start without PUBLIC_APP_URL (or with a wrong one), naming the variable', async () => {
    const unset = new WorkerProcess(['--database-url', db.url], { PUBLIC_APP_URL: undefined });
    const wrong = new WorkerProcess(['--database-url', db.url], { PUBLIC_APP_URL: 'app.example.org' });
    workers.push(unset, wrong);
    expect((await unset.exit).code).toBe(2);
    expect(unset.output).toContain('PUBLIC_APP_URL is not set');
    expect((await wrong.exit).code).toBe(2);
    expect(wrong.output).toContain('PUBLIC_APP_URL must be an absolute http(s) URL');
    expect([...unset.messages, ...wrong.messages].some((message) => message.type === 'ready')).toBe(false);
    // The flag stands in for the variable.
    const flagged = new WorkerProcess(['--database-url', db.url, '--public-app-url', 'https://app.example.org/'], {
      PUBLIC_APP_URL: undefined,
    });
    workers.push(flagged);
    await flagged.ready();
  });

  it('keeps working after its database connections are cut (as when Postgres restarts)', async () => {
    const worker = startWorker('--poll-interval-ms', '500');
    await worker.ready();
    const [before] = await enqueue(db, [{ job_type: 'noop' }]);
    await expect.poll(async () => (await statuses(db, [before!]))[0]?.status, { timeout: 10_000 }).toBe('completed');
    await db.sql(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    const [after] = await enqueue(db, [{ job_type: 'noop' }]);
    await expect.poll(async () => (await statuses(db, [after!]))[0]?.status, { timeout: 15_000 }).toBe('completed');
  });
});
