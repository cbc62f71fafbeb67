import { PgTransport } from '@tessera/queue/pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startScheduleTicker } from '../src/scheduleTicker';
import { createWorkerTestDatabase, type WorkerTestDatabase } from './support/database';
import { WorkerProcess } from './support/workerProcess';

let db: WorkerTestDatabase;
const workers: WorkerProcess[] = [];
const transports: PgTransport[] = [];

beforeAll(async () => {
  db = await createWorkerTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await db.sql('truncate public.job_queue cascade');
  await db.sql('delete from public.job_schedules');
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.dispose()));
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

/** A schedule written as an admin would (upsert_job_schedule), by SQL as the superuser (service role). */
async function schedule(name: string, cron: string, jobType = 'noop'): Promise<void> {
  await db.sql(`select public.upsert_job_schedule($1, $2, $3)`, [name, cron, jobType]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('schedule ticking in the Node worker', () => {
  it('two tickers racing on every slot of a per-second schedule enqueue exactly one job per slot', async () => {
    await schedule('every.second', '* * * * * *');
    const ran: string[][] = [[], []];
    const tickers = ran.map((mine) => {
      // Each ticker has its own pool: the race is between connections, as between processes.
      const transport = new PgTransport({ connectionString: db.url, max: 2 });
      transports.push(transport);
      // The interval is longer than the test: each tick is timed by the next slot.
      return startScheduleTicker(transport, pino({ level: 'silent' }), {
        intervalMs: 60_000,
        onTick: (outcome) => mine.push(...outcome.ran.map((run) => run.slot.toISOString())),
      });
    });
    await sleep(4_000);
    await Promise.all(tickers.map((ticker) => ticker.stop()));

    const jobs = await db.sql<{ job_key: string }>(`select job_key from public.job_queue order by job_key`);
    const slots = [...ran[0]!, ...ran[1]!].sort();
    // About one slot per second for 4 s; every slot run by exactly one of the two.
    expect(slots.length).toBeGreaterThanOrEqual(2);
    expect(new Set(slots).size).toBe(slots.length);
    expect(jobs.map((job) => job.job_key)).toEqual(slots.map((slot) => `schedule:every.second:${slot.replace('.000Z', 'Z')}`));
  });

  it('tessera-worker ticks a due schedule at start and runs its job; --no-schedules leaves it alone', async () => {
    await schedule('nightly.noop', '0 0 * * *');
    await db.sql(`update public.job_schedules set next_run_at = date_trunc('minute', now()) - interval '1 hour'`);
    const quiet = new WorkerProcess(['--database-url', db.url, '--log-level', 'warn', '--no-schedules']);
    workers.push(quiet);
    await quiet.ready();
    await sleep(1_500);
    expect(await db.sql('select id from public.job_queue')).toEqual([]);
    quiet.kill('SIGTERM');
    await quiet.exit;

    const worker = new WorkerProcess(['--database-url', db.url, '--log-level', 'warn']);
    workers.push(worker);
    await worker.ready();
    await expect
      .poll(async () => db.sql<{ job_key: string; status: string }>('select job_key, status from public.job_queue'), {
        timeout: 15_000,
      })
      .toEqual([{ job_key: expect.stringMatching(/^schedule:nightly\.noop:/), status: 'completed' }]);
    const [row] = await db.sql<{ ahead: boolean }>(`select next_run_at > now() as ahead from public.job_schedules`);
    expect(row).toEqual({ ahead: true });
  });
});
