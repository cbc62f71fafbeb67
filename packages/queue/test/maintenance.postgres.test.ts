import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { PgTransport } from '../src/transports/pg';
import { MaintenanceRunner, type MaintenanceOutcome } from '../src/worker/MaintenanceRunner';
import { createPgHarness, type QueueHarness } from './support/harness';

let h: QueueHarness & { url: string };
const transports: PgTransport[] = [];

/** A runner in its own "process": its own connection pool, as the service role. */
function runner(options: { intervalMs?: number; onTick?: (outcome: MaintenanceOutcome) => void } = {}) {
  const transport = new PgTransport({ connectionString: h.url, max: 1 });
  transports.push(transport);
  return new MaintenanceRunner({ transport, ...options });
}

async function stalledJob(): Promise<string> {
  const [row] = await h.sql<{ id: string }>(
    `insert into public.job_queue (job_type, status, attempts, locked_by, locked_until, started_at)
     values ('stuck', 'processing', 1, 'dead-worker', now() - interval '1 minute', now()) returning id`,
  );
  return row!.id;
}

const statusOf = async (id: string) =>
  (await h.sql<{ status: string }>('select status from public.job_queue where id = $1', [id]))[0]?.status;

beforeAll(async () => {
  h = await createPgHarness();
});
afterAll(async () => {
  await Promise.all(transports.map((transport) => transport.close()));
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
  await h.sql('delete from tessera.maintenance_runs');
});

it('requeues stalled jobs and deletes old finished ones (no pg_cron here)', async () => {
  const stuck = await stalledJob();
  await h.sql(`insert into public.job_queue (job_type, status, completed_at) values ('old', 'completed', now() - interval '8 days')`);
  const outcome = await runner().runOnce();
  expect(outcome).toMatchObject({ kind: 'ran', run: { requeued: 1, cleaned: 1 } });
  expect(await statusOf(stuck)).toBe('pending');
  expect(await h.sql(`select id from public.job_queue where job_type = 'old'`)).toEqual([]);
});

it('one runner at a time: another process holding the lock makes the tick a no-op', async () => {
  const stuck = await stalledJob();
  const holder = new PgTransport({ connectionString: h.url, max: 1 });
  transports.push(holder);
  const client = await holder.pool.connect();
  try {
    await client.query('select pg_advisory_lock(tessera.maintenance_lock_key())');
    expect(await runner().runOnce()).toEqual({ kind: 'locked' });
    expect(await statusOf(stuck)).toBe('processing');
  } finally {
    await client.query('select pg_advisory_unlock(tessera.maintenance_lock_key())');
    client.release();
  }
  expect(await runner().runOnce()).toMatchObject({ kind: 'ran', run: { requeued: 1 } });
});

it('many runners ticking together do the work once per period', async () => {
  await stalledJob();
  const outcomes = await Promise.all(Array.from({ length: 6 }, () => runner().runOnce()));
  const requeued = outcomes.flatMap((outcome) => (outcome.kind === 'ran' ? [outcome.run.requeued] : []));
  // Exactly one runner did the requeue; the others were locked out or found it not due.
  expect(requeued.filter((count) => count !== null)).toEqual([1]);
  const [runs] = await h.sql<{ n: number }>(
    `select count(*)::int as n from tessera.maintenance_runs where task = 'requeue_stalled'`,
  );
  expect(runs?.n).toBe(1);
});

it('started, it ticks on its own until stopped', async () => {
  const stuck = await stalledJob();
  const ticks: MaintenanceOutcome[] = [];
  const started = runner({ intervalMs: 50, onTick: (outcome) => ticks.push(outcome) });
  started.start();
  await expect.poll(() => ticks.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  await started.stop();
  const count = ticks.length;
  expect(await statusOf(stuck)).toBe('pending');
  expect(ticks[0]).toMatchObject({ kind: 'ran', run: { requeued: 1 } });
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(ticks.length).toBe(count);
});
