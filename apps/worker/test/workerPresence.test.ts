import { readFileSync } from 'node:fs';
import { JobWorker, QueueClient, type Job } from '@tessera/queue';
import { PgTransport } from '@tessera/queue/pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkerPresence } from '../src/workerPresence';
import { createWorkerTestDatabase, type WorkerTestDatabase } from './support/database';
import { enqueue, statuses } from './support/jobs';
import { TEST_PROCESSORS, WorkerProcess } from './support/workerProcess';

interface WorkerRow {
  kind: string;
  user_id: string | null;
  job_types: string[] | null;
  version: string | null;
  running: number;
  processed: number;
  failed: number;
  stopped: boolean;
  alive: boolean;
}

let db: WorkerTestDatabase;
const processes: WorkerProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  db = await createWorkerTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await db.sql('truncate public.job_queue cascade');
  await db.sql('delete from public.queue_workers');
});
afterEach(async () => {
  await Promise.all(processes.splice(0).map((worker) => worker.dispose()));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function workerRow(workerId: string): Promise<WorkerRow | undefined> {
  const [row] = await db.sql<WorkerRow>(
    `select w.kind, w.user_id, w.job_types, w.version, w.running, w.processed::int, w.failed::int,
            w.stopped_at is not null as stopped, l.alive
       from public.queue_workers w
       left join public.list_workers() l on l.worker_id = w.worker_id
      where w.worker_id = $1`,
    [workerId],
  );
  return row;
}

const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

describe('Node worker presence (queue_workers)', () => {
  it('a running tessera-worker has a live row with its types and version; SIGTERM leaves it stopped with its counts', async () => {
    const ids = await enqueue(db, Array.from({ length: 3 }, () => ({ job_type: 'sleep', payload: { ms: 20 } })));
    const worker = new WorkerProcess([
      '--database-url', db.url, '--log-level', 'warn', '--processors', TEST_PROCESSORS, '--worker-id', 'presence-node',
      '--types', 'sleep,noop',
    ]);
    processes.push(worker);
    await worker.ready();
    await expect.poll(() => workerRow('presence-node'), { timeout: 10_000 }).toMatchObject({
      kind: 'node',
      user_id: null,
      job_types: ['noop', 'sleep'],
      version: packageVersion,
      stopped: false,
      alive: true,
    });
    await expect
      .poll(async () => (await statuses(db, ids)).every((job) => job.status === 'completed'), { timeout: 10_000 })
      .toBe(true);

    worker.kill('SIGTERM');
    expect((await worker.exit).code).toBe(0);
    expect(await workerRow('presence-node')).toMatchObject({ running: 0, processed: 3, failed: 0, stopped: true, alive: false });
  });

  it('reports on its interval what the JobWorker is doing: running, then processed and failed', async () => {
    const transport = new PgTransport({ connectionString: db.url, max: 4 });
    cleanups.push(() => transport.close());
    const client = new QueueClient(transport);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const worker = new JobWorker(client, {
      processors: {
        gated: async () => {
          await gate;
          return { ok: true };
        },
        broken: (job: Job) => {
          throw new Error(`broken ${job.id}`);
        },
      },
      workerId: 'presence-inprocess',
      concurrency: 2,
      intervalMs: 50,
      listen: false,
    });
    const presence = new WorkerPresence({
      client,
      workerId: 'presence-inprocess',
      jobTypes: null,
      version: 'test-1',
      intervalMs: 100,
      counters: () => {
        const snapshot = worker.getSnapshot();
        return { running: snapshot.activeJobs.length, processed: snapshot.processed, failed: snapshot.failed };
      },
    });
    cleanups.push(() => worker.stop({ graceMs: 0 }));

    await presence.start();
    expect(await workerRow('presence-inprocess')).toMatchObject({ kind: 'node', job_types: null, version: 'test-1', running: 0 });
    await enqueue(db, [{ job_type: 'gated' }, { job_type: 'broken', max_attempts: 1 }]);
    worker.start();
    await expect.poll(() => workerRow('presence-inprocess'), { timeout: 5_000 }).toMatchObject({ running: 1, failed: 1 });
    open();
    await expect.poll(() => workerRow('presence-inprocess'), { timeout: 5_000 }).toMatchObject({ running: 0, processed: 1 });
    await presence.stop();
    expect(await workerRow('presence-inprocess')).toMatchObject({ stopped: true, alive: false, processed: 1, failed: 1 });
    // Nothing more after stop(): the row stays as the last report left it.
    await db.sql("update public.queue_workers set processed = 42 where worker_id = 'presence-inprocess'");
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await workerRow('presence-inprocess')).toMatchObject({ processed: 42 });
  });

  it('a failed report goes to onError and does not throw; the next one retries', async () => {
    const transport = new PgTransport({ connectionString: db.url, max: 2 });
    cleanups.push(() => transport.close());
    const errors: unknown[] = [];
    let version = 'x'.repeat(101); // refused by the database (at most 100 characters)
    const presence = new WorkerPresence({
      client: new QueueClient(transport),
      workerId: 'presence-retry',
      jobTypes: ['sleep'],
      get version() {
        return version;
      },
      intervalMs: 50,
      counters: () => ({ running: 0, processed: 0, failed: 0 }),
      onError: (error) => errors.push(error),
    });
    cleanups.push(() => presence.stop());
    await presence.start();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(await workerRow('presence-retry')).toBeUndefined();
    version = '1.0.0';
    await expect.poll(() => workerRow('presence-retry'), { timeout: 5_000 }).toMatchObject({ version: '1.0.0', alive: true });
  });
});
