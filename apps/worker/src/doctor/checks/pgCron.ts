import { type DoctorCheck, ok, problem } from '../check';

const NODE_FALLBACK = 'maintenance (requeue_stalled, cleanup_jobs) then runs only while a Node worker runs (MaintenanceRunner)';

/** pg_cron installed in this database, or why not. */
export const pgCronCheck: DoctorCheck = {
  id: 'pg-cron',
  title: 'pg_cron',
  async run({ db }) {
    const [row] = await db.query<{
      installed: string | null;
      available: boolean;
      preload: string | null;
      cron_database: string | null;
      database: string;
    }>(
      `select (select extversion from pg_catalog.pg_extension where extname = 'pg_cron') as installed,
              exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron') as available,
              current_setting('shared_preload_libraries', true) as preload,
              current_setting('cron.database_name', true) as cron_database,
              current_database() as database`,
    );
    if (!row) throw new Error('no answer about pg_cron');
    if (row.installed) return ok(`pg_cron ${row.installed} installed in ${row.database}`);
    if (!row.available) {
      return problem(
        'warn',
        `pg_cron is not installed on this server: ${NODE_FALLBACK}`,
        'Supabase: Database → Extensions → enable pg_cron, then apply supabase/migrations/0012_maintenance_cron.sql again; elsewhere keep a Node worker running',
      );
    }
    if (!(row.preload ?? '').split(',').some((lib) => lib.trim() === 'pg_cron')) {
      return problem(
        'warn',
        `pg_cron is installed on the server but not in shared_preload_libraries: ${NODE_FALLBACK}`,
        "add pg_cron to shared_preload_libraries, restart Postgres, create extension pg_cron, then apply 0012_maintenance_cron.sql again",
      );
    }
    if (row.cron_database && row.cron_database !== row.database) {
      return problem(
        'warn',
        `pg_cron runs in database ${row.cron_database}, not in ${row.database}: ${NODE_FALLBACK}`,
        `set cron.database_name = '${row.database}' and restart (pg_cron schedules only from that database), or keep a Node worker running`,
      );
    }
    return problem(
      'warn',
      `pg_cron is preloaded but not enabled in ${row.database}: ${NODE_FALLBACK}`,
      'create extension pg_cron; then apply supabase/migrations/0012_maintenance_cron.sql again',
    );
  },
};
