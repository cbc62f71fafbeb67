-- Tessera 0021: call the process-jobs Edge Function every 10 seconds with pg_cron + pg_net, so a
-- Supabase project runs its jobs (and ticks its schedules) when no browser tab is open and no
-- Node worker runs.
--
-- Needs, on the database: pg_cron and pg_net (Supabase: Database → Extensions), and where to
-- call, in Supabase Vault (Project Settings → Vault, or vault.create_secret):
--   tessera_process_jobs_url     https://<project-ref>.supabase.co/functions/v1/process-jobs
--   tessera_process_jobs_secret  the function's PROCESS_JOBS_SECRET (or the service role key)
-- or, without Vault, the settings tessera.process_jobs_url / tessera.process_jobs_secret
-- (`alter database postgres set tessera.process_jobs_url = '…'`; readable by every role, so
-- prefer Vault for the secret).
--
-- Guarded: where pg_cron or pg_net is missing (plain Postgres, PGlite, the embedded app) or
-- nothing is configured yet, it does nothing and says so in a NOTICE. Configure later, then run
-- `select tessera.schedule_process_jobs();` (`select cron.unschedule('tessera-process-jobs');`
-- stops it).

-- A setting of the call: Vault's secret tessera_process_jobs_<name>, else the database setting
-- tessera.process_jobs_<name>; null when neither is set. Not security definer: only roles that
-- may read Vault (postgres, pg_cron's jobs it scheduled) get the secret.
create or replace function tessera.process_jobs_setting(p_name text) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  v_value text;
begin
  if p_name not in ('url', 'secret') then
    raise exception 'unknown process-jobs setting %', quote_literal(p_name) using errcode = '22023';
  end if;
  if to_regclass('vault.decrypted_secrets') is not null then
    execute 'select s.decrypted_secret from vault.decrypted_secrets s where s.name = $1 limit 1'
       into v_value
      using 'tessera_process_jobs_' || p_name;
  end if;
  return coalesce(nullif(btrim(v_value), ''), nullif(btrim(current_setting('tessera.process_jobs_' || p_name, true)), ''));
end
$$;

-- One POST to the function through pg_net (asynchronous: pg_net sends it after the transaction
-- and keeps the response in net._http_response). Returns pg_net's request id, or null when
-- pg_net or the settings are missing. The timeout outlasts the function's run (20 s by default).
create or replace function tessera.invoke_process_jobs() returns bigint
language plpgsql volatile
set search_path = ''
as $$
declare
  v_url text := tessera.process_jobs_setting('url');
  v_secret text := tessera.process_jobs_setting('secret');
  v_request bigint;
begin
  if v_url is null or v_secret is null
     or to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null then
    return null;
  end if;
  execute 'select net.http_post(url => $1, body => $2, headers => $3, timeout_milliseconds => $4)'
     into v_request
    using v_url,
          '{}'::jsonb,
          jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_secret),
          60000;
  return v_request;
end
$$;

-- Schedules the call every 10 seconds (pg_cron ≥ 1.5; older versions know only minutes: then
-- every minute). Enables pg_net when it is available but not enabled. Raises, saying what is
-- missing, when it cannot. Returns the schedule used. Scheduling by name replaces: idempotent.
create or replace function tessera.schedule_process_jobs() returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  v_command constant text := 'select tessera.invoke_process_jobs()';
begin
  if to_regprocedure('cron.schedule(text, text, text)') is null then
    raise exception 'pg_cron is not enabled here: enable it (Supabase: Database → Extensions), or run a Node worker instead'
      using errcode = '55000';
  end if;
  if to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null
     and exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net;
  end if;
  if to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null then
    raise exception 'pg_net is not enabled here: enable it (Supabase: Database → Extensions)' using errcode = '55000';
  end if;
  if tessera.process_jobs_setting('url') is null or tessera.process_jobs_setting('secret') is null then
    raise exception 'the process-jobs URL or secret is not configured'
      using errcode = '55000',
            hint = 'store tessera_process_jobs_url and tessera_process_jobs_secret in Supabase Vault';
  end if;
  begin
    perform cron.schedule('tessera-process-jobs', '10 seconds', v_command);
    return '10 seconds';
  exception when others then
    perform cron.schedule('tessera-process-jobs', '* * * * *', v_command);
    return '* * * * *';
  end;
end
$$;

revoke all on function tessera.process_jobs_setting(text) from public;
revoke all on function tessera.invoke_process_jobs() from public;
revoke all on function tessera.schedule_process_jobs() from public;

do $guard$
declare
  v_schedule text;
begin
  if to_regprocedure('cron.schedule(text, text, text)') is null then
    raise notice 'pg_cron is not enabled: the process-jobs Edge Function is not scheduled (run a Node worker, or see tessera.schedule_process_jobs())';
    return;
  end if;
  if tessera.process_jobs_setting('url') is null or tessera.process_jobs_setting('secret') is null then
    raise notice 'process-jobs is not scheduled: store tessera_process_jobs_url and tessera_process_jobs_secret in Vault, then select tessera.schedule_process_jobs()';
    return;
  end if;
  begin
    v_schedule := tessera.schedule_process_jobs();
    raise notice 'process-jobs scheduled every %', v_schedule;
  exception when others then
    -- pg_net missing or not allowed here: not an error for the migration, only a different mode.
    raise notice 'process-jobs is not scheduled: %', sqlerrm;
  end;
end
$guard$;
