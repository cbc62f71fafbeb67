import { afterAll, beforeAll, expect, it } from 'vitest';
import { QueueClient } from '../src/client';
import { PgTransport } from '../src/transports/pg';
import { JobWorker } from '../src/worker/JobWorker';
import { createPgHarness, type QueueHarness } from './support/harness';

let h: QueueHarness & { url: string };
const transports: PgTransport[] = [];

beforeAll(async () => {
  h = await createPgHarness();
});
afterAll(async () => {
  await Promise.all(transports.map((transport) => transport.close()));
  await h?.close();
});

/** A separate connection pool per claimer, as separate worker processes would have. */
function claimerClient(): QueueClient {
  const transport = new PgTransport({ connectionString: h.url, max: 1 });
  transports.push(transport);
  return new QueueClient(transport);
}

const JOBS = 5_000;
const CLAIMERS = 8;

it(`8 concurrent claimers over ${JOBS} jobs complete every job exactly once`, async () => {
  await h.reset();
  await h.sql(`insert into public.job_queue (job_type, payload)
               select 'bulk', jsonb_build_object('n', n) from generate_series(1, ${JOBS}) n`);
  const claimedBy = new Map<string, string[]>();
  const run = async (index: number) => {
    const client = claimerClient();
    const workerId = `claimer-${index}`;
    let emptyClaims = 0;
    while (emptyClaims < 2) {
      const jobs = await client.claim({ workerId, limit: 10, jobTypes: ['bulk'] });
      if (jobs.length === 0) {
        emptyClaims += 1;
        continue;
      }
      for (const job of jobs) {
        claimedBy.set(job.id, [...(claimedBy.get(job.id) ?? []), workerId]);
        await client.complete(job.id, workerId, { by: workerId });
      }
    }
  };
  await Promise.all(Array.from({ length: CLAIMERS }, (_, index) => run(index)));

  const twice = [...claimedBy].filter(([, workers]) => workers.length > 1);
  expect(twice).toEqual([]);
  expect(claimedBy.size).toBe(JOBS);
  const [summary] = await h.sql<{ completed: number; attempts_one: number; claimers: number }>(`
    select count(*) filter (where status = 'completed')::int as completed,
           count(*) filter (where attempts = 1)::int as attempts_one,
           count(distinct locked_by)::int as claimers
      from public.job_queue`);
  expect(summary).toEqual({ completed: JOBS, attempts_one: JOBS, claimers: CLAIMERS });
});

it('4 JobWorkers with concurrency 5 share 1,000 jobs without running any twice', async () => {
  await h.reset();
  await h.sql(`insert into public.job_queue (job_type) select 'shared' from generate_series(1, 1000)`);
  const runs = new Map<string, number>();
  const workers = Array.from(
    { length: 4 },
    () =>
      new JobWorker(claimerClient(), {
        concurrency: 5,
        intervalMs: 60_000,
        processors: {
          shared: (job) => {
            runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          },
        },
      }),
  );
  workers.forEach((worker) => worker.start());
  await Promise.all(workers.map((worker) => worker.whenIdle()));
  await Promise.all(workers.map((worker) => worker.stop()));
  expect(runs.size).toBe(1_000);
  expect([...runs.values()].every((count) => count === 1)).toBe(true);
  const [row] = await h.sql<{ completed: number }>(
    `select count(*)::int as completed from public.job_queue where status = 'completed'`,
  );
  expect(row?.completed).toBe(1_000);
  expect(workers.reduce((sum, worker) => sum + worker.getSnapshot().processed, 0)).toBe(1_000);
});
