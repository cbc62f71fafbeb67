import { type DoctorCheck, ok, problem, skip } from '../check';

/** Jobs that failed for good in the last hour; over the threshold something is wrong. */
export const failedJobsCheck: DoctorCheck = {
  id: 'failed-jobs',
  title: 'Failed jobs (1 hour)',
  async run({ db, thresholds }) {
    const [table] = await db.query<{ present: boolean }>("select to_regclass('public.job_queue') is not null as present");
    if (!table?.present) return skip('public.job_queue is missing');
    const byType = await db.query<{ job_type: string; failed: number; error: string | null }>(
      `select job_type, count(*)::int as failed, (array_agg(error_message order by completed_at desc))[1] as error
         from public.job_queue
        where status = 'failed' and completed_at > now() - interval '1 hour'
        group by job_type order by 2 desc, 1`,
    );
    const failed = byType.reduce((sum, row) => sum + row.failed, 0);
    const summary = `${failed} job${failed === 1 ? '' : 's'} failed in the last hour (threshold ${thresholds.failedLastHour})`;
    if (failed <= thresholds.failedLastHour) return ok(summary);
    return problem(
      'warn',
      summary,
      "read the errors in /admin (Failed) or: select job_type, error_message, errors from public.job_queue where status = 'failed' order by completed_at desc limit 20",
      byType.slice(0, 5).map((row) => `${row.job_type}: ${row.failed} failed; latest error: ${(row.error ?? 'none').slice(0, 200)}`),
    );
  },
};
