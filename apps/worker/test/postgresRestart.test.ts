// Fault test: the Postgres server restarts (fast shutdown, a few seconds down, started again)
// while real tessera-worker processes run jobs. The server is an embedded Postgres of this file's
// own (own port and data directory), so the machine's shared cluster is never touched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestartablePostgres, type RestartablePostgres } from '../../../packages/queue/test/support/restartablePostgres';
import { createMigratedDatabase, databaseUrl } from '../../../packages/queue/test/support/testDatabase';
import { WorkerProcess } from './support/workerProcess';

const TALLY_PROCESSORS = fileURLToPath(new URL('./fixtures/tallyProcessors.ts', import.meta.url));
const JOBS = 120;
const JOB_MS = 150;
const DOWN_MS = 3_000;
// Longer than the time down, so a lease held across the restart is still ours afterwards (the
// heartbeat renews it every lease / 3); a lost lease would be a legitimate second run.
const LEASE_SECONDS = 10;
// Far longer than the test waits for the jobs after the restart: they finish because the
// workers reconnect and hear NOTIFY again (and retry claims after errors), not because they poll.
const POLL_MS = 20_000;

let server: RestartablePostgres;
let url: string;
let db: pg.Pool;
let dir: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  server = await startRestartablePostgres();
  await createMigratedDatabase(server.adminUrl, 'tessera_restart');
  url = databaseUrl(server.adminUrl, 'tessera_restart');
  db = new pg.Pool({ connectionString: url, max: 2 });
  db.on('error', () => undefined); // its idle connections die with the server
  dir = mkdtempSync(join(tmpdir(), 'tessera-restart-'));
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.dispose()));
  await db?.end().catch(() => undefined);
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sql = async <T>(text: string, params?: unknown[]) => (await db.query(text, params)).rows as T[];

async function enqueueTally(count: number, tally: string, ms = JOB_MS, priority = 5): Promise<string[]> {
  const jobs = Array.from({ length: count }, () => ({ job_type: 'tally', priority, payload: { ms, tally } }));
  const rows = await sql<{ id: string }>('select id from public.enqueue_jobs($1::jsonb)', [JSON.stringify(jobs)]);
  return rows.map((row) => row.id);
}

/** Job id → how many runs of it reached their end (lines the processor appended). */
function runsPerJob(tally: string): Map<string, number> {
  const runs = new Map<string, number>();
  for (const line of readFileSync(tally, 'utf8').split('\n').filter(Boolean)) {
    const id = line.split(' ')[0]!;
    runs.set(id, (runs.get(id) ?? 0) + 1);
  }
  return runs;
}

async function isRunning(worker: WorkerProcess): Promise<boolean> {
  return Promise.race([worker.exit.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 50))]);
}

const statusCounts = async (ids: string[]) =>
  Object.fromEntries(
    (
      await sql<{ status: string; n: number }>(
        'select status, count(*)::int as n from public.job_queue where id = any($1::uuid[]) group by status',
        [ids],
      )
    ).map((row) => [row.status, row.n]),
  );

describe('Postgres restarted while tessera-worker processes run', () => {
  it('the workers survive, reconnect (LISTEN too) and finish every job exactly once', async () => {
    const tally = join(dir, 'tally.log');
    writeFileSync(tally, '');
    // Two long jobs, claimed first, run right across the restart: their heartbeats fail while
    // the server is down, and they finish after it is back.
    const long = await enqueueTally(2, tally, DOWN_MS + 2_500, 1);
    const ids = [...long, ...(await enqueueTally(JOBS - long.length, tally))];
    for (const workerId of ['restart-a', 'restart-b']) {
      const worker = new WorkerProcess([
        '--database-url', url, '--log-level', 'warn', '--processors', TALLY_PROCESSORS, '--worker-id', workerId,
        '--concurrency', '4', '--lease', String(LEASE_SECONDS), '--poll-interval-ms', String(POLL_MS),
      ]);
      workers.push(worker);
    }
    await Promise.all(workers.map((worker) => worker.ready()));

    // Mid-run: some jobs done, many still pending or running.
    await expect.poll(() => runsPerJob(tally).size, { timeout: 15_000, interval: 20 }).toBeGreaterThanOrEqual(20);
    expect([...runsPerJob(tally).keys()].filter((id) => long.includes(id))).toEqual([]);
    expect(await statusCounts(long)).toEqual({ processing: 2 });
    await server.stop();
    const doneBeforeStop = runsPerJob(tally).size;
    expect(doneBeforeStop).toBeLessThan(JOBS);
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    for (const worker of workers) expect(await isRunning(worker), worker.output).toBe(true);
    await server.start();

    await expect.poll(() => statusCounts(ids), { timeout: 25_000, interval: 200 }).toEqual({ completed: JOBS });
    const runs = runsPerJob(tally);
    expect(runs.size).toBe(JOBS);
    expect([...runs.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    expect(new Set(runs.keys())).toEqual(new Set(ids));
    // Every job ran on its first claim: no lease expired, no claim was lost in the restart.
    expect(await sql('select id, attempts, locked_by from public.job_queue where attempts <> 1')).toEqual([]);

    // Each worker saw its LISTEN connection drop, and listens again on the restarted server.
    for (const worker of workers) expect(worker.output).toContain('LISTEN connection lost');
    await expect
      .poll(
        async () =>
          (await sql<{ n: number }>(`select count(*)::int as n from pg_stat_activity where query = 'listen "tessera_jobs"'`))[0]!.n,
        { timeout: 10_000, interval: 100 },
      )
      .toBe(workers.length);
    // Woken by NOTIFY (their poll is POLL_MS away): new jobs run at once.
    const later = await enqueueTally(10, tally);
    await expect.poll(() => statusCounts(later), { timeout: 5_000, interval: 50 }).toEqual({ completed: 10 });

    for (const worker of workers) expect(await isRunning(worker), worker.output).toBe(true);
    for (const worker of workers) worker.kill('SIGTERM');
    for (const worker of workers) expect(await worker.exit, worker.output).toEqual({ code: 0, signal: null });
    expect(await statusCounts([...ids, ...later])).toEqual({ completed: JOBS + 10 });
  });
});
