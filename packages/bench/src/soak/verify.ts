import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';

export const OK_TYPE = 'soak.ok';
export const FAIL_TYPE = 'soak.fail';

export interface JobRow {
  id: string;
  job_type: string;
  status: string;
  attempts: number;
  max_attempts: number;
  errors: number;
}

export interface Violation {
  kind: 'count' | 'state' | 'attempts' | 'errors' | 'runs' | 'unknown job';
  jobId?: string;
  detail: string;
}

/** Job id → the attempt numbers its handler ran with, from every worker's run file. */
export function readRuns(dir: string): Map<string, number[]> {
  const runs = new Map<string, number[]>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.runs'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      const [id, attempt] = line.split(' ');
      const seen = runs.get(id!) ?? [];
      seen.push(Number(attempt));
      runs.set(id!, seen);
    }
  }
  return runs;
}

export async function readJobs(client: pg.Client): Promise<JobRow[]> {
  const result = await client.query<JobRow>(
    `select id, job_type, status, attempts, max_attempts, jsonb_array_length(errors) as errors from public.job_queue`,
  );
  return result.rows;
}

const sameRuns = (seen: number[], expected: number[]) =>
  seen.length === expected.length && [...seen].sort((a, b) => a - b).every((attempt, i) => attempt === expected[i]);

/**
 * Every job in exactly the final state its handler implies: soak.ok completed on attempt 1 and
 * run exactly once; soak.fail failed after max_attempts, one error and one run per attempt. No
 * job pending or processing, no run of a job that is not in the table.
 */
export function checkFinalStates(rows: readonly JobRow[], runs: ReadonlyMap<string, number[]>, expectedJobs: number): Violation[] {
  const violations: Violation[] = [];
  if (rows.length !== expectedJobs) violations.push({ kind: 'count', detail: `${rows.length} jobs in the table, ${expectedJobs} enqueued` });
  const known = new Set<string>();
  for (const job of rows) {
    known.add(job.id);
    const seen = runs.get(job.id) ?? [];
    const fails = job.job_type === FAIL_TYPE;
    const wanted = fails ? 'failed' : 'completed';
    if (job.status !== wanted) violations.push({ kind: 'state', jobId: job.id, detail: `${job.job_type} is ${job.status}, expected ${wanted}` });
    const attempts = fails ? job.max_attempts : 1;
    if (job.attempts !== attempts) violations.push({ kind: 'attempts', jobId: job.id, detail: `attempts ${job.attempts}, expected ${attempts}` });
    if (job.errors !== (fails ? attempts : 0)) violations.push({ kind: 'errors', jobId: job.id, detail: `${job.errors} errors recorded, expected ${fails ? attempts : 0}` });
    const expectedRuns = Array.from({ length: attempts }, (_, i) => i + 1);
    if (!sameRuns(seen, expectedRuns)) {
      violations.push({ kind: 'runs', jobId: job.id, detail: `handler ran with attempts [${seen.join(', ')}], expected [${expectedRuns.join(', ')}]` });
    }
  }
  for (const id of runs.keys()) if (!known.has(id)) violations.push({ kind: 'unknown job', jobId: id, detail: 'a handler ran for a job not in the table' });
  return violations;
}

export interface SoakFigures {
  completed: number;
  failed: number;
  /** From the resume (all workers start) to the last outcome recorded, on the database clock. */
  processingSeconds: number;
  /**
   * Pickup = started_at of each job's last claim − the later of its run_at and the resume, in ms:
   * overall, by priority band, and for the failing jobs' retries.
   */
  pickup: Array<{ priorities: string; jobs: number; p50: number; p99: number }>;
}

export async function readFigures(client: pg.Client, resumedAt: Date): Promise<SoakFigures> {
  const totals = await client.query<{ completed: number; failed: number; seconds: number }>(
    `select count(*) filter (where status = 'completed')::int as completed,
            count(*) filter (where status = 'failed')::int as failed,
            extract(epoch from max(completed_at) - $1::timestamptz)::float8 as seconds
       from public.job_queue`,
    [resumedAt],
  );
  const pickup = await client.query<{ priorities: string; jobs: number; p50: number; p99: number }>(
    `with p as (
       select case when priority <= 3 then '1-3' when priority <= 7 then '4-7' else '8-10' end as band,
              job_type, extract(epoch from started_at - greatest(run_at, $1::timestamptz)) * 1000 as ms
         from public.job_queue where started_at is not null),
     by_band as (
       select coalesce(band, 'all') as priorities, count(*)::int as jobs,
              percentile_cont(0.5) within group (order by ms)::float8 as p50,
              percentile_cont(0.99) within group (order by ms)::float8 as p99
         from p group by rollup (band)),
     -- The failing jobs' last claim is their retry, due after its backoff while the workers ran.
     retries as (
       select 'retry' as priorities, count(*)::int as jobs,
              percentile_cont(0.5) within group (order by ms)::float8 as p50,
              percentile_cont(0.99) within group (order by ms)::float8 as p99
         from p where job_type = $2 having count(*) > 0)
     select * from (select * from by_band union all select * from retries) figures
      order by case priorities when 'all' then 0 when 'retry' then 2 else 1 end, priorities`,
    [resumedAt, FAIL_TYPE],
  );
  const row = totals.rows[0]!;
  return { completed: row.completed, failed: row.failed, processingSeconds: row.seconds, pickup: pickup.rows };
}
