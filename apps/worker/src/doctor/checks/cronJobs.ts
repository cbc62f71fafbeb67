import { type DoctorCheck, listSome, migrationPath, ok, problem, skip } from '../check';

/**
 * Every pg_cron job the migrations schedule exists, is active and runs in this database. Jobs
 * only a migration's function schedules (the Edge Function call, once configured) are optional:
 * checked the same way when present, only mentioned when absent.
 */
export const cronJobsCheck: DoctorCheck = {
  id: 'cron-jobs',
  title: 'pg_cron jobs',
  async run({ db, expected }) {
    if (expected.cronJobs.length === 0) return skip('the migrations schedule no pg_cron jobs');
    const [present] = await db.query<{ present: boolean }>("select to_regclass('cron.job') is not null as present");
    if (!present?.present) {
      return skip(`pg_cron is not installed here: nothing scheduled (${listSome(expected.cronJobs.map((job) => job.name))} need it)`);
    }
    const rows = await db.query<{ name: string; active: boolean; database: string; schedule: string; here: string }>(
      `select jobname as name, active, database, schedule, current_database() as here
         from cron.job where jobname = any($1::text[])`,
      [expected.cronJobs.map((job) => job.name)],
    );
    const problems: string[] = [];
    const files = new Set<string>();
    const absentOptional: string[] = [];
    for (const job of expected.cronJobs) {
      const row = rows.find((r) => r.name === job.name);
      if (!row && job.optional) absentOptional.push(job.name);
      else if (!row) problems.push(`${job.name} is not scheduled (${job.file})`);
      else if (!row.active) problems.push(`${job.name} is scheduled but inactive`);
      else if (row.database !== row.here) problems.push(`${job.name} runs in database ${row.database}, not ${row.here}`);
      else continue;
      if (row || !job.optional) files.add(migrationPath(job.file));
    }
    const note = absentOptional.length > 0 ? `; not scheduled (optional): ${absentOptional.join(', ')}` : '';
    if (problems.length === 0) {
      const scheduled = rows.map((row) => `${row.name} (${row.schedule})`);
      return ok(`${scheduled.length > 0 ? scheduled.join(', ') : 'no job scheduled'}${note}`);
    }
    return problem(
      'fail',
      `${problems.length} pg_cron job${problems.length === 1 ? '' : 's'} not running here: ${listSome(problems.map((p) => p.split(' ')[0]!))}${note}`,
      `apply ${listSome([...files])} again as the database owner (jobs are scheduled by name; cron.job rows are visible only to the role that scheduled them)`,
      problems,
    );
  },
};
