import { type DoctorCheck, ok, problem, skip } from '../check';

/** Failed runs of our pg_cron jobs in the last day (cron.job_run_details). */
export const cronRunsCheck: DoctorCheck = {
  id: 'cron-runs',
  title: 'pg_cron runs (1 day)',
  async run({ db, expected }) {
    if (expected.cronJobs.length === 0) return skip('the migrations schedule no pg_cron jobs');
    const [present] = await db.query<{ present: boolean }>(
      "select to_regclass('cron.job_run_details') is not null as present",
    );
    if (!present?.present) return skip('pg_cron is not installed here: no runs to check');
    const rows = await db.query<{ name: string; runs: number; failed: number; last_status: string; last_error: string | null }>(
      `select j.jobname as name,
              count(*)::int as runs,
              count(*) filter (where d.status = 'failed')::int as failed,
              (array_agg(d.status order by d.start_time desc))[1] as last_status,
              (array_agg(d.return_message order by d.start_time desc) filter (where d.status = 'failed'))[1] as last_error
         from cron.job j
         join cron.job_run_details d on d.jobid = j.jobid
        where j.jobname = any($1::text[]) and d.start_time > now() - interval '1 day'
        group by j.jobname
        order by j.jobname`,
      [expected.cronJobs.map((job) => job.name)],
    );
    const runs = rows.reduce((sum, row) => sum + row.runs, 0);
    const failing = rows.filter((row) => row.failed > 0);
    if (failing.length === 0) return ok(`no failed runs in the last day (${runs} runs)`);
    const problems = failing.map(
      (row) =>
        `${row.name}: ${row.failed} of ${row.runs} runs failed, last run ${row.last_status}; last error: ${(row.last_error ?? 'none').trim()}`,
    );
    const stillFailing = failing.some((row) => row.last_status === 'failed');
    return problem(
      stillFailing ? 'fail' : 'warn',
      stillFailing
        ? `${failing.map((row) => row.name).join(', ')}: the latest run failed`
        : `${failing.map((row) => row.name).join(', ')}: some runs failed in the last day, the latest succeeded`,
      "read the errors: select jobname, status, return_message, start_time from cron.job_run_details join cron.job using (jobid) order by start_time desc limit 20",
      problems,
    );
  },
};
