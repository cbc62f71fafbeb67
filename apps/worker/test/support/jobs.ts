import type { WorkerTestDatabase } from './database';

/** Enqueues jobs as the service role (a direct connection) through enqueue_jobs; returns their ids. */
export async function enqueue(db: WorkerTestDatabase, jobs: Array<Record<string, unknown>>): Promise<string[]> {
  const rows = await db.sql<{ id: string }>('select id from public.enqueue_jobs($1::jsonb)', [JSON.stringify(jobs)]);
  return rows.map((row) => row.id);
}

export async function statuses(db: WorkerTestDatabase, ids: readonly string[]) {
  return db.sql<{ id: string; status: string; attempts: number; locked_by: string | null; result: unknown }>(
    'select id, status, attempts, locked_by, result from public.job_queue where id = any($1::uuid[])',
    [ids],
  );
}

export async function countByStatus(db: WorkerTestDatabase): Promise<Record<string, number>> {
  const rows = await db.sql<{ status: string; n: number }>(
    'select status, count(*)::int as n from public.job_queue group by status',
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}
