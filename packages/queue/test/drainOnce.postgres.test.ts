import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QueueClient } from '../src/client';
import { ValidationError } from '../src/errors';
import { PgTransport } from '../src/transports/pg';
import { drainOnce } from '../src/worker/drainOnce';
import { createPgHarness, service, type QueueHarness } from './support/harness';

// drainOnce: one bounded pass over the queue (the Edge Function's loop), on real Postgres.

let h: QueueHarness;
const client = () => h.client(service);

async function enqueue(jobType: string, count: number): Promise<void> {
  await h.sql(`select public.enqueue_job($1, jsonb_build_object('n', n)) from generate_series(1, $2) n`, [jobType, count]);
}

const counts = async () =>
  Object.fromEntries(
    (
      await h.sql<{ status: string; attempts: number; count: number }>(
        `select status || ':' || attempts as status, count(*)::int as count from public.job_queue group by 1`,
      )
    ).map((row) => [row.status, row.count]),
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  h = await createPgHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
});

describe('drainOnce', () => {
  it('returns at once when nothing is queued', async () => {
    const result = await drainOnce(client(), { 'drain.quick': () => null }, { maxMs: 10_000 });
    expect(result).toMatchObject({ processed: 0, released: 0, stoppedBy: 'empty', lastError: null });
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it('runs every queued job of its types, counting successes and failed attempts', async () => {
    await enqueue('drain.quick', 12);
    await enqueue('drain.broken', 2);
    await enqueue('drain.other', 1);
    const result = await drainOnce(
      client(),
      {
        'drain.quick': async () => {
          await sleep(5);
          return { ok: true };
        },
        'drain.broken': () => {
          throw new Error('boom');
        },
      },
      { concurrency: 3 },
    );
    expect(result).toMatchObject({ processed: 14, succeeded: 12, failed: 2, released: 0, stoppedBy: 'empty' });
    // The failed attempts wait for their backoff; a type without a processor here is left alone.
    expect(await counts()).toEqual({ 'completed:1': 12, 'pending:1': 2, 'pending:0': 1 });
  });

  it('starts exactly maxJobs, whatever the concurrency; what it claimed beyond goes back unattempted', async () => {
    await enqueue('drain.quick', 30);
    const started: string[] = [];
    const result = await drainOnce(
      client(),
      {
        'drain.quick': async (job) => {
          started.push(job.id);
          await sleep(Math.random() * 20);
          return null;
        },
      },
      { maxJobs: 7, concurrency: 4 },
    );
    expect(started).toHaveLength(7);
    expect(result).toMatchObject({ processed: 7, succeeded: 7, stoppedBy: 'maxJobs' });
    expect(await counts()).toEqual({ 'completed:1': 7, 'pending:0': 23 });
  });

  it('at maxMs aborts what still runs and releases it at once, even a processor that ignores its signal', async () => {
    await enqueue('drain.stubborn', 1);
    await enqueue('drain.polite', 2);
    const aborted: string[] = [];
    const started = performance.now();
    const result = await drainOnce(
      client(),
      {
        // Never looks at its signal: drainOnce must still end on time.
        'drain.stubborn': () => new Promise(() => undefined),
        'drain.polite': (_job, { signal }) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => {
              aborted.push(String((signal.reason as Error).name));
              reject(signal.reason);
            }),
          ),
      },
      { maxMs: 500, graceMs: 200, concurrency: 4 },
    );
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ processed: 0, released: 3, stoppedBy: 'maxMs' });
    expect(aborted).toEqual(['WorkerStoppingError', 'WorkerStoppingError']);
    // maxMs + grace + release round trip + the 1 s JobWorker gives an unresponsive processor.
    expect(elapsed).toBeLessThan(500 + 200 + 1_000 + 1_000);
    expect(await counts()).toEqual({ 'pending:0': 3 });
  });

  it("respects a job type's timeout: the attempt fails at its timeout, well before maxMs", async () => {
    await h.sql(`select public.set_job_type_settings('drain.hang', '{"timeout_seconds": 1}')`);
    try {
      await enqueue('drain.hang', 1);
      const result = await drainOnce(client(), { 'drain.hang': () => new Promise(() => undefined) }, { maxMs: 10_000 });
      expect(result).toMatchObject({ processed: 1, failed: 1, released: 0, stoppedBy: 'empty' });
      expect(result.durationMs).toBeLessThan(5_000);
      const [job] = await h.sql<{ status: string; attempts: number; error_message: string }>(
        'select status, attempts, error_message from public.job_queue',
      );
      expect(job).toMatchObject({ status: 'pending', attempts: 1, error_message: expect.stringMatching(/timeout/) });
    } finally {
      await h.sql(`delete from public.job_type_settings where job_type = 'drain.hang'`);
    }
  });

  it('gives up at once, saying why, when the database cannot be reached', async () => {
    const unreachable = new PgTransport({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    try {
      const result = await drainOnce(new QueueClient(unreachable), { 'drain.quick': () => null }, { maxMs: 10_000 });
      expect(result.stoppedBy).toBe('error');
      expect(result.lastError).toMatch(/ECONNREFUSED|connect/);
      expect(result.durationMs).toBeLessThan(5_000);
    } finally {
      await unreachable.close();
    }
  });

  it('needs at least one job type', async () => {
    await expect(drainOnce(client(), {})).rejects.toBeInstanceOf(ValidationError);
  });
});
