import { type DoctorCheck, ok, problem, skip } from '../check';

/** Jobs still `processing` after their lease ended: their worker died and nobody requeued them. */
export const stalledJobsCheck: DoctorCheck = {
  id: 'stalled-jobs',
  title: 'Stalled jobs',
  async run({ db }) {
    const [table] = await db.query<{ present: boolean }>("select to_regclass('public.job_queue') is not null as present");
    if (!table?.present) return skip('public.job_queue is missing');
    const [row] = await db.query<{ stalled: number; oldest: number | null }>(
      `select count(*)::int as stalled, extract(epoch from now() - min(locked_until))::int as oldest
         from public.job_queue where status = 'processing' and locked_until < now()`,
    );
    if (!row || row.stalled === 0) return ok('no running job has an expired lease');
    return problem(
      'warn',
      `${row.stalled} running job${row.stalled === 1 ? ' has' : 's have'} an expired lease (oldest expired ${row.oldest} s ago): no worker or pg_cron is requeueing them`,
      'start a worker (the next claim takes them) or run: select public.requeue_stalled(); check the pg_cron job tessera-requeue-stalled',
    );
  },
};
