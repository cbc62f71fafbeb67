import { QueueClient } from '@tessera/queue';
import { PgTransport } from '@tessera/queue/pg';
import { createBenchDatabase, withClient } from './database';
import { percentile } from './measure';
import { tessera } from './systems/tessera';

export interface ClaimLatency {
  /** Claim p50 (claim_jobs, limit 10, one round trip) in ms. */
  emptyP50: number;
  historyP50NoAnalyze: number;
  historyP50: number;
  historyRows: number;
  historyInsertMs: number;
}

const PENDING = 2_000;
const CLAIMS = 150;

// History as a year of finished jobs would leave it: 9 in 10 completed, 1 in 10 failed.
const HISTORY_SQL = `
insert into public.job_queue (job_type, status, attempts, progress, locked_by, error_message,
                              created_at, updated_at, run_at, started_at, completed_at)
select 'noop', case when n % 10 = 0 then 'failed' else 'completed' end, 1, 100, 'history',
       case when n % 10 = 0 then 'boom' end, t, t, t, t, t
  from generate_series(1, $1::int) n, lateral (select now() - make_interval(secs => n) as t) at`;

/** Claim p50 while claiming and completing PENDING jobs, 10 per claim. */
async function claimP50(url: string): Promise<number> {
  const transport = new PgTransport({ connectionString: url, max: 1 });
  const queue = new QueueClient(transport);
  try {
    await queue.enqueueMany(Array.from({ length: PENDING }, () => ({ jobType: 'noop' })));
    const latencies: number[] = [];
    for (let i = 0; i < CLAIMS; i += 1) {
      const start = performance.now();
      const jobs = await queue.claim({ workerId: 'bench', limit: 10, jobTypes: ['noop'] });
      latencies.push(performance.now() - start);
      await queue.completeMany(jobs.map((job) => ({ jobId: job.id })), 'bench');
    }
    return percentile(latencies.slice(5), 50);
  } finally {
    await transport.close();
  }
}

/** Claim cost on an empty table and with `historyRows` finished jobs, with and without ANALYZE. */
export async function measureClaimLatency(historyRows: number): Promise<ClaimLatency> {
  const empty = await createBenchDatabase();
  let emptyP50: number;
  try {
    await tessera.install(empty.url);
    await withClient(empty.url, (client) => client.query('analyze'));
    emptyP50 = await claimP50(empty.url);
  } finally {
    await empty.drop();
  }
  const db = await createBenchDatabase();
  try {
    await tessera.install(db.url);
    const insertStart = performance.now();
    await withClient(db.url, (client) => client.query(HISTORY_SQL, [historyRows]));
    const historyInsertMs = performance.now() - insertStart;
    // No statistics yet: the plan must not depend on them.
    const historyP50NoAnalyze = await claimP50(db.url);
    await withClient(db.url, (client) => client.query('analyze'));
    const historyP50 = await claimP50(db.url);
    return { emptyP50, historyP50NoAnalyze, historyP50, historyRows, historyInsertMs };
  } finally {
    await db.drop();
  }
}
