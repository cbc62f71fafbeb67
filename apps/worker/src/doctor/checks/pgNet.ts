import { type DoctorCheck, ok, problem } from '../check';

/** pg_net lets pg_cron call the process-jobs Edge Function; without it a Node worker is needed. */
export const pgNetCheck: DoctorCheck = {
  id: 'pg-net',
  title: 'pg_net',
  async run({ db }) {
    const [row] = await db.query<{ installed: string | null; available: boolean }>(
      `select (select extversion from pg_catalog.pg_extension where extname = 'pg_net') as installed,
              exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net') as available`,
    );
    if (row?.installed) return ok(`pg_net ${row.installed} installed`);
    return problem(
      'warn',
      `pg_net is ${row?.available ? 'available but not enabled' : 'not installed'}: pg_cron cannot call the process-jobs Edge Function, so server jobs need a Node worker`,
      'Supabase: Database → Extensions → enable pg_net (and pg_cron), then select tessera.schedule_process_jobs(); elsewhere run `tessera-worker`',
    );
  },
};
