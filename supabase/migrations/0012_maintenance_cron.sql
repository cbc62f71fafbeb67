-- Tessera 0012: schedule the queue's maintenance with pg_cron where it is available (Supabase:
-- Database → Extensions → pg_cron): requeue_stalled() every minute, cleanup_jobs('7 days') daily.
-- Guarded: on plain Postgres without pg_cron preloaded, and on PGlite, it does nothing and says
-- so; a Node worker's MaintenanceRunner (run_maintenance, 0011) does the same work instead, and
-- maintenance_mode() tells it which of the two applies.

do $guard$
begin
  if not exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron') then
      raise notice 'pg_cron is not installed: maintenance runs in a Node worker (run_maintenance) instead';
      return;
    end if;
    -- Installed is not enough: pg_cron must be in shared_preload_libraries and this must be
    -- its cron.database_name. Either failing is not an error for us, only a different mode.
    begin
      create extension if not exists pg_cron;
    exception when others then
      raise notice 'pg_cron could not be enabled here (%): maintenance runs in a Node worker instead', sqlerrm;
      return;
    end;
  end if;
  if to_regnamespace('cron') is null or to_regprocedure('cron.schedule(text, text, text)') is null then
    raise notice 'pg_cron has no cron.schedule(name, schedule, command): maintenance runs in a Node worker instead';
    return;
  end if;

  -- Scheduling by name replaces an existing job of that name: applying this again is harmless.
  -- Both run as the migration's role without JWT claims, i.e. as the service role.
  perform cron.schedule('tessera-requeue-stalled', '* * * * *', 'select public.requeue_stalled()');
  perform cron.schedule('tessera-cleanup-jobs', '17 3 * * *', $cmd$select public.cleanup_jobs(interval '7 days')$cmd$);
end
$guard$;
