import { type DoctorCheck, ok, problem, skip } from '../check';

const JOB = 'tessera-process-jobs';
const LOGS = 'check the Vault secrets tessera_process_jobs_url / tessera_process_jobs_secret against the function (`supabase functions logs process-jobs`)';

/**
 * The process-jobs Edge Function as pg_cron calls it (0021): configured, pg_net there, and the
 * answers of the last hour. pg_net keeps responses without their URL, so these are all of this
 * database's pg_net calls; on a Tessera project that is essentially the process-jobs call.
 */
export const edgeFunctionCheck: DoctorCheck = {
  id: 'edge-function',
  title: 'Edge Function calls',
  async run({ db }) {
    const [state] = await db.query<{ cron: boolean; net: boolean; settings: boolean }>(
      `select to_regclass('cron.job') is not null as cron,
              to_regclass('net._http_response') is not null as net,
              to_regprocedure('tessera.process_jobs_setting(text)') is not null as settings`,
    );
    if (!state?.cron) return skip('pg_cron is not installed here: the Edge Function is not scheduled');
    const [job] = await db.query<{ active: boolean }>('select active from cron.job where jobname = $1', [JOB]);
    if (!job) return skip(`${JOB} is not scheduled (optional: configure it, then select tessera.schedule_process_jobs())`);
    if (!job.active) return skip(`${JOB} is scheduled but inactive`);
    if (!state.net) {
      return problem('fail', `${JOB} is scheduled but pg_net is missing: each run calls nothing`, 'enable pg_net (Supabase: Database → Extensions)');
    }
    if (state.settings) {
      // Only whether they are set: the doctor never prints a secret.
      const [configured] = await db.query<{ url: boolean; secret: boolean }>(
        `select tessera.process_jobs_setting('url') is not null as url, tessera.process_jobs_setting('secret') is not null as secret`,
      );
      const missing = [!configured?.url && 'URL', !configured?.secret && 'secret'].filter(Boolean);
      if (missing.length > 0) {
        return problem(
          'fail',
          `${JOB} is scheduled but not configured (missing: ${missing.join(', ')}): each run calls nothing`,
          'store tessera_process_jobs_url and tessera_process_jobs_secret in Supabase Vault (see supabase/migrations/0021_edge_worker_cron.sql)',
        );
      }
    }
    const [calls] = await db.query<{ total: number; failed: number; last_failed: boolean | null; last_error: string | null }>(
      `select count(*)::int as total,
              count(*) filter (where not ok)::int as failed,
              (array_agg(not ok order by created desc))[1] as last_failed,
              (array_agg(detail order by created desc) filter (where not ok))[1] as last_error
         from (select created,
                      coalesce(status_code between 200 and 299 and not timed_out, false) as ok,
                      case when timed_out then 'timed out'
                           when error_msg is not null then error_msg
                           else 'HTTP ' || status_code || coalesce(': ' || left(content, 200), '') end as detail
                 from net._http_response where created > now() - interval '1 hour') r`,
    );
    if (!calls || calls.total === 0) {
      return problem('warn', `${JOB} is scheduled but pg_net answered no call in the last hour`, `look at cron.job_run_details for ${JOB}, and at pg_net's background worker`);
    }
    if (calls.failed === 0) return ok(`${calls.total} calls in the last hour, all answered 2xx`);
    const summary = `${calls.failed} of ${calls.total} pg_net calls in the last hour failed; latest failure: ${calls.last_error}`;
    return problem(calls.last_failed ? 'fail' : 'warn', calls.last_failed ? `${summary} (the latest call failed too)` : summary, LOGS);
  },
};
