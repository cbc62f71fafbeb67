import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkerTestDatabase, type WorkerTestDatabase } from './support/database';
import { enqueue } from './support/jobs';
import { WorkerProcess } from './support/workerProcess';

// The JobWorker `debug` option wired to the worker's pino logger: on at --log-level debug (and
// off otherwise: see the core's lifecycle suite). One worker start only: each takes seconds.

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

/** Runs `--once` over 3 noop jobs and 1 without a processor (it fails for good); returns the JSON log lines. */
async function drainWith(logLevel: string): Promise<Array<Record<string, unknown>>> {
  await enqueue(db, [{ job_type: 'noop' }, { job_type: 'noop' }, { job_type: 'noop' }, { job_type: 'nothing.here' }]);
  const worker = new WorkerProcess(['--database-url', db.url, '--once', '--types', 'noop,nothing.here', '--log-level', logLevel]);
  workers.push(worker);
  expect((await worker.exit).code).toBe(0);
  return worker.output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('tessera-worker debug drain summary', () => {
  it('logs "Processed X jobs: Y succeeded, Z failed" once per drain at --log-level debug', async () => {
    const drains = (await drainWith('debug')).filter((line) => line.event === 'drain');
    expect(drains.map((line) => line.msg)).toEqual(['Processed 4 jobs: 3 succeeded, 1 failed']);
    expect(drains[0]).toMatchObject({ level: 20 }); // pino's debug
  });
});
